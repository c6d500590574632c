"""Performance levels from the versioned bands seed, and the peers' frequency buckets.
Level window: 1..28 January 2024 (dora_window_days = 28, dora_as_of = 28 Jan)."""

from __future__ import annotations

import pytest

from tests.dora_metrics.scenario import Build


def levels(
    build: Build, service: str, metric: str
) -> dict[int, tuple[float | None, str | None, str | None]]:
    return {
        row["report_year"]: (row["value"], row["level"], row["level_basis"])
        for row in build.rows(
            "select * from marts.agg_dora_performance_levels where service = ? and metric = ?",
            service,
            metric,
        )
    }


def test_seed_holds_the_published_bands(default_build: Build) -> None:
    years = default_build.rows(
        "select report_year, count(*) as bands "
        "from reference.dora_performance_bands group by 1 order by 1"
    )
    # 4 metrics x 4 levels, except 2022 (no elite cluster: 4 x 3)
    assert years == [
        {"report_year": 2019, "bands": 16},
        {"report_year": 2021, "bands": 16},
        {"report_year": 2022, "bands": 12},
        {"report_year": 2023, "bands": 16},
        {"report_year": 2024, "bands": 16},
    ]
    # 2024 change failure rate as published: elite 5 %, high 20 %, medium 10 %, low 40 %
    cfr_2024 = default_build.rows(
        "select level, lower, upper from reference.dora_performance_bands "
        "where report_year = 2024 and metric = 'change_failure_rate' order by level"
    )
    assert cfr_2024 == [
        {"level": "elite", "lower": 0.05, "upper": 0.05},
        {"level": "high", "lower": 0.20, "upper": 0.20},
        {"level": "low", "lower": 0.40, "upper": 0.40},
        {"level": "medium", "lower": 0.10, "upper": 0.10},
    ]
    # 2022 as published (three clusters): lead time high 1 day-1 week, medium 1 week-1
    # month, low 1-6 months; time to restore high < 1 day, medium 1 day-1 week, low 1 week-1
    # month (hours; a month is 730)
    bands_2022 = default_build.rows(
        "select metric, level, lower, upper from reference.dora_performance_bands "
        "where report_year = 2022 "
        "and metric in ('lead_time_for_changes', 'time_to_restore_service') "
        "order by metric, lower"
    )
    assert [(b["metric"][:4], b["level"], b["lower"], b["upper"]) for b in bands_2022] == [
        ("lead", "high", 24, 168),
        ("lead", "medium", 168, 730),
        ("lead", "low", 730, 4380),
        ("time", "high", 0, 24),
        ("time", "medium", 24, 168),
        ("time", "low", 168, 730),
    ]


def test_deployment_frequency_levels_and_gaps(default_build: Build) -> None:
    # api: 10 deployments in 28 days -> 28 x 24 / 10 = 67.2 hours between deployments
    assert levels(default_build, "api", "deployment_frequency") == {
        2019: (pytest.approx(67.2), "high", "in_band"),  # daily..weekly = 24..168
        # 2021 has nothing between "on demand" (< 24) and weekly..monthly (168..730):
        # in the gap, the band on the worse side (high, from 168) applies
        2021: (pytest.approx(67.2), "high", "nearest_worse_band"),
        # 2022: high < 24, medium 168..730: the gap resolves to medium
        2022: (pytest.approx(67.2), "medium", "nearest_worse_band"),
        2023: (pytest.approx(67.2), "high", "in_band"),
        2024: (pytest.approx(67.2), "high", "in_band"),
    }
    freq = default_build.one(
        "select deployments_per_week, peer_frequency_bucket "
        "from marts.agg_deployment_frequency_level "
        "where service = 'api' and report_year = 2024"
    )
    # 10 x 7 / 28 = 2.5 per week; no peer bucket in the default mode
    assert freq == {"deployments_per_week": pytest.approx(2.5), "peer_frequency_bucket": None}


def test_lead_time_and_restore_levels(default_build: Build) -> None:
    # median lead time of api in January: 3.5 h (test_lead_time)
    assert levels(default_build, "api", "lead_time_for_changes") == {
        2019: (pytest.approx(3.5), "elite", "in_band"),  # < 1 day
        2021: (
            pytest.approx(3.5),
            "high",
            "nearest_worse_band",
        ),  # gap between < 1 h and 1 day..1 week
        2022: (pytest.approx(3.5), "high", "nearest_worse_band"),  # better than every 2022 band
        2023: (pytest.approx(3.5), "elite", "in_band"),
        2024: (pytest.approx(3.5), "elite", "in_band"),
    }
    # time to restore (rated up to 2022): I0 1, I1 2, I2 0.755556, I3 1, I4 3 -> median 1 h,
    # not < 1 h, so not elite; high and medium are both "< 1 day" in 2019: the better wins
    assert levels(default_build, "api", "time_to_restore_service") == {
        2019: (pytest.approx(1.0), "high", "in_band"),
        2021: (pytest.approx(1.0), "high", "in_band"),
        2022: (pytest.approx(1.0), "high", "in_band"),
    }
    # recovery (rated from 2023): median of [26, 37.755556, 52.5, 95] = 45.127778 h
    recovery = levels(default_build, "api", "failed_deployment_recovery_time")
    assert recovery[2023][1:] == ("medium", "in_band")  # 1 day..1 week
    # 2024: high and medium < 1 day, low 1 week..1 month: the gap resolves to low
    assert recovery[2024][1:] == ("low", "nearest_worse_band")


def test_change_failure_rate_levels(default_build: Build, four_keys_build: Build) -> None:
    # api default: 5 / 10 = 0.5
    assert levels(default_build, "api", "change_failure_rate") == {
        2019: (0.5, "low", "in_band"),  # 46..60 %
        2021: (0.5, "low", "beyond_worst_band"),  # worse than 16..30 %: its worst level
        2022: (0.5, "low", "in_band"),
        2023: (0.5, "low", "nearest_worse_band"),  # between the 15 % and 64 % points
        2024: (0.5, "low", "beyond_worst_band"),  # above the 40 % point
    }
    # Four Keys attributes by root cause only: 1 / 10 = 0.1, the 2023 "high" point but the
    # 2024 "medium" one (2024 is not monotone: high 20 %, medium 10 %)
    four_keys = levels(four_keys_build, "api", "change_failure_rate")
    assert four_keys[2021] == (pytest.approx(0.1), "elite", "in_band")
    assert four_keys[2023] == (pytest.approx(0.1), "high", "in_band")
    assert four_keys[2024] == (pytest.approx(0.1), "medium", "in_band")
    # web never failed: 0, better than the 2024 elite point
    assert levels(default_build, "web", "change_failure_rate")[2024] == (
        0.0,
        "elite",
        "nearest_worse_band",
    )


def test_missing_data_has_no_level(default_build: Build) -> None:
    billing = default_build.rows(
        "select metric, report_year, value, sample_size, level "
        "from marts.agg_dora_performance_levels "
        "where service = 'billing' and metric in ('deployment_frequency', 'change_failure_rate') "
        "and report_year = 2024 order by metric"
    )
    assert billing == [
        {
            "metric": "change_failure_rate",
            "report_year": 2024,
            "value": None,
            "sample_size": 0,
            "level": None,
        },
        {
            "metric": "deployment_frequency",
            "report_year": 2024,
            "value": None,
            "sample_size": 0,
            "level": None,
        },
    ]
