"""What ``platform-assets migrate`` does, as functions: upgrade, downgrade, and the
current and known revisions.

Each keeps the guard of this process in step with what it did, so a test (or a
long-lived process) that migrates and then runs is checked against the new revision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from alembic import command

from platform_assets.warehouse import Warehouse
from platform_assets.warehouse.migrations.config import (
    alembic_config,
    head_revision,
    script_directory,
)
from platform_assets.warehouse.migrations.guard import mark_current, read_revision


@dataclass(frozen=True)
class Revision:
    revision: str
    down_revision: str | None
    title: str


def upgrade(warehouse: Warehouse, revision: str = "head") -> str | None:
    """Applies every revision up to ``revision``; returns the revision reached."""
    command.upgrade(alembic_config(warehouse), revision)
    return _record(warehouse)


def downgrade(warehouse: Warehouse, revision: str) -> str | None:
    """Reverts down to ``revision`` (``base``: before 0001); returns the revision reached."""
    command.downgrade(alembic_config(warehouse), revision)
    return _record(warehouse)


def current_revision(warehouse: Warehouse) -> str | None:
    with warehouse.connect() as session:
        return read_revision(session)[1]


def history() -> list[Revision]:
    """Every revision this code ships, newest first."""
    return [
        Revision(
            script.revision,
            _single(script.down_revision),
            (script.doc or "").strip().splitlines()[0] if script.doc else "",
        )
        for script in script_directory().walk_revisions()
    ]


def _single(down_revision: str | Sequence[str] | None) -> str | None:
    if down_revision is not None and not isinstance(down_revision, str):
        return ", ".join(down_revision)
    return down_revision


def _record(warehouse: Warehouse) -> str | None:
    reached = current_revision(warehouse)
    mark_current(warehouse, reached == head_revision())
    return reached
