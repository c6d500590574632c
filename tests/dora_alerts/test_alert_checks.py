"""The metric alerts as Dagster asset checks: one per rule on the mart it reads, severity
from the mart's stage, never blocking, left out of the SLA's check pass rate, and a
thresholds file they cannot use reported as a failure rather than a crash."""

from __future__ import annotations

import dagster as dg

from platform_assets.definitions import defs
from platform_assets.domains.dora.alert_thresholds import THRESHOLDS_ENV
from platform_assets.domains.dora.metric_alerts import (
    AS_OF_ENV,
    METRIC_ALERTS,
    metric_alert_check,
    metric_alerts,
)
from platform_assets.monitoring.sla_attainment import sla_check_keys
from platform_assets.stages.contract_metadata import METRIC_ALERT_CHECK_KEY
from platform_assets.warehouse import Warehouse
from tests.dora_alerts.conftest import run_metric_alerts, write_thresholds
from tests.dora_alerts.scenario import WEEK_4_END


def test_each_rule_is_a_non_blocking_check_on_its_mart():
    graph = defs.resolve_asset_graph()
    found = {
        (key.asset_key.to_user_string(), key.name): graph.get_check_spec(key)
        for node in graph.asset_nodes
        for key in node.check_keys
        if key.name.startswith("metric_alert_")
    }

    assert set(found) == {
        ("marts/fct_change_failure_rate", "metric_alert_change_failure_rate"),
        ("marts/fct_deployment_frequency", "metric_alert_deployment_frequency"),
        ("marts/agg_lead_time_for_changes", "metric_alert_lead_time_p75"),
        ("marts/fct_incident_recovery", "metric_alert_open_incidents"),
    }
    for spec in found.values():
        assert not spec.blocking, "a metric out of bounds must not hold back its dashboards"
        assert spec.metadata[METRIC_ALERT_CHECK_KEY] is True
        assert "PLATFORM_DORA_ALERTS" in (spec.description or "")
    assert len(metric_alerts) == len(METRIC_ALERTS)


def test_the_sla_check_pass_rate_leaves_metric_alerts_out():
    graph = defs.resolve_asset_graph()
    counted = sla_check_keys(graph)["marts/fct_change_failure_rate"]
    every = graph.get(dg.AssetKey(["marts", "fct_change_failure_rate"])).check_keys

    assert {key.name for key in every} - {key.name for key in counted} == {
        "metric_alert_change_failure_rate"
    }
    assert "distinct_count_grain" in {key.name for key in counted}


def test_an_alpha_mart_only_warns(alert_marts, tmp_path, monkeypatch):
    """The same rule on a mart declared Alpha: the failure is a warning (an owner notice),
    as for every check."""
    alpha = dg.AssetSpec(
        dg.AssetKey(["marts", "fct_incident_recovery"]),
        tags={"stage": "alpha"},
        owners=["team:dora-metrics"],
    )
    [incidents] = [alert for alert in METRIC_ALERTS if alert.rule == "open_incidents"]
    check = metric_alert_check(incidents, alpha)
    monkeypatch.setenv(THRESHOLDS_ENV, str(write_thresholds(tmp_path / "t.yaml", {})))
    monkeypatch.setenv(AS_OF_ENV, WEEK_4_END.isoformat())

    result = dg.materialize(
        [alpha, check],
        selection=dg.AssetSelection.checks(check),
        resources={"warehouse": Warehouse(database=str(alert_marts.path))},
    )

    [evaluation] = result.get_asset_check_evaluations()
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.WARN


def test_thresholds_it_cannot_use_fail_every_alert_naming_the_file_and_key(evaluate_at):
    evaluations = evaluate_at(
        WEEK_4_END, {"services": {"api": {"open_incidents": {"max_open_hours": -1}}}}
    )

    assert set(evaluations) == {alert.rule for alert in METRIC_ALERTS}
    for rule, evaluation in evaluations.items():
        assert not evaluation.passed
        assert evaluation.description.startswith(f"The {rule} alert cannot be evaluated: ")
        assert evaluation.description.endswith(
            ".yaml: services.api.open_incidents.max_open_hours: expected a number above 0, got -1"
        )


def test_a_bad_day_judged_fails_every_alert_naming_the_variable(alert_marts, monkeypatch):
    monkeypatch.delenv(THRESHOLDS_ENV, raising=False)
    monkeypatch.setenv(AS_OF_ENV, "last sunday")

    with dg.instance_for_test() as instance:
        result = run_metric_alerts(instance, alert_marts.path)

    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) == len(METRIC_ALERTS)
    for evaluation in evaluations:
        assert not evaluation.passed
        assert "PLATFORM_DORA_AS_OF is 'last sunday': expected a date" in evaluation.description
