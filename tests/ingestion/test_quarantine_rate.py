"""A load that quarantines most of its records is never a quiet green run: a GA (or Beta)
raw asset fails its step, once, naming the reasons, and keeps the quarantine rows but
not the cursor; an Alpha one lands what it can and fails its ``quarantine_rate`` check,
which the stage_alerts sensor routes to the owner. Both reach the alert sinks."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from platform_assets.domains.dora.raw_assets import dora_raw_asset, raw_assets
from platform_assets.domains.dora.sources import DoraSource
from platform_assets.stages import DeliveryStage
from platform_assets.warehouse import Warehouse, WarehouseIOManager
from tests.connectors.conftest import rows
from tests.monitoring.conftest import ROUTES_YAML
from tests.monitoring.sensor_harness import AlertSensorHarness, read_jsonl

#: Without finished_at, a required column: every row is quarantined.
DEPLOYMENTS_WITHOUT_FINISH = """\
deployment_id,service,environment,result,started_at,source,trigger_kind
d-1,checkout,PRODUCTION,SUCCESS,2026-10-01T10:00:00Z,ci,planned
d-2,checkout,STAGING,FAILURE,2026-10-02T09:00:00Z,ci,unknown
d-3,checkout,PRODUCTION,SUCCESS,2026-10-03T10:00:00Z,ci,rollback
"""
#: Two of three incidents without their creation time.
INCIDENTS_MOSTLY_BAD = """\
incident_id,service,title,created_at,resolved_at,severity,source
i-1,checkout,Down,2026-10-01T10:00:00Z,2026-10-01T11:00:00Z,SEV1,opsgenie
i-2,checkout,Slow,,2026-10-02T11:00:00Z,SEV2,opsgenie
i-3,checkout,Errors,,,SEV3,opsgenie
"""
DEPLOYMENTS = next(a for a in raw_assets if a.key == dg.AssetKey(["raw", "deployments"]))
ALPHA_INCIDENTS = dora_raw_asset("incidents", DeliveryStage.ALPHA, "Incidents, at Alpha.")


@pytest.fixture
def resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    files = tmp_path / "export"
    files.mkdir()
    (files / "deployments.csv").write_text(DEPLOYMENTS_WITHOUT_FINISH)
    (files / "incidents.csv").write_text(INCIDENTS_MOSTLY_BAD)
    monkeypatch.setenv("PLATFORM_DORA_FILES_DIR", str(files))
    database = str(tmp_path / "warehouse.duckdb")
    return {
        "dora_source": DoraSource(kind="files"),
        "warehouse": Warehouse(database=database),
        "warehouse_io_manager": WarehouseIOManager(database=database),
    }


def quarantine_rate_check(result: dg.ExecuteInJobResult) -> dg.AssetCheckEvaluation:
    [check] = [c for c in result.get_asset_check_evaluations() if c.check_name == "quarantine_rate"]
    return check


def events_of(result: dg.ExecuteInJobResult, event_type: dg.DagsterEventType) -> list:
    return [event for event in result.all_events if event.event_type == event_type]


def test_mostly_quarantined_loads_fail_at_ga_and_alert_at_alpha(
    integration_instance, resources, tmp_path
) -> None:
    instance = integration_instance
    routes = tmp_path / "alert_routes.yaml"
    routes.write_text(ROUTES_YAML.format(root=tmp_path))
    sensor = AlertSensorHarness(instance, [DEPLOYMENTS, ALPHA_INCIDENTS], routes, resources)
    sensor.tick()

    result = dg.materialize(
        [DEPLOYMENTS, ALPHA_INCIDENTS], resources=resources, instance=instance, raise_on_error=False
    )

    assert not result.success
    [failure] = events_of(result, dg.DagsterEventType.STEP_FAILURE)
    assert failure.step_key == DEPLOYMENTS.op.name
    message = str(failure.step_failure_data.error)
    assert "3 of 3 records quarantined (100%): missing required column finished_at (3)" in message
    assert "limit for this asset's stage is 50%" in message
    assert not events_of(result, dg.DagsterEventType.STEP_UP_FOR_RETRY), "not transient"
    warehouse = resources["warehouse"]
    assert rows(warehouse, "select entity, count(*) from ops.quarantine group by 1 order by 1") == [
        ("deployments", 3),
        ("incidents", 2),
    ]
    assert rows(warehouse, "select entity from ops.ingestion_cursors") == []
    assert rows(warehouse, "select count(*) from raw.deployments") == [(0,)]

    [check] = [c for c in result.get_asset_check_evaluations() if c.check_name == "quarantine_rate"]
    assert (check.asset_key, check.passed) == (ALPHA_INCIDENTS.key, False)
    assert check.severity is dg.AssetCheckSeverity.WARN
    assert "2 of 3 records quarantined (67%): missing required column created_at (2)" in (
        check.description or ""
    )
    assert rows(warehouse, "select incident_id from raw.incidents") == [("i-1",)]

    sensor.tick()
    alerts = {(a["asset_key"], a["condition"]): a for a in read_jsonl(tmp_path / "alerts.jsonl")}
    assert set(alerts) == {
        ("raw/deployments", "run_failure"),
        ("raw/incidents", "check:quarantine_rate"),
        # the export lacks the contract's two deployment columns (docs/schema-evolution.md)
        ("raw/incidents", "check:schema_drift"),
    }
    assert alerts[("raw/incidents", "check:quarantine_rate")]["severity"] == "warning"
    assert [a["asset_key"] for a in read_jsonl(tmp_path / "pager.jsonl")] == ["raw/deployments"]


def test_advance_past_quarantine_lands_a_ga_load_with_a_failing_check(
    integration_instance, resources
) -> None:
    result = dg.materialize(
        [DEPLOYMENTS],
        resources=resources,
        instance=integration_instance,
        run_config={"ops": {DEPLOYMENTS.op.name: {"config": {"advance_past_quarantine": True}}}},
    )

    assert result.success
    assert not quarantine_rate_check(result).passed
    [materialization] = result.asset_materializations_for_node(DEPLOYMENTS.op.name)
    assert materialization.metadata["cursor_passed_quarantine"].value == 3
    assert rows(resources["warehouse"], "select entity from ops.ingestion_cursors") == [
        ("deployments",)
    ]
