from __future__ import annotations

import datetime as dt

import polars as pl

from platform_assets.checks.value_distribution import (
    evaluate_accepted_values,
    evaluate_distinct_count,
    evaluate_value_range,
)

ORDERS = pl.DataFrame(
    {
        "status": ["paid", "paid", "shipped", "lost", "lost", "LOST", None],
        "amount": [10.0, 0.0, 99.5, -5.0, 120.0, -1.0, None],
        "ordered_on": [dt.date(2026, 1, d) for d in range(1, 8)],
    }
)


def test_accepted_values_pass(connection, write_table):
    table = write_table("raw.orders", ORDERS.filter(pl.col("status").ne_missing("lost")))

    outcome = evaluate_accepted_values(connection, table, "status", ["paid", "shipped", "LOST"])

    assert outcome.passed
    assert outcome.counts == {"rows": 5, "unexpected_rows": 0, "unexpected_values": 0}


def test_unexpected_values_fail_with_counts_and_examples(connection, write_table):
    table = write_table("raw.orders", ORDERS)

    outcome = evaluate_accepted_values(connection, table, "status", ["paid", "shipped"])

    assert not outcome.passed
    assert outcome.counts == {"rows": 7, "unexpected_rows": 3, "unexpected_values": 2}
    assert outcome.examples == [{"status": "lost", "rows": 2}, {"status": "LOST", "rows": 1}]
    assert outcome.description.startswith(
        "3 of 7 rows hold 2 status values outside the accepted 2; e.g. 'lost' (2 rows), "
        "'LOST' (1 row)."
    )


def test_a_null_among_the_accepted_values_accepts_no_other_value(connection, write_table):
    table = write_table("raw.orders", ORDERS)

    outcome = evaluate_accepted_values(connection, table, "status", ["paid", "shipped", None])

    assert not outcome.passed
    assert outcome.counts == {"rows": 7, "unexpected_rows": 3, "unexpected_values": 2}


def test_values_in_range_pass(connection, write_table):
    table = write_table("raw.orders", ORDERS)

    outcome = evaluate_value_range(connection, table, "amount", min_value=-5, max_value=120)

    assert outcome.passed
    assert outcome.counts == {
        "rows": 7,
        "out_of_range_rows": 0,
        "observed_min": -5.0,
        "observed_max": 120.0,
    }


def test_values_out_of_range_fail_with_counts_and_examples(connection, write_table):
    table = write_table("raw.orders", ORDERS)

    outcome = evaluate_value_range(connection, table, "amount", min_value=0, max_value=100)

    assert not outcome.passed
    assert outcome.counts["out_of_range_rows"] == 3
    assert {example["amount"] for example in outcome.examples} == {-5.0, -1.0, 120.0}
    assert outcome.description.startswith(
        "3 of 7 amount values outside [0, 100] (observed -5.0 to 120.0)"
    )


def test_a_one_sided_date_range(connection, write_table):
    table = write_table("raw.orders", ORDERS)

    outcome = evaluate_value_range(connection, table, "ordered_on", min_value=dt.date(2026, 1, 3))

    assert outcome.counts["out_of_range_rows"] == 2
    assert "observed_min" not in outcome.counts
    assert outcome.examples[0]["ordered_on"] == dt.date(2026, 1, 1)


def test_distinct_count_within_bounds_passes(connection, write_table):
    table = write_table("raw.orders", ORDERS)

    outcome = evaluate_distinct_count(connection, table, "status", min_distinct=2, max_distinct=4)

    assert outcome.passed
    assert outcome.counts == {"rows": 7, "distinct_values": 4}


def test_too_few_distinct_values_fail(connection, write_table):
    table = write_table("raw.orders", ORDERS)

    outcome = evaluate_distinct_count(connection, table, "status", min_distinct=5)

    assert not outcome.passed
    assert outcome.description.startswith("status has 4 distinct values, fewer than the 5")


def test_too_many_distinct_values_fail(connection, write_table):
    table = write_table("raw.orders", ORDERS)

    outcome = evaluate_distinct_count(connection, table, "status", max_distinct=3)

    assert not outcome.passed
    assert outcome.counts["distinct_values"] == 4
    assert outcome.description.startswith("status has 4 distinct values, more than the 3")
