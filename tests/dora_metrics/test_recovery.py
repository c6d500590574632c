"""Failed deployment recovery time and time to restore service, default mode (timeline
in scenario.py)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.dora_metrics.scenario import Build


def incidents(build: Build) -> dict[str, dict]:
    return {
        row["incident_id"]: row for row in build.rows("select * from marts.fct_incident_recovery")
    }


def test_per_incident_durations(default_build: Build) -> None:
    rows = incidents(default_build)
    expected = {
        # incident: (restore = resolved - created, recovery = resolved - deployment finished)
        "I0": (1.0, None),  # 08:00 -> 09:00; unattributed, so no recovery time
        "I1": (2.0, 95.0),  # 12:00 -> 14:00; D2 5 Jan 15:00 -> 9 Jan 14:00 = 96 - 1 = 95 h
        "I2": (
            45 / 60 + 20 / 3600,
            24 + 13 + 45 / 60 + 20 / 3600,
        ),  # 45 min 20 s; D4 8 Jan 03:00 -> 9 Jan 16:45:20
        "I3": (1.0, 26.0),  # D6 10 Jan 09:00 -> 11 Jan 11:00
        "I4": (3.0, 52.5),  # R7 11 Jan 10:30 -> 13 Jan 15:00 = 48 + 4.5
    }
    for incident_id, (restore, recovery) in expected.items():
        assert rows[incident_id]["time_to_restore_hours"] == pytest.approx(restore), incident_id
        if recovery is None:
            assert rows[incident_id]["recovery_time_hours"] is None
        else:
            assert rows[incident_id]["recovery_time_hours"] == pytest.approx(recovery), incident_id
    # open: counted below, never given a duration
    assert rows["I5"]["is_open"] is True
    assert rows["I5"]["time_to_restore_hours"] is None
    assert rows["I5"]["recovery_time_hours"] is None
    # resolved an hour before it was created: NULL (and listed in dq_dora__negative_spans)
    assert rows["IB1"]["time_to_restore_hours"] is None
    assert rows["IB1"]["has_negative_restore_span"] is True


def test_weekly_medians_and_open_incidents(default_build: Build) -> None:
    weeks = {
        row["period_start"]: row
        for row in default_build.rows(
            "select * from marts.agg_recovery_time where service = 'api' and grain = 'week'"
        )
    }
    week2 = weeks[date(2024, 1, 8)]
    # resolved 8..14 Jan: I1, I2, I3, I4
    assert week2["resolved_incident_count"] == 4
    # restore [0.755556, 1, 2, 3] -> (1 + 2) / 2
    assert week2["median_time_to_restore_hours"] == pytest.approx(1.5)
    # recovery [26, 37.755556, 52.5, 95] -> (37.755556 + 52.5) / 2 = 45.127778
    i2_recovery = 24 + 13 + 45 / 60 + 20 / 3600
    assert week2["median_recovery_time_hours"] == pytest.approx((i2_recovery + 52.5) / 2)
    assert week2["open_incident_count"] == 0

    # I5 opened 16 Jan and is still open: counted at the end of weeks 3 and 4, no median
    week3, week4 = weeks[date(2024, 1, 15)], weeks[date(2024, 1, 22)]
    assert (
        week3["opened_incident_count"],
        week3["resolved_incident_count"],
        week3["open_incident_count"],
    ) == (1, 0, 1)
    assert week3["median_time_to_restore_hours"] is None
    assert week4["open_incident_count"] == 1

    # week 1: I0 only (restore 1 h, unattributed so no recovery time)
    week1 = weeks[date(2024, 1, 1)]
    assert week1["median_time_to_restore_hours"] == pytest.approx(1.0)
    assert week1["recovered_failure_count"] == 0
    assert week1["median_recovery_time_hours"] is None
