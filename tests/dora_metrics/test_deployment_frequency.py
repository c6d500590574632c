"""Deployment frequency, deployment days and deployment success rate on the scenario
(timeline in scenario.py). Successful production deployments of api, by UTC day:
D1 Wed 03, D2 Fri 05, D3 Sun 07 23:30, D4 Mon 08 03:00, D5 Tue 09, D6 Wed 10,
R7 Thu 11, D8 Mon 15, D9 Tue 16 12:00, D10 Tue 16 15:00 -> 10 deployments on 9 days."""

from __future__ import annotations

from datetime import date

import pytest

from tests.dora_metrics.scenario import Build

FREQUENCY = """
    select period_start, deployment_count, deployment_days, week_starts_on
    from marts.fct_deployment_frequency
    where service = ? and grain = ?
    order by period_start
"""


def frequency(build: Build, service: str, grain: str) -> dict[date, tuple[int, int]]:
    return {
        row["period_start"]: (row["deployment_count"], row["deployment_days"])
        for row in build.rows(FREQUENCY, service, grain)
    }


def test_iso_weeks_are_zero_filled_and_count_each_deployment_once(default_build: Build) -> None:
    assert frequency(default_build, "api", "week") == {
        # Mon 01..Sun 07: D1, D2 (two repositories, one deployment), D3 (Sun 23:30);
        # DF (FAILURE), D0 (STAGING) and DA (ABORTED) never count -> 3 on 3 days
        date(2024, 1, 1): (3, 3),
        # Mon 08..Sun 14: D4, D5, D6, R7 -> 4 on 4 days
        date(2024, 1, 8): (4, 4),
        # Mon 15..Sun 21: D8 (15th), D9 and D10 (both 16th) -> 3 on 2 days
        date(2024, 1, 15): (3, 2),
        # Mon 22..Sun 28 (as-of): nothing deployed -> a 0 row, not a missing one
        date(2024, 1, 22): (0, 0),
    }


def test_days_and_months(default_build: Build) -> None:
    days = frequency(default_build, "api", "day")
    # the day calendar runs from api's first production attempt (D1, 3 Jan) to the as-of
    # date (28 Jan): 28 - 3 + 1 = 26 days
    assert len(days) == 26
    assert min(days) == date(2024, 1, 3)
    assert max(days) == date(2024, 1, 28)
    assert days[date(2024, 1, 4)] == (0, 0)  # only DF, which failed
    assert days[date(2024, 1, 16)] == (2, 1)  # D9 and D10
    assert sum(count for count, _ in days.values()) == 10
    # January: 10 deployments on 9 distinct days (16 Jan has two)
    assert frequency(default_build, "api", "month") == {date(2024, 1, 1): (10, 9)}


def test_four_keys_weeks_start_on_sunday(four_keys_build: Build) -> None:
    weeks = frequency(four_keys_build, "api", "week")
    assert weeks == {
        date(2023, 12, 31): (2, 2),  # Sun 31 Dec..Sat 6 Jan: D1, D2
        date(2024, 1, 7): (5, 5),  # Sun 7..Sat 13: D3 (Sunday), D4, D5, D6, R7
        date(2024, 1, 14): (3, 2),  # Sun 14..Sat 20: D8, D9, D10
        date(2024, 1, 21): (0, 0),
        date(2024, 1, 28): (0, 0),  # the as-of Sunday opens a new week
    }
    starts = {row["week_starts_on"] for row in four_keys_build.rows(FREQUENCY, "api", "week")}
    assert starts == {"sunday"}


def test_time_zone_moves_a_monday_night_utc_deployment_to_sunday(new_york_build: Build) -> None:
    # D4 finished Mon 8 Jan 03:00 UTC = Sun 7 Jan 22:00 in New York (UTC-5)
    days = frequency(new_york_build, "api", "day")
    assert days[date(2024, 1, 7)] == (2, 1)  # D3 (18:30 local) and D4 (22:00 local)
    assert days[date(2024, 1, 8)] == (0, 0)
    assert frequency(new_york_build, "api", "week") == {
        date(2024, 1, 1): (4, 3),  # D1, D2, D3, D4 on the 3rd, 5th and 7th
        date(2024, 1, 8): (3, 3),  # D5, D6, R7
        date(2024, 1, 15): (3, 2),  # D8, D9, D10 (10:00 local, still the 16th)
        date(2024, 1, 22): (0, 0),
    }


def test_services_are_separate(default_build: Build) -> None:
    # web: W1 Thu 4 Jan, W2 Fri 12 Jan; billing never deployed, so it has no calendar here
    assert frequency(default_build, "web", "week") == {
        date(2024, 1, 1): (1, 1),
        date(2024, 1, 8): (1, 1),
        date(2024, 1, 15): (0, 0),
        date(2024, 1, 22): (0, 0),
    }
    assert frequency(default_build, "billing", "week") == {}


def test_deployment_success_rate_reports_failed_attempts(default_build: Build) -> None:
    rows = {
        row["period_start"]: row
        for row in default_build.rows(
            "select * from marts.fct_deployment_success_rate "
            "where service = 'api' and grain = 'week' order by period_start"
        )
    }
    # week 1: D1, DF (FAILURE), D2, D3 -> 3 of 4 succeeded
    first = rows[date(2024, 1, 1)]
    assert (first["attempted_deployment_count"], first["failed_deployment_count"]) == (4, 1)
    assert first["deployment_success_rate"] == pytest.approx(3 / 4)
    # week 2: D4, DA (ABORTED, an "other" outcome), D5, D6, R7 -> 4 of 5
    second = rows[date(2024, 1, 8)]
    assert (second["attempted_deployment_count"], second["other_outcome_count"]) == (5, 1)
    assert second["deployment_success_rate"] == pytest.approx(4 / 5)
    assert rows[date(2024, 1, 15)]["deployment_success_rate"] == pytest.approx(3 / 3)
    # no attempt at all: NULL, not 0
    assert rows[date(2024, 1, 22)]["attempted_deployment_count"] == 0
    assert rows[date(2024, 1, 22)]["deployment_success_rate"] is None
