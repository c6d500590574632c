"""Deployment commits carry their own start, finish and result: ``started_at``,
``finished_at`` and ``result`` on ``raw.deployment_commits``.

A deployment that spans several repositories finishes in each at its own time, and may
fail in one and be retried there later; DevLake's DORA plugin dates each deployment
commit by its own finish and counts it by its own result (docs/dora-metrics-models.md,
DevLake mode). The columns are nullable: a row without them inherits its deployment's,
so every row already loaded keeps meaning what it meant. A nullable column without a
default is a catalog change on both databases, not a rewrite. A table not created yet is
skipped: the loader creates it from its contract, columns included.

The downgrade drops the columns: the per-repository times and results are lost, every
other value stays.

Frozen: the names and types are written out here, never taken from the code's constants.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COLUMNS = (
    ("started_at", "TIMESTAMPTZ"),
    ("finished_at", "TIMESTAMPTZ"),
    ("result", "VARCHAR"),
)

HAS_COLUMN = text(
    "select count(*) from information_schema.columns "
    "where table_catalog = current_database() and table_schema = 'raw' "
    "and table_name = 'deployment_commits' and column_name = :column"
)
TABLE_EXISTS = text(
    "select count(*) from information_schema.tables "
    "where table_catalog = current_database() and table_schema = 'raw' "
    "and table_name = 'deployment_commits'"
)


def _columns(present: bool) -> list[tuple[str, str]]:
    bind = op.get_bind()
    if not bind.execute(TABLE_EXISTS).scalar():
        return []
    return [
        (column, kind)
        for column, kind in COLUMNS
        if bool(bind.execute(HAS_COLUMN, {"column": column}).scalar()) == present
    ]


def upgrade() -> None:
    for column, kind in _columns(present=False):
        op.execute(f'alter table raw."deployment_commits" add column "{column}" {kind}')


def downgrade() -> None:
    for column, _kind in _columns(present=True):
        op.execute(f'alter table raw."deployment_commits" drop column "{column}"')
