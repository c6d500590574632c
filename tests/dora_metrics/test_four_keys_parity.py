"""Four Keys mode, rule for rule with Four Keys' dashboard SQL
(dashboard/fourkeys_dashboard.json) and queries/*.sql: the frequency bucket's window and
Monthly rule, every deployment-commit pair in lead time, the other three buckets, the
daily series, and the change failure rate counted over joined rows.

Most figures come from the shared Four Keys build (scenario.py, January 2024). The
window and the Monthly rule need a first event late in a window that straddles a month
end, so a second, smaller history is built once, with the joined-rows option on:

    as_of Sat 27 Jan 2024, dora_window_days 90 (level window Mon 30 Oct .. 27 Jan)
    first event: commit s1 authored Sun 31 Dec 2023 09:00 -> Four Keys counts Mon 1 Jan on

    service  deployment  finished (UTC)   deploys  commit authored
    steady   S1          Tue 02 Jan 10:00 s1       Sun 31 Dec 09:00  (2940 min)
    steady   S2          Tue 09 Jan 10:00 s2       Sun 07 Jan 10:00  (2880 min)
    steady   S3          Tue 16 Jan 10:00 s3       Sun 14 Jan 10:00  (2880 min)
    steady   S4          Tue 23 Jan 10:00 s4       Sun 21 Jan 10:00  (2880 min)
    early    E1          Wed 03 Jan 10:00 e1       Wed 03 Jan 08:00  (120 min)

    incident  service  created          resolved          root cause
    J1        steady   Tue 09 Jan 12:00 Tue 09 Jan 14:00  s2 (shipped by S2, 09 Jan 10:00)
    J2        steady   Wed 10 Jan 12:00 Wed 10 Jan 17:00  s2
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.dora_metrics.scenario import (
    Build,
    build,
    deployment,
    deployment_commit,
    run_dbt,
    ts,
)


def by_key(rows: list[dict[str, Any]], key: str) -> dict[Any, dict[str, Any]]:
    return {row[key]: row for row in rows}


def dec(value: str) -> str:
    """A UTC instant in December 2023, written as '12-31 09:00:00'."""
    return ts(value).replace("2024-", "2023-", 1)


PROD, OK = "PRODUCTION", "SUCCESS"
PARITY_ROWS: dict[str, list[tuple[Any, ...]]] = {
    "deployments": [
        deployment("S1", "steady", PROD, OK, "01-02 10:00:00", "planned"),
        deployment("S2", "steady", PROD, OK, "01-09 10:00:00", "planned"),
        deployment("S3", "steady", PROD, OK, "01-16 10:00:00", "planned"),
        deployment("S4", "steady", PROD, OK, "01-23 10:00:00", "planned"),
        deployment("E1", "early", PROD, OK, "01-03 10:00:00", "planned"),
    ],
    "deployment_commits": [
        deployment_commit("S1", "acme/steady", "s1"),
        deployment_commit("S2", "acme/steady", "s2"),
        deployment_commit("S3", "acme/steady", "s3"),
        deployment_commit("S4", "acme/steady", "s4"),
        deployment_commit("E1", "acme/early", "e1"),
    ],
    "commits": [
        ("acme/steady", "s1", "ann", dec("12-31 09:00:00"), "one"),
        ("acme/steady", "s2", "ann", ts("01-07 10:00:00"), "two"),
        ("acme/steady", "s3", "ann", ts("01-14 10:00:00"), "three"),
        ("acme/steady", "s4", "ann", ts("01-21 10:00:00"), "four"),
        ("acme/early", "e1", "eve", ts("01-03 08:00:00"), "only"),
    ],
    "incidents": [
        (
            "J1",
            "steady",
            "errors",
            ts("01-09 12:00:00"),
            ts("01-09 14:00:00"),
            "SEV2",
            "pd",
            None,
            "s2",
        ),
        (
            "J2",
            "steady",
            "errors",
            ts("01-10 12:00:00"),
            ts("01-10 17:00:00"),
            "SEV2",
            "pd",
            None,
            "s2",
        ),
    ],
}


@pytest.fixture(scope="module")
def parity_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return build(
        "four_keys_parity",
        Path(tmp_path_factory.mktemp("dora_four_keys_parity")),
        {
            "dora_mode": "four_keys",
            "dora_as_of": "2024-01-27",
            "dora_window_days": 90,
            "dora_four_keys_cfr_counts_joined_rows": True,
        },
        raw_rows=PARITY_ROWS,
    )


def buckets(build: Build) -> dict[Any, dict[str, Any]]:
    return by_key(build.rows("select * from marts.agg_dora__four_keys_buckets"), "service")


def levels(build: Build) -> dict[Any, dict[str, Any]]:
    return by_key(
        build.rows("select * from marts.agg_deployment_frequency_level where report_year = 2024"),
        "service",
    )


def test_frequency_counts_only_the_days_after_the_first_event(parity_build: Build) -> None:
    """Four Keys' days: 27 Oct .. 27 Jan (three months), only after 31 Dec (the first
    event's day, s1's author date): Mon 1 .. Sat 27 Jan, Sunday weeks 31 Dec, 7, 14, 21 Jan.

    steady deploys once in each: deployment days 1, 1, 1, 1 -> median 1 (< 3, not Daily);
    deployed weeks 1, 1, 1, 1 -> median 1 -> Weekly. The whole level window (30 Oct ..
    27 Jan) had 13 Sunday weeks, 4 deployed -> median 0, and calendar months Oct, Nov, Dec,
    Jan deployed 0, 0, 0, 1 -> median 0: Yearly, which is what the mode read before.

    agg_deployment_frequency_level (GA sources only) starts after the first deployment
    event (S1, Tue 2 Jan): days 3 .. 27 Jan, steady's weeks 0, 1, 1, 1 -> medians 1 and 1,
    Weekly too."""
    steady = buckets(parity_build)["steady"]
    assert steady["first_event_on"].isoformat() == "2023-12-31"
    assert (steady["median_deployment_days_per_week"], steady["median_week_deployed"]) == (1.0, 1.0)
    assert steady["deployment_frequency_bucket"] == "Weekly"

    level = levels(parity_build)["steady"]
    assert level["window_start"].isoformat() == "2023-10-30"  # the level window is unchanged
    assert level["bucket_window_start"].isoformat() == "2024-01-03"
    assert (level["median_deployment_days_per_week"], level["median_week_deployed"]) == (1.0, 1.0)
    assert level["peer_frequency_bucket"] == "Weekly"
    assert level["deployment_count"] == 4


def test_monthly_takes_the_median_over_week_rows_in_the_month_of_their_sunday(
    parity_build: Build,
) -> None:
    """early deploys only on Wed 3 Jan, in the week of Sun 31 Dec, which is December's.

    Week rows 31 Dec, 7, 14, 21 Jan: deployed weeks in the row's month 1 (December), 0,
    0, 0 (January) -> median 0 -> not Monthly; week_deployed 1, 0, 0, 0 -> median 0 ->
    not Weekly: Yearly. A naive rule over calendar months (January, the only month of the
    days, had a deployment -> median 1) would say Monthly. Both marts agree."""
    early = buckets(parity_build)["early"]
    assert early["median_weeks_deployed_in_month"] == 0.0
    assert early["deployment_frequency_bucket"] == "Yearly"

    level = levels(parity_build)["early"]
    assert level["median_weeks_deployed_in_month"] == 0.0
    assert level["median_month_deployed"] == 1.0  # the naive rule's statistic
    assert level["peer_frequency_bucket"] == "Yearly"


def test_a_redeploy_adds_its_pairs_to_lead_time(four_keys_build: Build) -> None:
    """R7 (Thu 11 Jan 10:30) rolls back to a6, the head D5 deployed: Four Keys joins R7
    to the commits of a6's push again, 2970 min after a6 was authored (Tue 9 09:00).

    January's measured pairs, minutes sorted: 60 60 60 60 120 120 360 1680 1799 2460 2640
    2729 2970 -> 13 pairs, median the 7th, 360 min = 6 h (without the redeploy's pair the
    median was (120 + 360) / 2 = 4 h)."""
    a6 = four_keys_build.rows(
        "select deployment_id, lead_time_minutes from marts.fct_lead_time_for_changes "
        "where change_id = 'acme/api@a6' order by deployed_at"
    )
    assert a6 == [
        {"deployment_id": "D5", "lead_time_minutes": 60.0},
        {"deployment_id": "R7", "lead_time_minutes": 2970.0},
    ]
    month = four_keys_build.one(
        "select measured_change_count, median_lead_time_hours from marts.agg_lead_time_for_changes "
        "where service = 'api' and grain = 'month'"
    )
    assert month == {"measured_change_count": 13, "median_lead_time_hours": pytest.approx(6.0)}


def test_buckets(four_keys_build: Build, parity_build: Build) -> None:
    """Window: instants after 28 Oct 2023 00:00 (three months before 28 Jan) to 28 Jan.

    api: lead time median 360 min (the 13 pairs above) < 1440 -> One day. Time to restore,
    whole hours from the restore start: I0 1, I1 2, I2 37, I3 1, I4 3, I5 open -> median
    of 1 1 2 3 37 = 2 -> One day. Change failure: 10 deployments shipped a commit, D4 the
    root cause of I2 -> 0.1 -> 0-15%. billing: its only incident resolved an hour before
    it was created, -1 h as TIMESTAMP_DIFF says -> One day; no pair -> 0 min -> One day.
    web: no incident -> no time-to-restore bucket (the panel is empty).

    steady (parity, joined rows): lead times 2940 2880 2880 2880 -> median 2880 min (48 h)
    -> One week; J1 10:00 -> 14:00 = 4 h and J2 from S2 (9 Jan 10:00, earlier than its
    creation) -> 10 Jan 17:00 = 31 h -> 17.5 h -> One day; 4 deployments, 2 joined
    incident rows (S2 x s2 x J1, J2) -> 0.5 -> 46-60% (each deployment once: 0.25)."""
    rows = buckets(four_keys_build)
    api = rows["api"]
    assert api["window_start"].isoformat() == "2023-10-28"
    assert (api["median_lead_time_minutes"], api["lead_time_bucket"]) == (360.0, "One day")
    assert (api["incident_count"], api["median_time_to_restore_hours"]) == (6, 2.0)
    assert api["time_to_restore_bucket"] == "One day"
    assert (api["deployment_count"], api["failed_deployment_count"]) == (10, 1)
    assert api["change_failure_rate"] == pytest.approx(0.1)
    assert api["change_failure_rate_bucket"] == "0-15%"
    assert api["deployment_frequency_bucket"] == "Weekly"
    assert (
        rows["billing"]["median_time_to_restore_hours"],
        rows["billing"]["lead_time_bucket"],
    ) == (
        -1.0,
        "One day",
    )
    assert rows["web"]["time_to_restore_bucket"] is None

    steady = parity_build.one(
        "select * from marts.agg_dora__four_keys_buckets where service = 'steady'"
    )
    assert (steady["median_lead_time_minutes"], steady["lead_time_bucket"]) == (2880.0, "One week")
    assert steady["median_time_to_restore_hours"] == pytest.approx(17.5)
    assert steady["time_to_restore_bucket"] == "One day"
    assert (
        steady["deployment_count"],
        steady["failed_deployment_count"],
        steady["joined_incident_rows"],
    ) == (4, 1, 2)
    assert steady["change_failure_rate"] == pytest.approx(0.5)
    assert steady["change_failure_rate_bucket"] == "46-60%"
    assert steady["change_failure_rate_counts_joined_rows"] is True


def test_daily_series(four_keys_build: Build) -> None:
    """api, by deployment (or restore-start) day:
    Tue 2: no deployment; I0 08:00 -> 09:00, 1 h.
    Fri 5: D2's pairs p2c1 1799, p2c2 1680, l1 360 (a2 unknown, a3 negative) -> 1680.
    Sun 7: D3's only pair a4 spans 0 min, dropped -> IFNULL(median, 0) = 0.
    Mon 8: D4 (a5 120, p3c1 2460 -> 1290), the root cause of I2 -> failure rate 1; I2
    starts at D4 (37 h).
    Tue 16: D9 and D10 -> 2 deployments, pairs 60 and 60."""
    days = {
        row["day"].isoformat(): row
        for row in four_keys_build.rows(
            "select * from marts.agg_dora__four_keys_daily where service = 'api'"
        )
    }
    assert days["2024-01-02"]["deployment_count"] == 0
    assert days["2024-01-02"]["median_time_to_restore_hours"] == 1.0
    assert days["2024-01-02"]["median_lead_time_minutes"] is None
    assert days["2024-01-05"]["median_lead_time_minutes"] == 1680.0
    assert days["2024-01-07"]["median_lead_time_minutes"] == 0.0
    assert days["2024-01-08"] == {
        **days["2024-01-08"],
        "deployment_count": 1,
        "median_lead_time_minutes": 1290.0,
        "change_failure_rate": 1.0,
        "median_time_to_restore_hours": 37.0,
    }
    assert days["2024-01-16"]["deployment_count"] == 2
    assert days["2024-01-16"]["median_lead_time_minutes"] == 60.0
    assert "2024-01-20" not in days  # no panel has a point that day


def test_joined_rows_failure_rate_passes_one(parity_build: Build) -> None:
    """Tue 9 Jan: S2 is the day's only deployment and ships s2, the root cause of J1 and
    J2: the dashboard's SUM over joined rows / COUNT(DISTINCT deploy_id) = 2 / 1."""
    day = parity_build.one(
        "select change_failure_rate, median_time_to_restore_hours "
        "from marts.agg_dora__four_keys_daily where service = 'steady' and day = '2024-01-09'"
    )
    # J1 and J2 both start at S2 (9 Jan 10:00): 4 h and 31 h
    assert day == {"change_failure_rate": 2.0, "median_time_to_restore_hours": 17.5}


def test_the_other_modes_leave_the_four_keys_marts_empty(default_build: Build) -> None:
    assert default_build.value("select count(*) from marts.agg_dora__four_keys_buckets") == 0
    assert default_build.value("select count(*) from marts.agg_dora__four_keys_daily") == 0


def test_a_bad_joined_rows_setting_fails_the_build(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # a typo must not silently fall back to counting each deployment once
    workdir = Path(tmp_path_factory.mktemp("dora_bad_cfr_option"))
    completed = run_dbt(
        [
            "compile",
            "--select",
            "agg_dora__four_keys_daily",
            "--vars",
            '{"dora_mode": "four_keys", "dora_four_keys_cfr_counts_joined_rows": "maybe"}',
        ],
        workdir,
        workdir / "unused.duckdb",
    )
    assert completed.returncode != 0
    assert (
        "var dora_four_keys_cfr_counts_joined_rows must be true or false; got 'maybe'"
        in completed.stdout
    )
