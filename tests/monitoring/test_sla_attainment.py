"""Attainment figures against histories computed by hand: first as plain records, then
as real runs on an instance (timestamps set by freezing Dagster's clock)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from platform_assets.monitoring import AssetHistory, attainment_for, summarize
from platform_assets.monitoring.history import (
    AlertRecord,
    CheckOutcome,
    FailedAttempt,
    FreshnessChange,
    Materialization,
)
from platform_assets.monitoring.incidents import TransitionKind
from platform_assets.monitoring.sla_attainment import (
    check_pass_rate,
    fresh_share,
    resolution_times,
    success_rate,
)
from platform_assets.stages import DeliveryStage, Sla
from tests.monitoring.scenarios import HOUR, run_attainment_scenario
from tests.monitoring.staged_assets import materialize, rows_asset

KEY = "marts/orders"


def test_fresh_share_is_the_time_covered_by_fresh_windows():
    # Window [0, 100), data fresh for 10 after each materialization:
    # -5 covers [0, 5); 20 and 25 overlap into [20, 35); 90 covers [90, 100).
    assert fresh_share([-5, 20, 25, 90], 10, 0, 100) == pytest.approx(30 / 100)
    assert fresh_share([], 10, 0, 100) == 0.0
    assert fresh_share([-100], 10, 0, 100) == 0.0


def test_rates_count_what_happened_in_the_window():
    results = [True, True, False, True]
    outcomes = [CheckOutcome(KEY, "pk", passed, t) for t, passed in enumerate(results)]
    assert check_pass_rate(outcomes) == 0.75
    assert check_pass_rate([]) is None
    assert success_rate(9, 1) == 0.9
    assert success_rate(0, 0) is None


def test_resolution_time_runs_from_first_failure_to_clearing():
    history = AssetHistory(
        KEY,
        0,
        1000,
        materializations=(Materialization(KEY, 230), Materialization(KEY, 240)),
        failed_attempts=(FailedAttempt(KEY, 200, "run-1"),),
        check_outcomes=(
            CheckOutcome(KEY, "pk", False, 10),
            CheckOutcome(KEY, "pk", False, 20),
            CheckOutcome(KEY, "pk", True, 50),
        ),
        freshness_changes=(
            FreshnessChange(KEY, "WARN", 100),
            FreshnessChange(KEY, "FAIL", 130),
            FreshnessChange(KEY, "PASS", 160),
            FreshnessChange(KEY, "UNKNOWN", 170),
        ),
    )
    # check: 10 -> 50; freshness: 100 -> 160; run failure: 200 -> 230.
    assert sorted(resolution_times(history)) == [30, 40, 60]


def test_summary_against_the_sla_targets():
    sla = Sla(
        freshness_hours=1,
        success_rate=0.9,
        check_pass_rate=0.9,
        freshness_attainment=0.9,
        window_days=1,
    )
    day = 24 * HOUR
    history = AssetHistory(
        KEY,
        0,
        day,
        # Hourly materializations, one run failure at 05:30 cleared at 06:00.
        materializations=tuple(Materialization(KEY, h * HOUR) for h in range(1, 24)),
        materialized_before_window=-0.5 * HOUR,
        failed_attempts=(FailedAttempt(KEY, 5.5 * HOUR, "run-5"),),
        check_outcomes=tuple(CheckOutcome(KEY, "pk", True, h * HOUR) for h in range(1, 24)),
        alerts=(
            AlertRecord(KEY, "a", TransitionKind.OPENED, "run_failure", 30, 5.5 * HOUR + 30),
            AlertRecord(KEY, "a", TransitionKind.RESOLVED, "run_failure", 90, 6 * HOUR + 90),
        ),
    )
    figures = summarize(history, sla)
    # Fresh from -0.5 h to 0.5 h, then from 1 h to 24 h: 23.5 of 24 hours.
    assert figures.freshness_attainment == pytest.approx(23.5 / 24)
    assert figures.success_rate == pytest.approx(23 / 24)
    assert figures.check_pass_rate == 1.0
    assert figures.mean_time_to_detect_seconds == 30, "resolution notices do not count"
    assert figures.mean_time_to_resolve_seconds == pytest.approx(0.5 * HOUR)
    assert figures.evidence and figures.met and figures.shortfalls == ()

    stricter = summarize(history, Sla(freshness_hours=1, success_rate=0.99, window_days=1))
    assert not stricter.met
    assert stricter.shortfalls == (
        "freshness attainment 97.92% is below the 99.00% target",
        "success rate 95.83% is below the 99.00% target",
    )


def test_no_history_before_the_window_is_no_evidence():
    history = AssetHistory(KEY, 0, HOUR, materializations=(Materialization(KEY, 0),))
    figures = summarize(history, Sla(freshness_hours=1, window_days=1))
    assert figures.freshness_attainment == 1.0
    assert not figures.evidence and not figures.met
    assert figures.shortfalls[0].startswith("not enough history")


def test_attainment_from_a_real_instance(instance, resources, alert_logs, make_source):
    sla = Sla(
        freshness_hours=1,
        success_rate=0.9,
        check_pass_rate=0.9,
        freshness_attainment=0.9,
        window_days=1,
    )
    asset, window_end = run_attainment_scenario(instance, resources, alert_logs.routes, make_source)
    figures = attainment_for(instance, asset.key, sla, window_end, check_keys=asset.check_keys)
    # Fresh for an hour after 01:00, 06:00 and 07:00: 3 of 24 hours.
    assert figures.freshness_attainment == pytest.approx(3 / 24)
    # Key check and column stability at 01:00, 06:00, 07:00; the key check failed once.
    assert figures.check_evaluations == 6
    assert figures.check_pass_rate == pytest.approx(5 / 6)
    # Three materializations, one run that failed before materializing.
    assert (figures.materializations, figures.failed_attempts) == (3, 1)
    assert figures.success_rate == pytest.approx(3 / 4)
    # Opened alerts were detected 30 s (run failure) and 45 s (key check) after the event.
    assert figures.mean_time_to_detect_seconds == pytest.approx(37.5)
    # Run failure 05:00 -> 06:00, key check 06:00 -> 07:00.
    assert figures.incidents_resolved == 2
    assert figures.mean_time_to_resolve_seconds == pytest.approx(HOUR)
    assert figures.evidence
    assert not figures.met
    assert len(figures.shortfalls) == 3


def test_a_young_asset_has_no_evidence_yet(instance, resources, make_source):
    asset = rows_asset("orders", DeliveryStage.GA, make_source("orders"))
    assert materialize(instance, [asset], resources).success
    figures = attainment_for(
        instance, asset.key, Sla(window_days=7), datetime.now(UTC), check_keys=asset.check_keys
    )
    assert figures.materializations == 1 and figures.check_pass_rate == 1.0
    assert not figures.evidence and not figures.met
