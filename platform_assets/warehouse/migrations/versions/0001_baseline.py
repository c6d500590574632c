"""Baseline: the tables the platform manages outside dbt, in schema ``ops``.

``quarantine`` (records that did not fit their contract, until a later load resolves
them), ``ingestion_cursors`` (how far each source and entity has been read),
``erasure_suppression`` (keyed digests of erased people's source records) and
``erasure_log`` (the hash-chained record of every erasure). Every statement is ``if not
exists``: a warehouse built before migrations existed is adopted in place, its rows
kept; the two ``alter``s give a quarantine older than resolution its columns.

Frozen: the DDL is written out here, never taken from the code's constants.
"""

from __future__ import annotations

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UPGRADE = (
    """create table if not exists ops.quarantine (
        source VARCHAR NOT NULL,
        entity VARCHAR NOT NULL,
        record_key VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        payload VARCHAR,
        run_id VARCHAR NOT NULL,
        quarantined_at TIMESTAMPTZ NOT NULL,
        resolved_at TIMESTAMPTZ,
        resolved_run_id VARCHAR,
        primary key (source, entity, record_key, reason)
    )""",
    "alter table ops.quarantine add column if not exists resolved_at TIMESTAMPTZ",
    "alter table ops.quarantine add column if not exists resolved_run_id VARCHAR",
    """create table if not exists ops.ingestion_cursors (
        source VARCHAR NOT NULL,
        entity VARCHAR NOT NULL,
        cursor VARCHAR,
        run_id VARCHAR NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL,
        primary key (source, entity)
    )""",
    """create table if not exists ops.erasure_suppression (
        source VARCHAR NOT NULL,
        entity VARCHAR NOT NULL,
        record_key_digest VARCHAR NOT NULL,
        email_digest VARCHAR,
        suppressed_at TIMESTAMPTZ NOT NULL,
        erasure_id VARCHAR NOT NULL,
        primary key (source, entity, record_key_digest)
    )""",
    """create table if not exists ops.erasure_log (
        erasure_id VARCHAR NOT NULL PRIMARY KEY,
        erased_at TIMESTAMPTZ NOT NULL,
        customer_key_digest VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        rows_removed VARCHAR NOT NULL,
        previous_entry_hash VARCHAR NOT NULL,
        entry_hash VARCHAR NOT NULL UNIQUE
    )""",
)

DOWNGRADE = (
    "drop table if exists ops.erasure_log",
    "drop table if exists ops.erasure_suppression",
    "drop table if exists ops.ingestion_cursors",
    "drop table if exists ops.quarantine",
)


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
