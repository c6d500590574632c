"""Each metric alert trips on real marts where the scenario's figures cross its bound, and
stays quiet where they do not (scenario.py has the figures worked out by hand)."""

from __future__ import annotations

import dagster as dg

from tests.checks.dagster_results import metadata_values
from tests.dora_alerts.conftest import SCENARIO_THRESHOLDS
from tests.dora_alerts.scenario import WEEK_2_END, WEEK_3_END, WEEK_4_END


def _with(rule: str, **settings) -> dict:
    """The scenario's thresholds with ``settings`` added to one rule's defaults."""
    defaults = {name: dict(values) for name, values in SCENARIO_THRESHOLDS["defaults"].items()}
    defaults.setdefault(rule, {}).update(settings)
    return {"defaults": defaults}


def _services(evaluation: dg.AssetCheckEvaluation) -> dict[str, dict]:
    return {row["service"]: row for row in metadata_values(evaluation)["services"]}


def test_change_failure_rate_trips_above_its_bound(evaluate_at):
    check = evaluate_at(WEEK_2_END)["change_failure_rate"]

    assert not check.passed
    assert check.severity == dg.AssetCheckSeverity.ERROR, "fct_change_failure_rate is Beta"
    assert check.description.startswith(
        "Change failure rate above its bound in the week 2024-01-08 to 2024-01-14 for 1 of "
        "2 services judged: api 75.0% (3 of 4 deployments failed; bound 50.0%)."
    )
    metadata = metadata_values(check)
    assert metadata["alerting_services"] == ["api"]
    assert metadata["period"] == {
        "grain": "week",
        "start": "2024-01-08",
        "end_exclusive": "2024-01-15",
    }
    assert _services(check)["web"] == {
        "service": "web",
        "alert": False,
        "change_failure_rate": 0.0,
        "failed_deployments": 0,
        "deployments": 1,
        "max_rate": 0.5,
    }
    # billing has incidents but no deployment: a rate of nothing is not judged
    assert set(metadata["not_judged"]) == {"billing"}


def test_change_failure_rate_within_its_bound_passes(evaluate_at):
    check = evaluate_at(WEEK_3_END)["change_failure_rate"]

    assert check.passed, check.description
    assert _services(check)["api"]["change_failure_rate"] == 1 / 3
    assert metadata_values(check)["services_alerting"] == 0


def test_a_service_override_raises_its_own_bound(evaluate_at):
    thresholds = {
        **SCENARIO_THRESHOLDS,
        "services": {"api": {"change_failure_rate": {"max_rate": 0.8}}},
    }
    check = evaluate_at(WEEK_2_END, thresholds)["change_failure_rate"]

    assert check.passed, check.description
    assert _services(check)["api"]["max_rate"] == 0.8
    assert _services(check)["web"]["max_rate"] == 0.5


def test_deployment_frequency_trips_below_its_trailing_median(evaluate_at):
    check = evaluate_at(WEEK_4_END)["deployment_frequency"]

    assert not check.passed
    assert check.severity == dg.AssetCheckSeverity.ERROR, "fct_deployment_frequency is GA"
    assert (
        "for 2 of 2 services judged: api 1 deployment (median of the 3 weeks before: 3; alert "
        "below 1.5); web 0 deployments (median of the 3 weeks before: 1; alert below 0.5)."
    ) in check.description
    assert _services(check)["api"]["trailing_median"] == 3.0


def test_deployment_frequency_at_its_median_passes(evaluate_at):
    check = evaluate_at(WEEK_2_END, _with("deployment_frequency", min_trailing_periods=1))[
        "deployment_frequency"
    ]

    assert check.passed, check.description
    services = _services(check)
    assert (services["api"]["deployments"], services["api"]["trailing_median"]) == (4, 3.0)
    assert (services["web"]["deployments"], services["web"]["trailing_median"]) == (1, 1.0)


def test_a_disabled_service_is_not_judged(evaluate_at):
    thresholds = {
        **SCENARIO_THRESHOLDS,
        "services": {"web": {"deployment_frequency": {"enabled": False}}},
    }
    check = evaluate_at(WEEK_3_END, thresholds)["deployment_frequency"]

    # web deployed nothing in week 3 (median 1 before): silenced, so the rule passes
    assert check.passed, check.description
    assert metadata_values(check)["disabled_services"] == ["web"]


def test_too_little_history_is_not_judged(evaluate_at):
    check = evaluate_at(WEEK_3_END, _with("deployment_frequency", min_trailing_periods=3))[
        "deployment_frequency"
    ]

    assert check.passed, check.description
    assert metadata_values(check)["not_judged"] == {
        "api": "2 earlier weeks, fewer than the 3 needed",
        "web": "2 earlier weeks, fewer than the 3 needed",
    }


def test_lead_time_p75_trips_on_a_regression(evaluate_at):
    check = evaluate_at(WEEK_4_END)["lead_time_p75"]

    assert not check.passed
    assert check.severity == dg.AssetCheckSeverity.ERROR, "agg_lead_time_for_changes is Beta"
    assert (
        "api p75 457.0 h over 1 change (median p75 of the 3 weeks before: 23.2 h; alert above "
        "34.9 h)"
    ) in check.description
    api = _services(check)["api"]
    assert api["p75_lead_time_hours"] == 457.0
    assert round(api["trailing_median_p75_hours"], 6) == 23.248611


def test_lead_time_p75_near_its_median_passes(evaluate_at):
    check = evaluate_at(WEEK_3_END)["lead_time_p75"]

    assert check.passed, check.description
    api = _services(check)["api"]
    # 23.25 h against the median of 26.25 h and 21.0 h
    assert round(api["p75_lead_time_hours"], 2) == 23.25
    assert round(api["trailing_median_p75_hours"], 3) == 23.624


def test_periods_with_too_few_changes_are_neither_judged_nor_history(evaluate_at):
    check = evaluate_at(WEEK_4_END, _with("lead_time_p75", min_changes=2))["lead_time_p75"]

    # week 4 has one change: the regression goes unjudged rather than judged on one change
    assert check.passed, check.description
    not_judged = metadata_values(check)["not_judged"]
    assert not_judged["api"] == "1 measured change, fewer than the 2 needed"


def test_an_incident_open_beyond_its_bound_trips(evaluate_at):
    check = evaluate_at(WEEK_4_END)["open_incidents"]

    assert not check.passed
    assert check.severity == dg.AssetCheckSeverity.ERROR, "fct_incident_recovery is Beta"
    assert check.description.startswith(
        "Incident open longer than its bound at 2024-01-29 00:00 UTC for 1 of 1 service "
        "judged: api 1 of 1 open incident over the bound (oldest I5, open 303.0 h; bound "
        "72.0 h)."
    )
    assert _services(check)["api"]["incidents_over_bound"] == [
        {"incident_id": "I5", "open_hours": 303.0}
    ]


def test_an_incident_open_within_its_bound_passes(evaluate_at):
    # I5 opened on Tuesday 16 at 09:00: judged at the end of Wednesday 17, 39 hours open
    check = evaluate_at(WEEK_3_END.replace(day=17))["open_incidents"]

    assert check.passed, check.description
    assert _services(check)["api"]["oldest_open_hours"] == 39.0
