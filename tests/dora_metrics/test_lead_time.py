"""Lead time for changes in the default mode (timeline in scenario.py).

Change sets of api's acme/api series (derived from commit landing times):
    D1  {a1}                      first of the series: the deployed sha only, so a0
                                  (pushed 1 Jan) and PR 1's own commit are not absorbed
    D2  {p2c1, p2c2, a2, a3}      landed after a1 (3 Jan 08:00) up to a3 (5 Jan 15:30)
    D3  {a4}   D4 {p3c1, a5}   D5 {a6}   D6 {a7}   R7 {} (rollback to a6: nothing new)
    D8  {p4c1, a8}   D9 {a9}   D10 {a10}
acme/lib: D2 {l1} (first of its series). acme/web: W1 {w1}; W2 explicit {w2} (wx excluded).
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.dora_metrics.scenario import Build

HOUR = 3600.0


def lead_times(build: Build, service: str) -> dict[str, dict]:
    return {
        row["change_id"]: row
        for row in build.rows(
            "select * from marts.fct_lead_time_for_changes where service = ?", service
        )
    }


def test_each_change_gets_the_first_deployment_that_shipped_it(default_build: Build) -> None:
    changes = lead_times(default_build, "api")
    expected_seconds = {
        # PR 1: first commit p1c1 2 Jan 09:00 -> D1 3 Jan 10:00 = 25 h (matched by exact
        # sha: its merge commit a1 is what D1 deployed)
        "acme/api#1": ("D1", 25 * HOUR),
        # PR 2: p2c1 4 Jan 09:00:30 -> D2 5 Jan 15:00 = 29 h 59 min 30 s = 107970 s
        "acme/api#2": ("D2", 107_970.0),
        # direct push on acme/lib, deployed by the same (multi-repository) deployment:
        # 5 Jan 09:00 -> 15:00 = 6 h
        "acme/lib@l1": ("D2", 6 * HOUR),
        # a4 authored at the very second D3 finished: a zero span is kept
        "acme/api@a4": ("D3", 0.0),
        # PR 3: p3c1 6 Jan 10:00 -> D4 8 Jan 03:00 = 41 h
        "acme/api#3": ("D4", 41 * HOUR),
        "acme/api@a6": ("D5", 1 * HOUR),  # 9 Jan 09:00 -> 10:00
        "acme/api@a7": ("D6", 1 * HOUR),  # 10 Jan 08:00 -> 09:00
        # PR 4: p4c1 13 Jan 12:30:10 -> D8 15 Jan 10:00 = 45 h 29 min 50 s = 163790 s
        "acme/api#4": ("D8", 163_790.0),
        "acme/api@a9": ("D9", 1 * HOUR),  # 16 Jan 11:00 -> 12:00
        "acme/api@a10": ("D10", 1 * HOUR),  # 16 Jan 14:00 -> 15:00
    }
    for change_id, (deployment_id, seconds) in expected_seconds.items():
        assert changes[change_id]["deployment_id"] == deployment_id, change_id
        assert changes[change_id]["lead_time_seconds"] == pytest.approx(seconds), change_id
        assert changes[change_id]["lead_time_hours"] == pytest.approx(seconds / HOUR), change_id
    # 10 measured changes plus the negative a3 below; nothing else
    assert set(changes) == {*expected_seconds, "acme/api@a3"}


def test_history_before_the_first_known_deployment_is_not_absorbed(default_build: Build) -> None:
    changes = lead_times(default_build, "api")
    # a0 was pushed before D1, the first deployment known; D1 deployed a1, so a0 is not
    # attributed to it (nor to any later deployment: it landed before D1's sha)
    assert "acme/api@a0" not in changes
    # PR 1's own commit is not a change of its own: it belongs to PR 1
    assert "acme/api@p1c1" not in changes
    change_sets = default_build.rows(
        "select sha, change_set_source from intermediate.int_dora__deployment_change_sets "
        "where deployment_id = 'D1'"
    )
    assert change_sets == [{"sha": "a1", "change_set_source": "first_deployment_exact_sha"}]


def test_negative_span_is_null_and_reported(default_build: Build) -> None:
    a3 = lead_times(default_build, "api")["acme/api@a3"]
    # a3 was authored 5 Jan 15:30, after D2 (which deployed it) finished at 15:00
    assert a3["lead_time_seconds"] is None
    assert a3["lead_time_minutes"] is None
    assert a3["is_negative_span"] is True
    dq = default_build.one(
        "select span_seconds, deployment_id from marts.dq_dora__negative_spans "
        "where metric = 'lead_time_for_changes' and entity_id = 'acme/api@a3'"
    )
    assert dq == {"span_seconds": pytest.approx(-1800.0), "deployment_id": "D2"}  # -30 min


def test_explicit_change_set_wins_over_derivation(default_build: Build) -> None:
    web = lead_times(default_build, "web")
    # W2's source gave {w2}; deriving would also have taken wx (landed 10 Jan, between
    # w1 and w2), which is therefore never attributed
    assert set(web) == {"acme/web@w1", "acme/web@w2"}
    assert web["acme/web@w2"]["lead_time_hours"] == pytest.approx(1.0)  # 12 Jan 09:00 -> 10:00


def test_weekly_and_monthly_percentiles(default_build: Build) -> None:
    rows = {
        (row["grain"], row["period_start"]): row
        for row in default_build.rows(
            "select * from marts.agg_lead_time_for_changes where service = 'api'"
        )
    }
    week1 = rows[("week", date(2024, 1, 1))]
    # deployed 3..7 Jan: PR1 25, PR2 29.991667, l1 6, a4 0 (h) and a3 (negative, NULL)
    assert (week1["deployed_change_count"], week1["measured_change_count"]) == (5, 4)
    assert week1["negative_span_count"] == 1
    # sorted [0, 6, 25, 29.991667]: median = (6 + 25) / 2 = 15.5
    assert week1["median_lead_time_hours"] == pytest.approx(15.5)
    # p75 at rank 0.75 * 3 = 2.25: 25 + 0.25 * (29.991667 - 25) = 26.247917
    assert week1["p75_lead_time_hours"] == pytest.approx(25 + 0.25 * (107_970 / HOUR - 25))
    # p90 at rank 0.9 * 3 = 2.7: 25 + 0.7 * 4.991667 = 28.494167
    assert week1["p90_lead_time_hours"] == pytest.approx(25 + 0.7 * (107_970 / HOUR - 25))

    week2 = rows[("week", date(2024, 1, 8))]
    # [1, 1, 41]: median 1; p75 at rank 1.5 = 1 + 0.5 * 40 = 21; p90 at 1.8 = 1 + 0.8 * 40 = 33
    assert week2["median_lead_time_hours"] == pytest.approx(1.0)
    assert week2["p75_lead_time_hours"] == pytest.approx(21.0)
    assert week2["p90_lead_time_hours"] == pytest.approx(33.0)

    week4 = rows[("week", date(2024, 1, 22))]
    assert week4["deployed_change_count"] == 0
    assert week4["median_lead_time_hours"] is None

    month = rows[("month", date(2024, 1, 1))]
    # ten values sorted [0, 1, 1, 1, 1, 6, 25, 29.991667, 41, 45.497222]
    assert month["measured_change_count"] == 10
    assert month["median_lead_time_hours"] == pytest.approx((1 + 6) / 2)  # 3.5
    # p75 at rank 6.75: 25 + 0.75 * 4.991667 = 28.74375
    assert month["p75_lead_time_hours"] == pytest.approx(25 + 0.75 * (107_970 / HOUR - 25))
    # p90 at rank 8.1: 41 + 0.1 * (45.497222 - 41) = 41.449722
    assert month["p90_lead_time_hours"] == pytest.approx(41 + 0.1 * (163_790 / HOUR - 41))


def test_changes_are_selected_by_the_local_day_of_their_deployment(new_york_build: Build) -> None:
    week1 = new_york_build.one(
        "select measured_change_count, median_lead_time_hours from marts.agg_lead_time_for_changes "
        "where service = 'api' and grain = 'week' and period_start = '2024-01-01'"
    )
    # D4 finished Sun 7 Jan 22:00 in New York, so PR 3 (41 h) joins week 1:
    # sorted [0, 6, 25, 29.991667, 41] -> median 25
    assert week1 == {"measured_change_count": 5, "median_lead_time_hours": pytest.approx(25.0)}
