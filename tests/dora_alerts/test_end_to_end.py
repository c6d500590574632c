"""The metric alerts end to end: evaluated in a Dagster run on marts dbt built, picked up
by the alert sensor, routed by the shipped config/alert_routes.yaml and written to the
local alert logs under the data root (no Slack token, no pager URL: the shipped sinks'
fallbacks), then resolved once the metrics are back within their thresholds."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from platform_assets.domains.dora.alert_thresholds import RULES, THRESHOLDS_ENV
from platform_assets.domains.dora.metric_alerts import AS_OF_ENV, TIMEZONE_ENV
from platform_assets.integrations.dbt.assets import dbt_project_models
from platform_assets.settings import DATA_DIR_ENV, PROJECT_ROOT
from tests.dora_alerts.conftest import SCENARIO_THRESHOLDS, run_metric_alerts, write_thresholds
from tests.dora_alerts.scenario import WEEK_4_END
from tests.monitoring.sensor_harness import AlertSensorHarness, read_jsonl

SHIPPED_ROUTES = PROJECT_ROOT / "config" / "alert_routes.yaml"

EXPECTED = {
    ("marts/fct_change_failure_rate", "check:metric_alert_change_failure_rate"): "Beta",
    ("marts/fct_deployment_frequency", "check:metric_alert_deployment_frequency"): "GA",
    ("marts/agg_lead_time_for_changes", "check:metric_alert_lead_time_p75"): "Beta",
    ("marts/fct_incident_recovery", "check:metric_alert_open_incidents"): "Beta",
}


def _by_condition(path: Path, kind: str) -> dict[tuple[str, str], dict]:
    return {(a["asset_key"], a["condition"]): a for a in read_jsonl(path) if a["kind"] == kind}


def test_metric_alerts_fire_through_the_sensor_to_the_local_alert_log(
    alert_marts, tmp_path, monkeypatch
):
    data_root = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(data_root))
    for unset in ("PLATFORM_SLACK_BOT_TOKEN", "PLATFORM_PAGER_WEBHOOK_URL", TIMEZONE_ENV):
        monkeypatch.delenv(unset, raising=False)
    monkeypatch.setenv(AS_OF_ENV, WEEK_4_END.isoformat())
    thresholds = write_thresholds(tmp_path / "dora_alerts.yaml", SCENARIO_THRESHOLDS)
    monkeypatch.setenv(THRESHOLDS_ENV, str(thresholds))
    local_log = data_root / "alerts.jsonl"
    team_channel = data_root / "alerts.team-channel.jsonl"
    pager = data_root / "alerts.paging.jsonl"

    with dg.instance_for_test() as instance:
        sensor = AlertSensorHarness(
            instance, list(dbt_project_models.specs), SHIPPED_ROUTES, resources={}
        )
        sensor.tick()  # starts watching

        tripped = run_metric_alerts(instance, alert_marts.path)
        assert not any(e.passed for e in tripped.get_asset_check_evaluations())
        sensor.tick()

        opened = _by_condition(local_log, "opened")
        assert {key: alert["stage"] for key, alert in opened.items()} == EXPECTED
        for (_, condition), alert in opened.items():
            assert alert["severity"] == "critical", "Beta and GA checks error"
            assert alert["owners"] == ["team:dora-metrics"]
            assert alert["run_id"] == tripped.run_id
            assert alert["summary"].startswith(f"check {condition.removeprefix('check:')} failed: ")
        frequency = opened[
            ("marts/fct_deployment_frequency", "check:metric_alert_deployment_frequency")
        ]
        assert frequency["route"] == "paging"
        assert "api 1 deployment (median of the 3 weeks before: 3" in frequency["summary"]
        incidents = opened[("marts/fct_incident_recovery", "check:metric_alert_open_incidents")]
        assert incidents["route"] == "team-channel"
        assert "oldest I5, open 303.0 h" in incidents["summary"]
        # the team channel hears of all four, the pager of the GA one only
        assert set(_by_condition(team_channel, "opened")) == set(EXPECTED)
        assert set(_by_condition(pager, "opened")) == {
            ("marts/fct_deployment_frequency", "check:metric_alert_deployment_frequency")
        }

        # every rule silenced: the same run passes them all, and each alert resolves
        write_thresholds(thresholds, {"defaults": {rule: {"enabled": False} for rule in RULES}})
        cleared = run_metric_alerts(instance, alert_marts.path)
        assert all(e.passed for e in cleared.get_asset_check_evaluations())
        sensor.tick()

        resolved = _by_condition(local_log, "resolved")
        assert set(resolved) == set(EXPECTED)
        for key, alert in resolved.items():
            assert alert["alert_id"] == opened[key]["alert_id"]
