"""Schema evolution: ``_extras`` on every raw and bronze table, and the drift events.

A field a source adds is kept in ``_extras`` (a JSON object as text, NULL when none)
until a later migration and the contract adopt it, and each change of a source's shape
is one row of ``ops.schema_drift_events`` (docs/schema-evolution.md). The tables to alter
are read from the catalog: every base table of schemas ``raw`` and ``bronze`` without
the column, whoever's domain it is. Adding a nullable column without a default is a
catalog change on both databases, not a rewrite, so it is quick on a large table. Both
take the same spelling (PostgreSQL's VARCHAR is unbounded), so no statement depends on
the dialect.

The downgrade drops the column from every such table and drops the events table: the
extras kept since the upgrade are lost with them, every other value stays.

Frozen: the DDL is written out here, never taken from the code's constants.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CREATE_EVENTS = """create table if not exists ops.schema_drift_events (
    source VARCHAR NOT NULL,
    entity VARCHAR NOT NULL,
    column_name VARCHAR NOT NULL,
    change VARCHAR NOT NULL,
    detail VARCHAR NOT NULL,
    first_seen_run_id VARCHAR NOT NULL,
    first_seen_at TIMESTAMPTZ NOT NULL,
    last_seen_run_id VARCHAR NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    primary key (source, entity, column_name, change)
)"""
DROP_EVENTS = "drop table if exists ops.schema_drift_events"

#: Base tables of raw and bronze with (``has = 1``) or without (``has = 0``) ``_extras``.
TABLES = text(
    "select t.table_schema, t.table_name from information_schema.tables as t "
    "where t.table_catalog = current_database() "
    "and t.table_schema in ('raw', 'bronze') and t.table_type = 'BASE TABLE' "
    "and (select count(*) from information_schema.columns as c "
    "where c.table_catalog = t.table_catalog and c.table_schema = t.table_schema "
    "and c.table_name = t.table_name and c.column_name = '_extras') = :has "
    "order by 1, 2"
)


def _tables(has_extras: bool) -> list[str]:
    rows = op.get_bind().execute(TABLES, {"has": int(has_extras)}).fetchall()
    return ['"{}"."{}"'.format(*(part.replace('"', '""') for part in row)) for row in rows]


def upgrade() -> None:
    op.execute(CREATE_EVENTS)
    for table in _tables(has_extras=False):
        op.execute(f'alter table {table} add column "_extras" VARCHAR')


def downgrade() -> None:
    for table in _tables(has_extras=True):
        op.execute(f'alter table {table} drop column "_extras"')
    op.execute(DROP_EVENTS)
