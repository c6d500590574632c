"""The operational tables the ingestion keeps next to the raw data (schema ``ops``).

``ops.quarantine`` holds every record that did not fit its table's contract, with the
reason, until a later load of the same record resolves it (``resolved_at``,
``resolved_run_id``), so the rows still open are the records still missing;
``ops.ingestion_cursors`` holds how far each (source, entity) has been read. Both are
written in the same transaction as the raw merge they describe. ``ops.erasure_suppression``
lists, by keyed digest, the source records of erased people, which every load drops
(``suppression``). Their shape is the migrations' (``platform_assets/warehouse/migrations``): the
ingestion calls the migration guard before it reads or writes them.
"""

from __future__ import annotations

from typing import Final

from platform_assets.warehouse import Warehouse, WarehouseSession
from platform_assets.warehouse.migrations.guard import ensure_current

OPS_SCHEMA: Final = "ops"
QUARANTINE_TABLE: Final = "ops.quarantine"
CURSORS_TABLE: Final = "ops.ingestion_cursors"


def read_cursor(warehouse: Warehouse, source: str, entity: str) -> str | None:
    """The cursor stored for (source, entity), or None before the first load."""
    ensure_current(warehouse)
    with warehouse.connect(role="loader") as session:
        rows = session.execute(
            f"select cursor from {CURSORS_TABLE} where source = ? and entity = ?",
            [source, entity],
        ).fetchall()
    return rows[0][0] if rows else None


def ops_table_exists(session: WarehouseSession, name: str) -> bool:
    """Whether ``ops.<name>`` exists, for a table created on first use rather than by a
    migration."""
    rows = session.execute(
        "select count(*) from information_schema.tables "
        f"where table_schema = '{OPS_SCHEMA}' and table_name = ?",
        [name],
    ).fetchall()
    return bool(rows[0][0])
