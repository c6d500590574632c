"""The Dagster instance on PostgreSQL: ``platform-assets instance config`` writes the
dagster.yaml an environment needs, and the alert sensor, SLA attainment and the scorecard
read a PostgreSQL-backed instance (runs, event log, schedules in dagster-postgres)
through Dagster's public APIs exactly as they read the SQLite default.

The ``instance`` fixture of tests/monitoring/conftest.py is overridden here by one built
the way a deployment builds it: DAGSTER_HOME holding the generated dagster.yaml, the URL
in the environment."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
import yaml

from platform_assets.cli.main import main
from platform_assets.instance_storage import psycopg2_url
from platform_assets.monitoring import attainment_for
from platform_assets.settings import (
    DAGSTER_POSTGRES_URL_ENV,
    ENVIRONMENT_ENV,
    POSTGRES_URL_ENV,
)
from platform_assets.stages import DeliveryStage, Sla
from platform_assets.warehouse import Warehouse
from tests.audit.cli_arguments import location_arguments
from tests.audit.code_locations import write_project
from tests.monitoring.scenarios import open_schema_alert, run_attainment_scenario
from tests.monitoring.sensor_harness import AlertSensorHarness, read_jsonl
from tests.monitoring.staged_assets import (
    SCHEMA_CHECK,
    RowSource,
    materialize,
    rows_asset,
    warehouse_resources,
)

URL = "postgresql://dagster:secret@db.internal:5432/dagster"

LOCATION = """\
from pathlib import Path

import dagster as dg

from platform_assets.stages import DeliveryStage
from tests.monitoring.staged_assets import RowSource, rows_asset, warehouse_resources

source = RowSource(Path({source!r}))
defs = dg.Definitions(
    assets=[rows_asset("orders", DeliveryStage.GA, source)],
    resources=warehouse_resources(Path({directory!r})),
)
"""


@pytest.fixture(autouse=True)
def no_postgres_variables(monkeypatch):
    for variable in (ENVIRONMENT_ENV, POSTGRES_URL_ENV, DAGSTER_POSTGRES_URL_ENV):
        monkeypatch.delenv(variable, raising=False)


def instance_yaml(capsys, *args: str) -> dict:
    assert main(["instance", "config", *args]) == 0
    return yaml.safe_load(capsys.readouterr().out)


def test_dev_keeps_the_sqlite_instance_of_the_project_file(capsys):
    config = instance_yaml(capsys)
    assert "storage" not in config
    assert config["event_log_storage"]["class"] == "ConsolidatedSqliteEventLogStorage"
    assert config["concurrency"]["pools"]["default_limit"] == 1


def test_a_postgres_url_moves_runs_events_and_schedules_to_postgres(capsys, monkeypatch):
    monkeypatch.setenv(POSTGRES_URL_ENV, URL)
    config = instance_yaml(capsys)
    assert config["storage"]["custom"] == {
        "module": "platform_assets.instance_storage",
        "class": "PlatformPostgresStorage",
        "config": {"postgres_url": {"env": POSTGRES_URL_ENV}},
    }
    assert "event_log_storage" not in config, "one storage block replaces the SQLite one"
    assert config["run_monitoring"]["enabled"] is True, "the shared settings stay"
    monkeypatch.setenv(DAGSTER_POSTGRES_URL_ENV, URL)
    config = instance_yaml(capsys, "--environment", "prod")
    assert config["storage"]["custom"]["config"] == {
        "postgres_url": {"env": DAGSTER_POSTGRES_URL_ENV}
    }


def test_the_file_names_the_variable_never_the_password(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv(POSTGRES_URL_ENV, URL)
    output = tmp_path / "home" / "dagster.yaml"
    assert main(["instance", "config", "--output", str(output)]) == 0
    assert "secret" not in output.read_text()
    assert output.stat().st_mode & 0o777 == 0o600


def test_the_storage_names_the_driver_dagster_postgres_is_written_for():
    assert psycopg2_url(URL) == "postgresql+psycopg2://dagster:secret@db.internal:5432/dagster"
    assert psycopg2_url("postgres://u@h/d") == "postgresql+psycopg2://u@h/d"
    assert psycopg2_url("postgresql+psycopg2://u@h/d") == "postgresql+psycopg2://u@h/d"


def test_prod_without_a_postgres_instance_is_refused(capsys):
    assert main(["instance", "config", "--environment", "prod"]) == 2
    assert DAGSTER_POSTGRES_URL_ENV in capsys.readouterr().err


def postgres_home(tmp_path: Path, monkeypatch, postgres_url: str) -> Path:
    """A DAGSTER_HOME for prod, written by the command the Makefile runs."""
    home = tmp_path / "dagster_home"
    monkeypatch.setenv(ENVIRONMENT_ENV, "prod")
    monkeypatch.setenv(DAGSTER_POSTGRES_URL_ENV, postgres_url)
    assert main(["instance", "config", "--output", str(home / "dagster.yaml")]) == 0
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


@pytest.fixture
def instance(tmp_path, monkeypatch, postgres_url) -> Iterator[dg.DagsterInstance]:
    postgres_home(tmp_path, monkeypatch, postgres_url)
    with dg.DagsterInstance.get() as postgres_instance:
        yield postgres_instance


def stored_runs(postgres_url: str) -> int:
    with Warehouse(postgres_url=postgres_url).connect() as session:
        row = session.execute("select count(*)::bigint from runs", []).fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.postgres
def test_runs_and_events_land_in_postgres(instance, postgres_url, resources, make_source):
    asset = rows_asset("ga_rows", DeliveryStage.GA, make_source("ga_rows"))
    result = materialize(instance, [asset], resources)
    assert result.success
    assert stored_runs(postgres_url) == 1
    event = instance.get_latest_materialization_event(asset.key)
    assert event is not None and event.run_id == result.run_id


@pytest.mark.postgres
def test_the_alert_sensor_opens_and_resolves_on_postgres(
    instance, resources, alert_logs, make_source
):
    opened = open_schema_alert(instance, resources, alert_logs.routes, make_source)
    materialize(instance, [opened.asset], resources)
    opened.sensor.restarted().tick()
    opened.source.healthy()
    assert materialize(instance, [opened.asset], resources).success
    opened.sensor.tick()
    kinds = [(a["asset_key"], a["condition"], a["kind"]) for a in read_jsonl(alert_logs.pager)]
    assert kinds == [
        ("raw/ga_rows", SCHEMA_CHECK, "opened"),
        ("raw/ga_rows", SCHEMA_CHECK, "resolved"),
    ]


@pytest.mark.postgres
def test_sla_attainment_from_a_postgres_instance(instance, resources, alert_logs, make_source):
    asset, window_end = run_attainment_scenario(instance, resources, alert_logs.routes, make_source)
    figures = attainment_for(
        instance,
        asset.key,
        Sla(freshness_hours=1, success_rate=0.9, check_pass_rate=0.9, window_days=1),
        window_end,
        check_keys=asset.check_keys,
    )
    assert figures.freshness_attainment == pytest.approx(3 / 24)
    assert (figures.check_evaluations, figures.check_pass_rate) == (6, pytest.approx(5 / 6))
    assert (figures.materializations, figures.failed_attempts) == (3, 1)
    assert figures.mean_time_to_detect_seconds == pytest.approx(37.5)
    assert figures.incidents_resolved == 2
    assert figures.evidence and not figures.met


@pytest.mark.postgres
def test_the_scorecard_reads_the_postgres_instance_dagster_home_names(
    tmp_path, monkeypatch, postgres_url, capsys
):
    """The CLI end to end: DAGSTER_HOME holds the generated prod dagster.yaml, so the
    scorecard's evidence comes from PostgreSQL."""
    postgres_home(tmp_path, monkeypatch, postgres_url)
    paths = write_project(tmp_path / "project")
    source_path = tmp_path / "orders.json"
    location = tmp_path / "shop_location.py"
    location.write_text(LOCATION.format(source=str(source_path), directory=str(tmp_path)))
    source_path.write_text("[1, 1, 2]")  # a duplicate key: the schema check fails

    asset = rows_asset("orders", DeliveryStage.GA, RowSource(source_path))
    with dg.DagsterInstance.get() as instance:
        sensor = AlertSensorHarness(instance, [asset], paths.routes, warehouse_resources(tmp_path))
        sensor.tick()
        materialize(instance, [asset], warehouse_resources(tmp_path))
        sensor.tick()
    assert stored_runs(postgres_url) == 1
    capsys.readouterr()
    arguments = location_arguments(paths, location)
    assert main(["scorecard", *arguments, "--format", "json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["key"] == "raw/orders"
    assert row["check_pass_rate"] == pytest.approx(0.5), "the key check failed, stability passed"
    assert row["success_rate"] == 1.0
    assert row["open_alerts"] == [SCHEMA_CHECK], "the sensor's alert, read back"
    assert row["mean_time_to_detect_seconds"] is not None
