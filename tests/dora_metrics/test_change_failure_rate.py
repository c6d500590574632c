"""Incident attribution and change failure rate in the default mode (timeline in
scenario.py): api has 10 successful production deployments; its incidents are I0..I5."""

from __future__ import annotations

from datetime import date

import pytest

from tests.dora_metrics.scenario import Build


def attribution(build: Build) -> dict[str, tuple[str | None, str | None, str | None]]:
    return {
        row["incident_id"]: (
            row["attributed_deployment_id"],
            row["attribution_rule"],
            row["unattributed_reason"],
        )
        for row in build.rows("select * from intermediate.int_dora__incident_attribution")
    }


def weekly_rates(build: Build, service: str) -> dict[date, tuple[int, int, float | None]]:
    return {
        row["period_start"]: (
            row["deployment_count"],
            row["failed_deployment_count"],
            row["change_failure_rate"],
        )
        for row in build.rows(
            "select * from marts.fct_change_failure_rate where service = ? and grain = 'week'",
            service,
        )
    }


def test_each_attribution_rule_applies_in_order(default_build: Build) -> None:
    assert attribution(default_build) == {
        # before D1, the first deployment: nothing to blame
        "I0": (None, None, "no_deployment_before_incident"),
        # rule 1 names D2, although D5 is the latest deployment before it (9 Jan 10:00)
        "I1": ("D2", "caused_by_deployment_id", None),
        # rule 2: root cause p3c1 was shipped by D4 (D5 is again the latest before it)
        "I2": ("D4", "root_cause_sha", None),
        # rule 3: rollback R7 finished (11 Jan 10:30) while I3 was open (10:00-11:00);
        # it remediates the deployment just before it, D6
        "I3": ("D6", "remediated_by_rollback_or_hotfix", None),
        # rule 4: the latest api deployment before 13 Jan 12:00 is R7 (11 Jan 10:30)
        "I4": ("R7", "latest_prior_deployment", None),
        # rule 4: D8 (15 Jan 10:00) is the latest before 16 Jan 09:00
        "I5": ("D8", "latest_prior_deployment", None),
        # billing never deployed
        "IB1": (None, None, "no_deployment_before_incident"),
    }


def test_failure_rate_counts_each_deployment_once(default_build: Build) -> None:
    assert weekly_rates(default_build, "api") == {
        # D1, D2, D3: D2 failed (I1) -> 1/3
        date(2024, 1, 1): (3, 1, pytest.approx(1 / 3)),
        # D4, D5, D6, R7: D4 (I2), D6 (I3), R7 (I4) failed -> 3/4
        date(2024, 1, 8): (4, 3, pytest.approx(3 / 4)),
        # D8, D9, D10: D8 (I5) failed -> 1/3
        date(2024, 1, 15): (3, 1, pytest.approx(1 / 3)),
        # no deployment: NULL, not 0
        date(2024, 1, 22): (0, 0, None),
    }
    month = default_build.one(
        "select deployment_count, failed_deployment_count, change_failure_rate "
        "from marts.fct_change_failure_rate "
        "where service = 'api' and grain = 'month'"
    )
    # D2, D4, D6, R7, D8 of 10 -> 0.5
    assert month == {
        "deployment_count": 10,
        "failed_deployment_count": 5,
        "change_failure_rate": pytest.approx(0.5),
    }


def test_no_deployments_gives_null_not_zero(default_build: Build) -> None:
    # billing only has an incident (10 Jan): its weeks exist, with a NULL rate
    billing = weekly_rates(default_build, "billing")
    assert billing == {
        date(2024, 1, 8): (0, 0, None),
        date(2024, 1, 15): (0, 0, None),
        date(2024, 1, 22): (0, 0, None),
    }
    # web deployed twice and failed never: 0 where it deployed, NULL where it did not
    web = weekly_rates(default_build, "web")
    assert web[date(2024, 1, 1)] == (1, 0, 0.0)
    assert web[date(2024, 1, 15)] == (0, 0, None)


def test_max_lag_bounds_only_the_latest_prior_deployment_rule(new_york_build: Build) -> None:
    # dora_incident_max_lag_hours = 24 in this build
    assert attribution(new_york_build) == {
        "I0": (None, None, "no_deployment_before_incident"),
        "I1": ("D2", "caused_by_deployment_id", None),
        "I2": ("D4", "root_cause_sha", None),
        # D6 finished 25 h before I3, beyond the lag, but rule 3 (the rollback) is not bounded
        "I3": ("D6", "remediated_by_rollback_or_hotfix", None),
        # R7 finished 49.5 h before I4 (11 Jan 10:30 -> 13 Jan 12:00): beyond 24 h
        "I4": (None, None, "beyond_max_lag"),
        # D8 finished 23 h before I5: within
        "I5": ("D8", "latest_prior_deployment", None),
        "IB1": (None, None, "no_deployment_before_incident"),
    }
    # New York weeks: D1, D2, D3, D4 in week 1 (D2 and D4 failed) -> 2/4
    assert weekly_rates(new_york_build, "api")[date(2024, 1, 1)] == (4, 2, pytest.approx(0.5))
