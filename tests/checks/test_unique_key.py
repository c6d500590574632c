from __future__ import annotations

import polars as pl

from platform_assets.checks.unique_key import evaluate_unique_key


def test_unique_compound_key_passes(connection, write_table):
    frame = pl.DataFrame({"order_id": [1, 1, 2], "line": [1, 2, 1]})
    table = write_table("raw.order_lines", frame)

    outcome = evaluate_unique_key(connection, table, ["order_id", "line"])

    assert outcome.passed
    assert outcome.counts == {
        "rows": 3,
        "duplicate_keys": 0,
        "rows_with_duplicate_keys": 0,
        "null_keys": 0,
    }


def test_duplicates_fail_with_key_and_row_counts_and_examples(connection, write_table):
    frame = pl.DataFrame({"order_id": [1, 1, 1, 2, 2, 3, 4], "line": [1, 1, 1, 5, 5, 1, 1]})
    table = write_table("raw.order_lines", frame)

    outcome = evaluate_unique_key(connection, table, ["order_id", "line"])

    assert not outcome.passed
    assert outcome.counts == {
        "rows": 7,
        "duplicate_keys": 2,
        "rows_with_duplicate_keys": 5,
        "null_keys": 0,
    }
    assert outcome.examples == [
        {"order_id": 1, "line": 1, "rows": 3},
        {"order_id": 2, "line": 5, "rows": 2},
    ]
    assert outcome.description.startswith(
        "2 duplicate (order_id, line) keys over 5 rows; e.g. (1, 1) (3 rows), "
        "(2, 5) (2 rows) (of 7 rows)."
    )


def test_null_keys_fail_unless_allowed(connection, write_table):
    table = write_table("raw.orders", pl.DataFrame({"order_id": [1, None, 3]}))

    strict = evaluate_unique_key(connection, table, ["order_id"])
    lenient = evaluate_unique_key(connection, table, ["order_id"], allow_null_keys=True)

    assert not strict.passed
    assert strict.counts["null_keys"] == 1
    assert strict.description.startswith("1 row with a null in (order_id) (of 3 rows).")
    assert lenient.passed
