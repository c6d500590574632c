"""A representative warehouse for the migration tests: a raw table landed by a real
``ingest()`` of the DORA demo connector, and rows in every table the migrations manage.

On PostgreSQL the database is set up as ``platform-assets warehouse setup`` does, so
the migrations run as the loader role, as in a deployment.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime

import pytest

from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.ingestion import ingest
from platform_assets.integrations.postgres.grants import set_up_and_migrate
from platform_assets.privacy.erasure_log import append_erasure_entry
from platform_assets.warehouse import Warehouse
from platform_assets.warehouse.migrations.commands import upgrade
from platform_assets.warehouse.migrations.guard import PLATFORM_TABLES
from tests.ingestion.conftest import demo

#: The schemas whose tables a migration may change; the version table is Alembic's.
MIGRATED_SCHEMAS = ("raw", "bronze", "ops")
VERSION_TABLE = "ops.alembic_version"
AT = datetime(2026, 12, 1, 12, tzinfo=UTC)


def set_up(warehouse: Warehouse) -> None:
    """The warehouse at head, as `make` leaves it."""
    if warehouse.dialect == "postgres":
        set_up_and_migrate(warehouse)
    else:
        upgrade(warehouse)


def fill(warehouse: Warehouse) -> None:
    ingest(
        demo(days=5),
        RAW_CONTRACTS["deployments"],
        warehouse,
        run_id="run-1",
        log=logging.getLogger("tests.migrations"),
    )
    with warehouse.transaction(role="loader") as session:
        session.execute(
            "insert into ops.quarantine (source, entity, record_key, reason, payload, run_id, "
            "quarantined_at, resolved_at, resolved_run_id) values "
            "('demo', 'deployments', 'd-1', 'missing id', '{\"x\": 1}', 'run-1', ?, null, null), "
            "('demo', 'deployments', 'd-2', 'bad date', null, 'run-1', ?, ?, 'run-2')",
            [AT, AT, AT],
        )
        session.execute(
            "insert into ops.erasure_suppression (source, entity, record_key_digest, "
            "email_digest, suppressed_at, erasure_id) values "
            "('crm', 'crm_contacts', 'digest-1', 'email-digest-1', ?, 'erasure-1')",
            [AT],
        )
    with warehouse.transaction() as session:
        append_erasure_entry(
            session,
            erasure_id="erasure-1",
            erased_at=AT,
            customer_key_digest="customer-digest",
            reason="TICKET-1",
            rows_removed={"gold.dim_customer": 1},
        )


def table_hashes(warehouse: Warehouse) -> dict[str, str]:
    """sha256 of every migrated table's rows, sorted, the version table left out. Columns
    are taken in name order: a column a downgrade dropped and an upgrade added back comes
    back last, and the loads name their columns, so position is not data."""
    listed = ", ".join(f"'{schema}'" for schema in MIGRATED_SCHEMAS)
    with warehouse.connect() as session:
        names = [
            name
            for (name,) in session.execute(
                "select table_schema || '.' || table_name from information_schema.tables "
                f"where table_schema in ({listed}) and table_type = 'BASE TABLE' order by 1"
            ).fetchall()
            if name != VERSION_TABLE
        ]
        frames = {name: session.frame(f"select * from {name}") for name in names}
    frames = {name: frame.select(sorted(frame.columns)) for name, frame in frames.items()}
    return {
        name: hashlib.sha256(
            repr((frame.columns, sorted(frame.rows(), key=repr))).encode()
        ).hexdigest()
        for name, frame in frames.items()
    }


def row_counts(warehouse: Warehouse) -> dict[str, int]:
    with warehouse.connect() as session:
        return {
            table: session.execute(f"select count(*) from ops.{table}").fetchall()[0][0]
            for table in PLATFORM_TABLES
        }


@pytest.fixture
def filled(any_warehouse: Warehouse) -> Warehouse:
    set_up(any_warehouse)
    fill(any_warehouse)
    return any_warehouse
