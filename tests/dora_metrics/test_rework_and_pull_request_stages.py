"""Deployment rework rate and the pull request stage breakdown, default mode (timeline
in scenario.py)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.dora_metrics.scenario import Build


def test_each_remediation_signal(default_build: Build) -> None:
    flagged = {
        row["deployment_id"]: row
        for row in default_build.rows(
            "select * from intermediate.int_dora__remediation_deployments where is_remediation"
        )
    }
    assert set(flagged) == {"D5", "R7", "D8", "D9"}
    assert flagged["D5"]["ships_revert"]  # a6: 'Revert "add cache"'
    assert flagged["R7"]["is_remediation_trigger"]  # trigger_kind rollback
    # PR 4 (shipped by D8) references I4, open when PR 4 merged (13 Jan 14:00, I4 12:00-15:00)
    assert flagged["D8"]["ships_open_incident_fix"]
    # D9 is api's first deployment after I5 opened (16 Jan 09:00) and while it is open
    assert flagged["D9"]["is_first_deployment_during_incident"]
    assert not flagged["D9"]["is_remediation_trigger"]


def test_rework_rate(default_build: Build) -> None:
    weeks = {
        row["period_start"]: (
            row["deployment_count"],
            row["remediation_deployment_count"],
            row["deployment_rework_rate"],
        )
        for row in default_build.rows(
            "select * "
            "from marts.fct_deployment_rework_rate where service = 'api' and grain = 'week'"
        )
    }
    assert weeks == {
        date(2024, 1, 1): (3, 0, 0.0),  # D1, D2, D3
        date(2024, 1, 8): (4, 2, pytest.approx(2 / 4)),  # D5 and R7 of D4, D5, D6, R7
        date(2024, 1, 15): (3, 2, pytest.approx(2 / 3)),  # D8 and D9 of D8, D9, D10
        date(2024, 1, 22): (0, 0, None),
    }
    month = default_build.value(
        "select deployment_rework_rate "
        "from marts.fct_deployment_rework_rate where service = 'api' and grain = 'month'"
    )
    assert month == pytest.approx(4 / 10)


def stages(build: Build) -> dict[str, dict]:
    return {row["pr_id"]: row for row in build.rows("select * from marts.fct_pull_request_stages")}


def test_pull_request_stage_breakdown(default_build: Build) -> None:
    rows = stages(default_build)
    pr1 = rows["acme/api#1"]
    # coding p1c1 09:00 -> opened 12:00 = 3 h; pickup: alice's own 13:00 comment is skipped,
    # bob's approval 14:00 -> 2 h; review 14:00 -> merged 3 Jan 08:00 = 18 h;
    # deploy merged 08:00 -> D1 10:00 = 2 h; cycle 3 + 2 + 18 + 2 = 25 h
    assert (pr1["coding_time_hours"], pr1["pickup_time_hours"], pr1["review_time_hours"]) == (
        3.0,
        2.0,
        18.0,
    )
    assert (pr1["deploy_time_hours"], pr1["cycle_time_hours"]) == (2.0, 25.0)

    pr2 = rows["acme/api#2"]
    # R3 by "Bob" is the author (bob) too: pickup is carol's 13:30 review -> 1.5 h
    assert pr2["coding_time_hours"] == pytest.approx(2 + 59.5 / 60)  # 09:00:30 -> 12:00
    assert pr2["pickup_time_hours"] == pytest.approx(1.5)
    assert pr2["review_time_hours"] == pytest.approx(20.5)  # 4 Jan 13:30 -> 5 Jan 10:00
    assert pr2["deploy_time_hours"] == pytest.approx(5.0)  # 10:00 -> D2 15:00
    assert pr2["cycle_time_hours"] == pytest.approx(2 + 59.5 / 60 + 1.5 + 20.5 + 5)

    pr3 = rows["acme/api#3"]
    # no review: pickup and review do not exist, yet the cycle is the whole span, first
    # commit -> D4 finished: coding 1 h + opened -> merged 38 h + deploy 2 h = 41 h
    assert pr3["pickup_time_hours"] is None and pr3["review_time_hours"] is None
    assert pr3["cycle_time_hours"] == pytest.approx(41.0)

    pr5 = rows["acme/api#5"]
    # not merged: coding 08:00 -> 09:00 and pickup 09:00 -> alice 10:00 only; no cycle
    # time until it is deployed
    assert (pr5["coding_time_hours"], pr5["pickup_time_hours"], pr5["cycle_time_hours"]) == (
        1.0,
        1.0,
        None,
    )
    assert pr5["deployment_id"] is None
