"""The gold tables identity resolution owns, read and replaced in the warehouse.

Both tables are replaced in one transaction: a failure while writing the second leaves
the first as it was, so the xref and the review table always come from the same run.
"""

from __future__ import annotations

from typing import Final

import duckdb
import pyarrow as pa

from platform_assets.warehouse import Warehouse

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


def read_inputs(warehouse: Warehouse) -> tuple[pa.Table, pa.Table]:
    """silver's customer records and the previous xref (empty on the first run)."""
    with warehouse.connect() as connection:
        records = connection.sql(f"select * from {RECORDS_TABLE}").to_arrow_table()
        previous = (
            connection.sql(
                f"select source_record_id, customer_key from {GOLD_SCHEMA}.{XREF_TABLE}"
            ).to_arrow_table()
            if _exists(connection, XREF_TABLE)
            else _EMPTY_XREF.empty_table()
        )
    return records, previous


def replace_resolution(warehouse: Warehouse, xref: pa.Table, review: pa.Table) -> None:
    """``xref`` and ``review`` carry exactly the tables' columns, in order."""
    with warehouse.transaction() as connection:
        connection.execute(f"create schema if not exists {GOLD_SCHEMA}")
        for table, frame, columns in (
            (XREF_TABLE, xref, XREF_COLUMNS),
            (REVIEW_TABLE, review, REVIEW_COLUMNS),
        ):
            connection.register("incoming", frame)
            connection.execute(
                f"create or replace table {GOLD_SCHEMA}.{table} as "
                f"select * from incoming order by {columns[0]}, {columns[1]}"
            )
            connection.unregister("incoming")


def _exists(connection: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(
        connection.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            [GOLD_SCHEMA, table],
        ).fetchall()[0][0]
    )
