"""DORA raw tables keep deletions: ``_deleted_at`` on the eight DORA raw tables.

A full read of a DORA source (the file source always; GitHub and PagerDuty on a first
load, a full refresh or a recovery from an unusable cursor) is a snapshot, and a record
it no longer holds is marked deleted instead of living on (docs/sources.md). Tables
created before that have no ``_deleted_at``; this adds it, NULL for every row already
loaded (each one was present when it was read). A nullable column without a default is
a catalog change on both databases, not a rewrite. Tables not created yet are skipped:
the loader creates them from their contract, column included.

The downgrade drops the column: which rows were marked deleted is lost, every other
value stays.

Frozen: the table names are written out here, never taken from the code's constants.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

DORA_RAW_TABLES = (
    "deployments",
    "deployment_commits",
    "deployment_change_sets",
    "commits",
    "pull_requests",
    "pull_request_commits",
    "pull_request_reviews",
    "incidents",
)

HAS_COLUMN = text(
    "select count(*) from information_schema.columns "
    "where table_catalog = current_database() and table_schema = 'raw' "
    "and table_name = :table and column_name = '_deleted_at'"
)
TABLE_EXISTS = text(
    "select count(*) from information_schema.tables "
    "where table_catalog = current_database() and table_schema = 'raw' "
    "and table_name = :table"
)


def _tables(with_column: bool) -> list[str]:
    bind = op.get_bind()
    return [
        table
        for table in DORA_RAW_TABLES
        if bind.execute(TABLE_EXISTS, {"table": table}).scalar()
        and bool(bind.execute(HAS_COLUMN, {"table": table}).scalar()) == with_column
    ]


def upgrade() -> None:
    for table in _tables(with_column=False):
        op.execute(f'alter table raw."{table}" add column "_deleted_at" TIMESTAMPTZ')


def downgrade() -> None:
    for table in _tables(with_column=True):
        op.execute(f'alter table raw."{table}" drop column "_deleted_at"')
