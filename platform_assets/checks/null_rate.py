"""Null rate per column against a threshold: required fields stay filled."""

from __future__ import annotations

from collections.abc import Mapping

import dagster as dg
import duckdb

from platform_assets.checks.outcome import CheckOutcome, count_of, rate
from platform_assets.checks.target import AssetLike, CheckTarget
from platform_assets.checks.warehouse_check import build_warehouse_check
from platform_assets.integrations.duckdb.warehouse import quote_identifier
from platform_assets.stages.contract_metadata import asserts_not_null


def evaluate_null_rates(
    connection: duckdb.DuckDBPyConnection, table: str, max_null_rate: Mapping[str, float]
) -> CheckOutcome:
    """One pass over the table for every column; a column fails when its share of nulls
    exceeds its threshold (0 means no nulls at all)."""
    columns = list(max_null_rate)
    null_counts = ", ".join(f"count(*) - count({quote_identifier(column)})" for column in columns)
    row = connection.sql(f"select count(*), {null_counts} from {table}").fetchall()[0]
    rows = int(row[0])
    counts: dict[str, int | float] = {"rows": rows}
    failing = []
    for column, nulls in zip(columns, row[1:], strict=True):
        null_rate = rate(int(nulls), rows)
        counts[f"nulls.{column}"] = int(nulls)
        counts[f"null_rate.{column}"] = round(null_rate, 6)
        if null_rate > max_null_rate[column]:
            failing.append(
                f"{column} {count_of(int(nulls), 'null')} "
                f"({null_rate:.2%}, max {max_null_rate[column]:.2%})"
            )
    if failing:
        return CheckOutcome(
            False,
            f"{len(failing)} of {len(columns)} columns over their null-rate threshold in "
            f"{rows:,} rows: {'; '.join(failing)}. Find where the upstream source or a left "
            "join leaves these fields empty.",
            counts,
        )
    return CheckOutcome(
        True,
        f"All {len(columns)} columns within their null-rate thresholds ({rows:,} rows).",
        counts,
    )


def null_rate_check(
    asset: AssetLike,
    *,
    max_null_rate: Mapping[str, float],
    asset_key: dg.AssetKey | None = None,
    name: str = "null_rate",
) -> dg.AssetChecksDefinition:
    """Fails when a column's share of nulls exceeds its threshold, e.g.
    ``{"customer_id": 0.0, "email": 0.05}``; a threshold of 0 asserts the column not null."""
    if not max_null_rate:
        raise ValueError("max_null_rate needs at least one column")
    for column, threshold in max_null_rate.items():
        if not 0 <= threshold <= 1:
            raise ValueError(f"null-rate threshold for {column} must be in [0, 1], got {threshold}")
    target = CheckTarget.of(asset, asset_key)
    thresholds = dict(max_null_rate)
    return build_warehouse_check(
        target,
        name=name,
        description="Null rate per column at most: "
        + ", ".join(f"{column} {threshold:.2%}" for column, threshold in thresholds.items()),
        evaluate=lambda connection, _instance: evaluate_null_rates(
            connection, target.table, thresholds
        ),
        asserts=[asserts_not_null(column) for column, limit in thresholds.items() if limit == 0],
    )
