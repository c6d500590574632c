"""Run start refuses a warehouse behind the code's migrations.

A run writing into tables of an older shape would fail halfway, or worse, write what
the next revision reads differently; the operator has to upgrade first, on purpose,
since a migration of a large table may take time and a backup. The one exception is a
new warehouse (no version table and none of the platform's tables): there is nothing
to lose, so it is brought to head. A warehouse found at head is remembered for the rest
of the process, so the check costs one catalog query per process and warehouse.
"""

from __future__ import annotations

import threading
from typing import Final

from platform_assets.warehouse import Warehouse, WarehouseSession

#: The tables revision 0001 manages: any of them without a version table is a warehouse
#: built before migrations, which ``migrate upgrade`` adopts.
PLATFORM_TABLES: Final = ("quarantine", "ingestion_cursors", "erasure_suppression", "erasure_log")
UPGRADE_COMMAND: Final = "platform-assets migrate upgrade"

_verified: set[str] = set()
_lock = threading.Lock()


class WarehouseBehind(RuntimeError):
    """The warehouse is not at the code's head revision; the message says what to run."""


def warehouse_key(warehouse: Warehouse) -> str:
    return warehouse.postgres_url if warehouse.dialect == "postgres" else str(warehouse.path)


def mark_current(warehouse: Warehouse, current: bool) -> None:
    """Records what a migrate command just did, so the guard of this process agrees."""
    with _lock:
        (_verified.add if current else _verified.discard)(warehouse_key(warehouse))


def ensure_current(warehouse: Warehouse) -> None:
    """Passes at head, upgrades a new warehouse, raises ``WarehouseBehind`` otherwise."""
    key = warehouse_key(warehouse)
    if key in _verified:
        return
    from platform_assets.warehouse.migrations.config import head_revision

    head = head_revision()
    with warehouse.connect() as session:
        found, revision = read_revision(session)
    if revision != head:
        if found or revision is not None:
            raise WarehouseBehind(_behind_message(warehouse, revision, head))
        from platform_assets.warehouse.migrations.commands import upgrade

        upgrade(warehouse)
    mark_current(warehouse, True)


def read_revision(session: WarehouseSession) -> tuple[bool, str | None]:
    """Whether any platform table exists, and the revision recorded (None: no version
    table, or an empty one after a downgrade to base)."""
    rows = session.execute(
        "select table_name from information_schema.tables where table_schema = 'ops' "
        "and table_name in ('alembic_version', ?, ?, ?, ?)",
        list(PLATFORM_TABLES),
    ).fetchall()
    names = {name for (name,) in rows}
    if "alembic_version" not in names:
        return bool(names), None
    versions = session.execute("select version_num from ops.alembic_version").fetchall()
    return True, versions[0][0] if versions else None


def _behind_message(warehouse: Warehouse, revision: str | None, head: str) -> str:
    if revision is None:
        where = "has no migration revision (it was built before migrations, or downgraded)"
    else:
        where = f"is at migration revision {revision}"
    return (
        f"the warehouse {warehouse.description} {where}; this code needs revision {head} "
        f"(head). Nothing was read or written. Back it up, then run `{UPGRADE_COMMAND}` "
        "(docs/migrations.md)."
    )
