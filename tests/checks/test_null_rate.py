from __future__ import annotations

import polars as pl

from platform_assets.checks.null_rate import evaluate_null_rates

CUSTOMERS = pl.DataFrame(
    {
        "customer_id": [1, 2, 3, 4],
        "email": ["a@x.io", None, None, "d@x.io"],
        "phone": [None, None, None, "+31 20 123"],
    }
)


def test_null_rates_within_thresholds_pass(connection, write_table):
    table = write_table("raw.customers", CUSTOMERS)

    outcome = evaluate_null_rates(
        connection, table, {"customer_id": 0.0, "email": 0.5, "phone": 0.75}
    )

    assert outcome.passed
    assert outcome.counts["nulls.email"] == 2
    assert outcome.counts["null_rate.phone"] == 0.75


def test_columns_over_threshold_fail_with_their_null_counts(connection, write_table):
    table = write_table("raw.customers", CUSTOMERS)

    outcome = evaluate_null_rates(
        connection, table, {"customer_id": 0.0, "email": 0.25, "phone": 0.5}
    )

    assert not outcome.passed
    assert outcome.counts == {
        "rows": 4,
        "nulls.customer_id": 0,
        "null_rate.customer_id": 0.0,
        "nulls.email": 2,
        "null_rate.email": 0.5,
        "nulls.phone": 3,
        "null_rate.phone": 0.75,
    }
    assert outcome.description.startswith(
        "2 of 3 columns over their null-rate threshold in 4 rows: "
        "email 2 nulls (50.00%, max 25.00%); phone 3 nulls (75.00%, max 50.00%)"
    )
