"""The run-start guard: a new warehouse is brought to head, one at head passes, one
behind (or built before migrations) is refused with the command to run; and ``upgrade``
adopts a pre-migration warehouse in place, its rows kept."""

from __future__ import annotations

from datetime import UTC, datetime

import dagster as dg
import pytest

from platform_assets.integrations.postgres.grants import set_up_warehouse
from platform_assets.warehouse import Warehouse
from platform_assets.warehouse.dialect import create_schema_sql
from platform_assets.warehouse.migrations.commands import (
    current_revision,
    downgrade,
    history,
    upgrade,
)
from platform_assets.warehouse.migrations.config import head_revision
from platform_assets.warehouse.migrations.guard import (
    PLATFORM_TABLES,
    UPGRADE_COMMAND,
    WarehouseBehind,
    ensure_current,
)
from platform_assets.warehouse.roles import role_name
from tests.migrations.conftest import row_counts, set_up, table_hashes

#: The ops tables as the code created them before migrations existed (a quarantine from
#: before resolution included), with a row each.
PRE_MIGRATION = (
    """create table ops.quarantine (source VARCHAR NOT NULL, entity VARCHAR NOT NULL,
        record_key VARCHAR NOT NULL, reason VARCHAR NOT NULL, payload VARCHAR,
        run_id VARCHAR NOT NULL, quarantined_at TIMESTAMPTZ NOT NULL,
        primary key (source, entity, record_key, reason))""",
    """create table ops.ingestion_cursors (source VARCHAR NOT NULL, entity VARCHAR NOT NULL,
        cursor VARCHAR, run_id VARCHAR NOT NULL, updated_at TIMESTAMPTZ NOT NULL,
        primary key (source, entity))""",
    """create table ops.erasure_suppression (source VARCHAR NOT NULL,
        entity VARCHAR NOT NULL, record_key_digest VARCHAR NOT NULL, email_digest VARCHAR,
        suppressed_at TIMESTAMPTZ NOT NULL, erasure_id VARCHAR NOT NULL,
        primary key (source, entity, record_key_digest))""",
    "insert into ops.quarantine values ('demo', 'deployments', 'd-1', 'bad', null, 'r1', ?)",
    "insert into ops.ingestion_cursors values ('demo', 'deployments', '2026-11-01', 'r1', ?)",
    "insert into ops.erasure_suppression values ('crm', 'contacts', 'x', null, ?, 'e1')",
)
AT = datetime(2026, 11, 1, tzinfo=UTC)


def _older_revision() -> str:
    return history()[0].down_revision or "base"


def _table_owners(warehouse: Warehouse) -> set[str]:
    with warehouse.connect() as session:
        rows = session.execute(
            "select distinct tableowner from pg_tables where schemaname = 'ops'"
        ).fetchall()
    return {owner for (owner,) in rows}


def test_a_new_warehouse_is_created_at_head(any_warehouse: Warehouse) -> None:
    if any_warehouse.dialect == "postgres":
        with any_warehouse.transaction() as session:
            set_up_warehouse(session)

    ensure_current(any_warehouse)

    assert current_revision(any_warehouse) == head_revision()
    assert set(row_counts(any_warehouse).values()) == {0}
    if any_warehouse.dialect == "postgres":
        # the migrations ran as the loader: it owns the tables, as when loads made them
        assert _table_owners(any_warehouse) == {role_name("loader")}


def test_a_warehouse_at_an_older_revision_is_refused_with_the_command(
    any_warehouse: Warehouse,
) -> None:
    set_up(any_warehouse)
    ensure_current(any_warehouse)
    older = _older_revision()
    downgrade(any_warehouse, older)

    with pytest.raises(WarehouseBehind) as refused:
        ensure_current(any_warehouse)

    message = str(refused.value)
    assert f"needs revision {head_revision()} (head)" in message
    assert f"`{UPGRADE_COMMAND}`" in message
    if older != "base":
        assert f"is at migration revision {older}" in message
    upgrade(any_warehouse)
    ensure_current(any_warehouse)


def test_a_run_on_a_warehouse_behind_fails_before_its_first_statement(tmp_path) -> None:
    """In a Dagster run the resource's guard refuses the warehouse: the step fails with
    the message and the asset's statement never runs."""
    warehouse = Warehouse(database=str(tmp_path / "warehouse.duckdb"))
    upgrade(warehouse)
    downgrade(warehouse, _older_revision())

    @dg.asset
    def touches_the_warehouse(warehouse: Warehouse) -> None:
        with warehouse.connect() as session:
            session.execute("create table main.written as select 1 as x")

    result = dg.materialize(
        [touches_the_warehouse], resources={"warehouse": warehouse}, raise_on_error=False
    )

    assert not result.success
    failure = result.get_step_failure_events()[0].step_failure_data.error
    assert failure is not None
    assert "WarehouseBehind" in failure.to_string()
    assert f"`{UPGRADE_COMMAND}`" in failure.to_string()
    with warehouse.connect() as session:
        tables = session.execute(
            "select count(*) from information_schema.tables where table_name = 'written'"
        ).fetchall()
    assert tables == [(0,)]


def test_a_pre_migration_warehouse_is_refused_then_adopted_with_its_rows(
    any_warehouse: Warehouse,
) -> None:
    if any_warehouse.dialect == "postgres":
        with any_warehouse.transaction() as session:
            set_up_warehouse(session)
    with any_warehouse.transaction(role="loader") as session:
        session.execute(create_schema_sql("ops", session.dialect))
        for statement in PRE_MIGRATION:
            session.execute(statement, [AT] if "?" in statement else None)
    before = table_hashes(any_warehouse)

    with pytest.raises(WarehouseBehind, match="has no migration revision"):
        ensure_current(any_warehouse)
    assert upgrade(any_warehouse) == head_revision()

    ensure_current(any_warehouse)
    with any_warehouse.connect() as session:
        kept = {
            table: session.frame(f"select source, entity from ops.{table} order by 1, 2").rows()
            for table in PLATFORM_TABLES[:3]
        }
        resolved = session.execute(
            "select count(*) from ops.quarantine where resolved_at is null "
            "and resolved_run_id is null"
        ).fetchall()
    assert kept == {
        "quarantine": [("demo", "deployments")],
        "ingestion_cursors": [("demo", "deployments")],
        "erasure_suppression": [("crm", "contacts")],
    }
    assert resolved == [(1,)], "the older quarantine gained the resolution columns"
    after = table_hashes(any_warehouse)
    assert after["ops.ingestion_cursors"] == before["ops.ingestion_cursors"]
    assert after["ops.erasure_suppression"] == before["ops.erasure_suppression"]
