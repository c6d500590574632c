from __future__ import annotations

import pytest

from platform_assets.checks.metric_anomaly import evaluate_zscore

HISTORY = [100.0, 104.0, 96.0, 102.0, 98.0]  # mean 100, sample stdev ~3.16


def test_a_usual_value_passes():
    outcome = evaluate_zscore("dagster/row_count", 103.0, HISTORY, max_abs_z=3, min_history=5)

    assert outcome.passed
    assert outcome.counts["z_score"] == pytest.approx(0.9487, abs=1e-4)
    assert outcome.counts["history_points"] == 5


def test_an_outlier_fails_with_its_z_score():
    outcome = evaluate_zscore("revenue", 80.0, HISTORY, max_abs_z=3, min_history=5)

    assert not outcome.passed
    assert outcome.counts["z_score"] == pytest.approx(-6.3246, abs=1e-4)
    assert outcome.counts["history_mean"] == 100.0
    assert outcome.description.startswith(
        "revenue = 80 against a mean of 100 (stdev 3.162) over the previous 5 "
        "materializations: z = -6.32, below the usual range (|z| <= 3)."
    )


def test_a_short_history_passes_until_there_is_enough():
    outcome = evaluate_zscore("revenue", 1e9, HISTORY[:3], max_abs_z=3, min_history=5)

    assert outcome.passed
    assert "3 of the 5 earlier values needed" in outcome.description


def test_any_change_from_a_constant_history_fails():
    outcome = evaluate_zscore("revenue", 101.0, [100.0] * 5, max_abs_z=3, min_history=5)

    assert not outcome.passed
    assert "z_score" not in outcome.counts
    assert "z = +inf" in outcome.description


def test_a_missing_current_value_fails_with_how_to_record_it():
    outcome = evaluate_zscore("revenue", None, HISTORY, max_abs_z=3, min_history=5)

    assert not outcome.passed
    assert "records no numeric `revenue`" in outcome.description
