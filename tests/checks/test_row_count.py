from __future__ import annotations

import polars as pl

from platform_assets.checks.row_count import evaluate_row_count_bounds
from platform_assets.checks.volume_change import evaluate_volume_change


def test_row_count_within_bounds_passes(connection, write_table):
    table = write_table("raw.orders", pl.DataFrame({"id": range(5)}))

    outcome = evaluate_row_count_bounds(connection, table, min_rows=5, max_rows=5)

    assert outcome.passed
    assert outcome.counts == {"rows": 5, "min_rows": 5, "max_rows": 5}


def test_too_few_rows_fail_with_the_shortfall(connection, write_table):
    table = write_table("raw.orders", pl.DataFrame({"id": range(3)}))

    outcome = evaluate_row_count_bounds(connection, table, min_rows=10, max_rows=None)

    assert not outcome.passed
    assert outcome.counts["rows"] == 3
    assert outcome.description.startswith("3 rows, 7 fewer than the minimum 10")


def test_too_many_rows_fail_with_the_excess(connection, write_table):
    table = write_table("raw.orders", pl.DataFrame({"id": range(12)}))

    outcome = evaluate_row_count_bounds(connection, table, min_rows=1, max_rows=10)

    assert not outcome.passed
    assert outcome.description.startswith("12 rows, 2 more than the maximum 10")


def test_volume_within_bounds_passes():
    outcome = evaluate_volume_change(105, 100, max_loss=0.1, max_growth=0.1)

    assert outcome.passed
    assert outcome.counts == {"rows": 105, "previous_rows": 100, "change_ratio": 0.05}


def test_volume_loss_beyond_threshold_fails_with_rows_lost():
    outcome = evaluate_volume_change(80, 100, max_loss=0.1, max_growth=0.5)

    assert not outcome.passed
    assert outcome.counts["change_ratio"] == -0.2
    assert "fell from 100 to 80 rows (-20.0%)" in outcome.description
    assert "20 rows lost" in outcome.description


def test_volume_doubling_fails_as_duplication():
    outcome = evaluate_volume_change(200, 100, max_loss=0.1, max_growth=0.5)

    assert not outcome.passed
    assert outcome.counts["change_ratio"] == 1.0
    assert "100 extra rows" in outcome.description
    assert "loaded twice" in outcome.description


def test_volume_without_history_passes_and_says_so():
    outcome = evaluate_volume_change(50, None, max_loss=0.1, max_growth=0.5)

    assert outcome.passed
    assert "no earlier non-empty materialization" in outcome.description
