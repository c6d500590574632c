"""The same scenario (scenario.py) under the DevLake and Four Keys compatibility modes:
each assertion is a number the peer would report, worked out by its rules."""

from __future__ import annotations

from datetime import date

import pytest

from tests.dora_metrics.scenario import Build, run_dbt


def by_key(rows: list[dict], key: str) -> dict:
    return {row[key]: row for row in rows}


# --- DevLake -------------------------------------------------------------------------


def test_devlake_lead_time_is_pr_cycle_time_in_rounded_up_minutes(devlake_build: Build) -> None:
    changes = by_key(
        devlake_build.rows("select * from marts.fct_lead_time_for_changes where service = 'api'"),
        "change_id",
    )
    # PR 1 was shipped by D1, the first deployment of its series: DevLake never matches it.
    # Direct pushes are not changes for DevLake.
    assert set(changes) == {"acme/api#2", "acme/api#3", "acme/api#4"}
    # PR 2: coding ceil(2 h 59 min 30 s) = 180 + opened->merged 22 h = 1320 + deploy 5 h = 300
    assert changes["acme/api#2"]["lead_time_minutes"] == 1800.0
    # (the exact span stays available: 107970 s)
    assert changes["acme/api#2"]["lead_time_seconds"] == pytest.approx(107_970.0)
    # PR 3: 60 + 2280 (6 Jan 11:00 -> 8 Jan 01:00) + 120
    assert changes["acme/api#3"]["lead_time_minutes"] == 2460.0
    # PR 4: ceil(29 min 50 s) = 30 + 60 + 2640 (13 Jan 14:00 -> 15 Jan 10:00)
    assert changes["acme/api#4"]["lead_time_minutes"] == 2730.0


def test_devlake_median_is_the_lower_median(devlake_build: Build) -> None:
    month = devlake_build.one(
        "select measured_change_count, median_lead_time_hours from marts.agg_lead_time_for_changes "
        "where service = 'api' and grain = 'month'"
    )
    # [30, 41, 45.5] h -> 41 (three values: lower and interpolated medians agree)
    assert month == {"measured_change_count": 3, "median_lead_time_hours": pytest.approx(41.0)}
    week = devlake_build.one(
        "select median_time_to_restore_hours, median_recovery_time_hours "
        "from marts.agg_recovery_time "
        "where service = 'api' and grain = 'week' and period_start = '2024-01-08'"
    )
    # restore in whole minutes rounded up: I1 120, I2 ceil(45.33) = 46, I3 60, I4 180 ->
    # sorted [46, 60, 120, 180] min: the lower median is 60 min (interpolated would be 90)
    assert week["median_time_to_restore_hours"] == pytest.approx(1.0)
    # recovery from the linked deployment: I1 D5 240, I2 D5 ceil(405.33) = 406, I3 D6 1560,
    # I4 W2 1740 min -> lower median 406 min
    assert week["median_recovery_time_hours"] == pytest.approx(406 / 60)


def test_devlake_links_incidents_to_the_latest_project_deployment(devlake_build: Build) -> None:
    links = {
        row["incident_id"]: row["attributed_deployment_id"]
        for row in devlake_build.rows("select * from intermediate.int_dora__incident_attribution")
    }
    assert links == {
        "I0": None,  # nothing deployed before 2 Jan
        "I1": "D5",  # caused_by_deployment_id (D2) is not DevLake's rule
        "I2": "D5",  # nor is the root cause (D4)
        "I3": "D6",
        "I4": "W2",  # the whole project: web's W2 (12 Jan) is later than api's R7 (11 Jan)
        "I5": "D8",
        "IB1": "D6",  # billing's incident lands on an api deployment
    }
    api = by_key(
        devlake_build.rows(
            "select * from marts.fct_change_failure_rate where service = 'api' and grain = 'week'"
        ),
        "period_start",
    )
    assert api[date(2024, 1, 1)]["change_failure_rate"] == 0.0  # D1, D2, D3 all clean
    assert api[date(2024, 1, 8)]["change_failure_rate"] == pytest.approx(2 / 4)  # D5, D6
    web = devlake_build.value(
        "select change_failure_rate "
        "from marts.fct_change_failure_rate where service = 'web' and grain = 'month'"
    )
    assert web == pytest.approx(1 / 2)  # W2 of W1, W2


def test_devlake_counts_deployment_days(devlake_build: Build) -> None:
    rows = by_key(
        devlake_build.rows(
            "select * from marts.agg_deployment_frequency_level where report_year = 2024"
        ),
        "service",
    )
    api = rows["api"]
    # 9 deployment days (not 10 deployments) in 28 days -> 672 / 9 = 74.67 h between
    assert api["hours_between_deployments"] == pytest.approx(672 / 9)
    # deployment days per ISO week: 3, 4, 2, 0 -> lower median of [0, 2, 3, 4] = 2;
    # not >= 5 (elite) but >= 1 -> high
    assert api["median_deployment_days_per_week"] == 2.0
    assert api["peer_frequency_bucket"] == "high"
    # web: weeks 1, 1, 0, 0 -> lower median 0; January has 2 deployment days >= 1 -> medium
    assert rows["web"]["peer_frequency_bucket"] == "medium"


def test_devlake_pull_request_stages(devlake_build: Build) -> None:
    rows = by_key(devlake_build.rows("select * from marts.fct_pull_request_stages"), "pr_id")
    # merged pull requests only
    assert set(rows) == {"acme/api#1", "acme/api#2", "acme/api#3", "acme/api#4"}
    # PR 1 is unmatched (first deployment of the series): no deploy time; cycle =
    # coding 180 + opened->merged 1200 min = 23 h
    assert rows["acme/api#1"]["deploy_time_hours"] is None
    assert rows["acme/api#1"]["cycle_time_hours"] == pytest.approx(23.0)
    # PR 3 has no review, yet its cycle counts opened->merged: 1 + 38 + 2 = 41 h
    assert rows["acme/api#3"]["cycle_time_hours"] == pytest.approx(41.0)
    assert rows["acme/api#2"]["coding_time_hours"] == pytest.approx(3.0)  # 179.5 min rounded up


# --- Four Keys -----------------------------------------------------------------------


def test_four_keys_lead_time_is_per_commit_in_whole_minutes(four_keys_build: Build) -> None:
    commits = by_key(
        four_keys_build.rows("select * from marts.fct_lead_time_for_changes where service = 'api'"),
        "change_id",
    )
    assert commits["acme/api@p2c1"]["lead_time_minutes"] == 1799.0  # 29 h 59 min 30 s, truncated
    assert commits["acme/api@p4c1"]["lead_time_minutes"] == 2729.0  # 45 h 29 min 50 s, truncated
    assert commits["acme/api@a4"]["lead_time_minutes"] is None  # a 0 span is dropped
    assert commits["acme/api@a3"]["lead_time_minutes"] is None  # so is a negative one
    month = four_keys_build.one(
        "select measured_change_count, median_lead_time_hours from marts.agg_lead_time_for_changes "
        "where service = 'api' and grain = 'month'"
    )
    # 13 measured deployment-commit pairs (a2 has no author date, a3 and a4 dropped; the
    # rollback R7 ships a6 again, 2970 min), minutes sorted:
    # 60 60 60 60 120 120 360 1680 1799 2460 2640 2729 2970 -> the 7th, 360 min
    assert month == {"measured_change_count": 13, "median_lead_time_hours": pytest.approx(6.0)}


def test_four_keys_restore_time_starts_at_the_root_cause_deployment(four_keys_build: Build) -> None:
    i2 = four_keys_build.one(
        "select restore_started_at, time_to_restore_hours "
        "from marts.fct_incident_recovery where incident_id = 'I2'"
    )
    # I2 was created 9 Jan 16:00, but D4, which shipped its root cause, finished
    # 8 Jan 03:00: 8 Jan 03:00 -> 9 Jan 16:45:20 = 37 h 45 min, truncated to 37 h
    assert i2["restore_started_at"].isoformat().startswith("2024-01-08T03:00:00")
    assert i2["time_to_restore_hours"] == 37.0
    week = four_keys_build.value(
        "select median_time_to_restore_hours from marts.agg_recovery_time "
        "where service = 'api' and grain = 'week' and period_start = '2024-01-07'"
    )
    # created Sun 7..Sat 13 Jan: I1 2, I2 37, I3 1, I4 3 -> (2 + 3) / 2
    assert week == pytest.approx(2.5)


def test_four_keys_failure_rate_counts_each_deployment_once(four_keys_build: Build) -> None:
    week = four_keys_build.one(
        "select deployment_count, failed_deployment_count, change_failure_rate "
        "from marts.fct_change_failure_rate "
        "where service = 'api' and grain = 'week' and period_start = '2024-01-07'"
    )
    # only I2 names a root cause (p3c1, shipped by D4): 1 of D3, D4, D5, D6, R7
    assert week == {
        "deployment_count": 5,
        "failed_deployment_count": 1,
        "change_failure_rate": pytest.approx(0.2),
    }


def test_four_keys_frequency_buckets(four_keys_build: Build) -> None:
    rows = by_key(
        four_keys_build.rows(
            "select * from marts.agg_deployment_frequency_level where report_year = 2024"
        ),
        "service",
    )
    # api, Sunday weeks of the window: deployment days 2, 5, 2, 0, 0 -> median 2 (< 3, not
    # Daily); deployed weeks 1, 1, 1, 0, 0 -> median 1 -> Weekly
    assert (
        rows["api"]["median_deployment_days_per_week"],
        rows["api"]["median_week_deployed"],
    ) == (2.0, 1.0)
    assert rows["api"]["peer_frequency_bucket"] == "Weekly"
    # web: deployed weeks 1, 1, 0, 0, 0 -> median 0; deployed weeks in the month of each
    # week row's Sunday: 1 (December: 31 Dec) and 1, 1, 1, 1 (January) -> median 1 -> Monthly
    assert rows["web"]["peer_frequency_bucket"] == "Monthly"


def test_modes_agree_where_no_peer_differs(
    default_build: Build, devlake_build: Build, four_keys_build: Build
) -> None:
    # rework is the platform's own metric: the same remediation deployments in every mode
    query = (
        "select deployment_id from intermediate.int_dora__remediation_deployments "
        "where is_remediation order by 1"
    )
    expected = [{"deployment_id": d} for d in ("D5", "D8", "D9", "R7")]
    assert (
        default_build.rows(query)
        == devlake_build.rows(query)
        == four_keys_build.rows(query)
        == expected
    )


def test_an_unknown_mode_fails_the_build_with_a_clear_message(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # a misspelt mode must not silently fall back to the default numbers
    workdir = tmp_path_factory.mktemp("dora_bad_mode")
    completed = run_dbt(
        [
            "compile",
            "--select",
            "int_dora__incident_attribution",
            "--vars",
            '{"dora_mode": "fourkeys"}',
        ],
        workdir,
        workdir / "unused.duckdb",
    )
    assert completed.returncode != 0
    assert (
        "dora_mode must be one of default, devlake, four_keys; got 'fourkeys'" in completed.stdout
    )
