"""The backup and restore round trip on PostgreSQL: the warehouse database (set up with
its roles, tables owned by the loader) and the Dagster instance's own database, dumped
with pg_dump, both databases destroyed and created again empty, then restored with
`platform-assets restore --latest`: the same rows, the same owners, the same runs."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import dagster as dg
import pytest

from platform_assets.cli.main import main
from platform_assets.integrations.postgres.grants import set_up_warehouse
from platform_assets.warehouse import Warehouse
from platform_assets.warehouse.roles import role_name
from tests.backup.tables import table_digests
from tests.postgres_server import PostgresServer


def _recreate(server: PostgresServer, url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    server.psql("postgres", f'drop database "{name}" with (force)')
    server.psql("postgres", f'create database "{name}"')


def _owner(warehouse: Warehouse, table: str) -> str:
    schema, name = table.split(".")
    with warehouse.connect() as session:
        row = session.execute(
            "select tableowner from pg_tables where schemaname = ? and tablename = ?",
            [schema, name],
        ).fetchone()
    assert row is not None, f"{table} is missing"
    return str(row[0])


def _run_ids() -> list[str]:
    with dg.DagsterInstance.get() as instance:
        return sorted(run.run_id for run in instance.get_runs())


@pytest.mark.postgres
def test_warehouse_and_instance_come_back_with_their_rows_owners_and_runs(
    postgres_server: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
):
    warehouse_url = postgres_server.create_database("warehouse")
    instance_url = postgres_server.create_database("instance")
    home = tmp_path / "dagster_home"
    monkeypatch.setenv("PLATFORM_POSTGRES_URL", warehouse_url)
    monkeypatch.setenv("PLATFORM_DAGSTER_POSTGRES_URL", instance_url)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("PLATFORM_BACKUP_DIR", str(tmp_path / "backups"))
    monkeypatch.delenv("PLATFORM_ENV", raising=False)
    assert main(["instance", "config", "--output", str(home / "dagster.yaml")]) == 0

    warehouse = Warehouse(postgres_url=warehouse_url)
    with warehouse.transaction() as session:
        set_up_warehouse(session)
    with warehouse.transaction(role="loader") as session:
        session.execute("create table raw.deployments (deployment_id varchar primary key, n int)")
        session.execute("insert into raw.deployments values ('d1', 1), ('d2', 2), ('d3', 3)")
        # ingestion state of the shape the loader keeps in ops
        session.execute("create table ops.backup_probe_cursors (source varchar, position int)")
        session.execute("insert into ops.backup_probe_cursors values ('github', 9)")

    @dg.asset
    def deployments_seen() -> int:
        return 3

    with dg.DagsterInstance.get() as instance:
        assert dg.materialize([deployments_seen], instance=instance).success
    runs = _run_ids()
    built = table_digests(warehouse)
    assert built["ops.backup_probe_cursors"].startswith("1:")

    assert main(["backup"]) == 0
    _recreate(postgres_server, warehouse_url)
    _recreate(postgres_server, instance_url)
    assert table_digests(warehouse) == {}

    assert main(["restore", "--latest"]) == 0, capsys.readouterr().err
    assert table_digests(warehouse) == built
    assert _owner(warehouse, "raw.deployments") == role_name("loader")
    assert _owner(warehouse, "ops.backup_probe_cursors") == role_name("loader")
    assert _run_ids() == runs
    with dg.DagsterInstance.get() as instance:
        assert instance.get_latest_materialization_event(dg.AssetKey("deployments_seen"))

    assert main(["restore", "--latest"]) == 1
    assert "would replace existing data" in capsys.readouterr().err
