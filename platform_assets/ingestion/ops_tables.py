"""The operational tables the ingestion keeps next to the raw data (schema ``ops``).

``ops.quarantine`` holds every record that did not fit its table's contract, with the
reason, until a later load of the same record resolves it (``resolved_at``,
``resolved_run_id``), so the rows still open are the records still missing;
``ops.ingestion_cursors`` holds how far each (source, entity) has been read. Both are
written in the same transaction as the raw merge they describe. ``ops.erasure_suppression``
lists, by keyed digest, the source records of erased people, which every load drops
(``suppression``); the erasure writes it, the ingestion only reads it, and both create
it from the privacy package's one statement.
"""

from __future__ import annotations

from typing import Final

from platform_assets.privacy.suppression_list import CREATE_SUPPRESSION
from platform_assets.warehouse import Warehouse, WarehouseSession
from platform_assets.warehouse.dialect import create_schema_sql

OPS_SCHEMA: Final = "ops"
QUARANTINE_TABLE: Final = "ops.quarantine"
CURSORS_TABLE: Final = "ops.ingestion_cursors"
#: The tables, in the ``ops`` schema (``create_ops_tables`` creates it when missing).
CREATE_OPS_TABLES: Final = (
    f"""create table if not exists {QUARANTINE_TABLE} (
        source VARCHAR NOT NULL,
        entity VARCHAR NOT NULL,
        record_key VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        payload VARCHAR,
        run_id VARCHAR NOT NULL,
        quarantined_at TIMESTAMPTZ NOT NULL,
        primary key (source, entity, record_key, reason)
    )""",
    # Added by ALTER, not in the CREATE above, so that a warehouse created before
    # quarantine rows could be resolved gains the columns in place, its rows kept.
    f"alter table {QUARANTINE_TABLE} add column if not exists resolved_at TIMESTAMPTZ",
    f"alter table {QUARANTINE_TABLE} add column if not exists resolved_run_id VARCHAR",
    f"""create table if not exists {CURSORS_TABLE} (
        source VARCHAR NOT NULL,
        entity VARCHAR NOT NULL,
        cursor VARCHAR,
        run_id VARCHAR NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL,
        primary key (source, entity)
    )""",
    CREATE_SUPPRESSION,
)


def create_ops_tables(session: WarehouseSession) -> None:
    """Creates what is missing. Nothing runs when every table is there with its latest
    column: PostgreSQL's ``alter table ... add column if not exists`` locks the table
    exclusively even when the column exists, and every load runs this inside its
    transaction, so parallel loads would queue on ``ops.quarantine`` until each commits."""
    if _ops_tables_current(session):
        return
    session.execute(create_schema_sql(OPS_SCHEMA, session.dialect))
    for statement in CREATE_OPS_TABLES:
        session.execute(statement)


def _ops_tables_current(session: WarehouseSession) -> bool:
    rows = session.execute(
        "select count(*) from information_schema.columns "
        f"where table_schema = '{OPS_SCHEMA}' and ("
        "(table_name = 'quarantine' and column_name = 'resolved_run_id') "
        "or (table_name in ('ingestion_cursors', 'erasure_suppression') "
        "and column_name = 'source'))"
    ).fetchall()
    return rows[0][0] == 3


def ops_table_exists(session: WarehouseSession, name: str) -> bool:
    """Whether ``ops.<name>`` exists: readers run before the first load creates it."""
    rows = session.execute(
        "select count(*) from information_schema.tables "
        f"where table_schema = '{OPS_SCHEMA}' and table_name = ?",
        [name],
    ).fetchall()
    return bool(rows[0][0])


def read_cursor(warehouse: Warehouse, source: str, entity: str) -> str | None:
    """The cursor stored for (source, entity), or None before the first load."""
    with warehouse.connect(role="loader") as session:
        if not ops_table_exists(session, "ingestion_cursors"):
            return None
        rows = session.execute(
            f"select cursor from {CURSORS_TABLE} where source = ? and entity = ?",
            [source, entity],
        ).fetchall()
    return rows[0][0] if rows else None
