from __future__ import annotations

import polars as pl

from platform_assets.checks.referential_integrity import evaluate_referential_integrity

CUSTOMERS = pl.DataFrame({"id": [1, 2, 3]})


def test_resolving_references_pass_and_null_references_are_not_orphans(connection, write_table):
    customers = write_table("raw.customers", CUSTOMERS)
    orders = write_table("raw.orders", pl.DataFrame({"customer_id": [1, 1, 3, None]}))

    outcome = evaluate_referential_integrity(connection, orders, ["customer_id"], customers, ["id"])

    assert outcome.passed
    assert outcome.counts == {"rows": 4, "orphan_rows": 0, "orphan_keys": 0}


def test_orphans_fail_with_row_and_key_counts_and_examples(connection, write_table):
    customers = write_table("raw.customers", CUSTOMERS)
    orders = write_table("raw.orders", pl.DataFrame({"customer_id": [1, 7, 7, 7, 9, 2]}))

    outcome = evaluate_referential_integrity(connection, orders, ["customer_id"], customers, ["id"])

    assert not outcome.passed
    assert outcome.counts == {"rows": 6, "orphan_rows": 4, "orphan_keys": 2}
    assert outcome.examples == [{"customer_id": 7, "rows": 3}, {"customer_id": 9, "rows": 1}]
    assert outcome.description.startswith(
        '4 of 6 rows reference 2 keys missing from "raw"."customers": (customer_id) -> '
        '"raw"."customers" (id); e.g. 7 (3 rows), 9 (1 row).'
    )


def test_compound_references_match_on_every_column(connection, write_table):
    lines = write_table("raw.lines", pl.DataFrame({"order_id": [1, 1], "line": [1, 2]}))
    returns = write_table(
        "raw.returns", pl.DataFrame({"order_id": [1, 1, 2], "line_no": [1, 3, 1]})
    )

    outcome = evaluate_referential_integrity(
        connection, returns, ["order_id", "line_no"], lines, ["order_id", "line"]
    )

    assert outcome.counts == {"rows": 3, "orphan_rows": 2, "orphan_keys": 2}
    assert outcome.examples == [
        {"order_id": 1, "line_no": 3, "rows": 1},
        {"order_id": 2, "line_no": 1, "rows": 1},
    ]
