"""The gold tables identity resolution owns, read and replaced in the warehouse.

Both tables are replaced in one transaction: a failure while writing the second leaves
the first as it was, so the xref and the review table always come from the same run.
The resolution writes as the transformer role, which owns the silver and gold tables
on PostgreSQL.
"""

from __future__ import annotations

from typing import Final

import pyarrow as pa

from platform_assets.warehouse import Warehouse, WarehouseSession, qualified
from platform_assets.warehouse.dialect import create_schema_sql

GOLD_SCHEMA: Final = "gold"
XREF_TABLE: Final = "customer_source_xref"
REVIEW_TABLE: Final = "customer_match_review"
RECORDS_TABLE: Final = "silver.customer_records"

XREF_COLUMNS: Final = (
    "source_record_id",
    "source_system",
    "customer_key",
    "match_probability",
    "cluster_size",
)
REVIEW_COLUMNS: Final = (
    "source_record_id_l",
    "source_record_id_r",
    "match_probability",
    "match_weight",
)
_EMPTY_XREF: Final = pa.schema([("source_record_id", pa.string()), ("customer_key", pa.string())])
_INCOMING: Final = "incoming_resolution"


def read_inputs(warehouse: Warehouse) -> tuple[pa.Table, pa.Table]:
    """silver's customer records and the previous xref (empty on the first run)."""
    with warehouse.connect(role="transformer") as session:
        records = session.arrow(f"select * from {RECORDS_TABLE}")
        previous = (
            session.arrow(
                f"select source_record_id, customer_key from {qualified(GOLD_SCHEMA, XREF_TABLE)}"
            )
            if _exists(session, XREF_TABLE)
            else _EMPTY_XREF.empty_table()
        )
    return records, previous


def replace_resolution(warehouse: Warehouse, xref: pa.Table, review: pa.Table) -> None:
    """``xref`` and ``review`` carry exactly the tables' columns, in order."""
    with warehouse.transaction(role="transformer") as session:
        session.execute(create_schema_sql(GOLD_SCHEMA, session.dialect))
        for table, frame, columns in (
            (XREF_TABLE, xref, XREF_COLUMNS),
            (REVIEW_TABLE, review, REVIEW_COLUMNS),
        ):
            target = qualified(GOLD_SCHEMA, table)
            session.register(_INCOMING, frame)
            session.execute(f"drop table if exists {target}")
            session.execute(
                f"create table {target} as "
                f"select * from {_INCOMING} order by {columns[0]}, {columns[1]}"
            )
            session.unregister(_INCOMING)


def _exists(session: WarehouseSession, table: str) -> bool:
    [(present,)] = session.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [GOLD_SCHEMA, table],
    ).fetchall()
    return bool(present)
