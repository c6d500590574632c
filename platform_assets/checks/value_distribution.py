"""Value ranges and cardinality: accepted values, min/max bounds, distinct-count bounds.

These catch distribution drift that types cannot: a status code nobody handles, a
negative amount, a country column that suddenly holds one value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dagster as dg

from platform_assets.checks.outcome import EXAMPLE_LIMIT, CheckOutcome, render_examples
from platform_assets.checks.target import AssetLike, CheckTarget, check_name
from platform_assets.checks.warehouse_check import build_warehouse_check
from platform_assets.warehouse import WarehouseSession, quote_identifier


def _grouped_examples(
    session: WarehouseSession,
    table: str,
    column: str,
    where: str,
    parameters: list[Any],
) -> list[dict[str, Any]]:
    value = quote_identifier(column)
    return [
        {column: example, "rows": int(n)}
        for example, n in session.execute(
            f"select {value}, count(*) as n from {table} where {where} "
            f"group by 1 order by n desc, 1 limit {EXAMPLE_LIMIT}",
            parameters,
        ).fetchall()
    ]


def evaluate_accepted_values(
    session: WarehouseSession, table: str, column: str, values: Sequence[Any]
) -> CheckOutcome:
    """Nulls are not judged here; the null-rate check owns them."""
    value = quote_identifier(column)
    unexpected = f"{value} is not null and {value} not in (select unnest(?))"
    # A null in the list would make NOT IN unknown for every value, accepting them all.
    accepted = [v for v in values if v is not None]
    rows, bad_rows, bad_values = session.execute(
        f"select count(*), count(*) filter (where {unexpected}), "
        f"count(distinct {value}) filter (where {unexpected}) from {table}",
        [accepted, accepted],
    ).fetchall()[0]
    counts = {
        "rows": int(rows),
        "unexpected_rows": int(bad_rows),
        "unexpected_values": int(bad_values),
    }
    if not bad_rows:
        return CheckOutcome(True, f"Every non-null {column} is an accepted value.", counts)
    examples = _grouped_examples(session, table, column, unexpected, [accepted])
    return CheckOutcome(
        False,
        f"{int(bad_rows):,} of {int(rows):,} rows hold {int(bad_values):,} {column} values "
        f"outside the accepted {len(accepted)}; e.g. {render_examples(examples)}. Map them "
        "upstream, or accept them here if they are new legitimate values.",
        counts,
        examples,
    )


def evaluate_value_range(
    session: WarehouseSession,
    table: str,
    column: str,
    *,
    min_value: Any = None,
    max_value: Any = None,
) -> CheckOutcome:
    """Bounds are inclusive; either may be None. Nulls are not judged."""
    value = quote_identifier(column)
    conditions = []
    parameters: list[Any] = []
    if min_value is not None:
        conditions.append(f"{value} < ?")
        parameters.append(min_value)
    if max_value is not None:
        conditions.append(f"{value} > ?")
        parameters.append(max_value)
    outside = " or ".join(conditions)
    rows, bad_rows, observed_min, observed_max = session.execute(
        f"select count(*), count(*) filter (where {outside}), min({value}), max({value}) "
        f"from {table}",
        parameters,
    ).fetchall()[0]
    counts: dict[str, int | float] = {"rows": int(rows), "out_of_range_rows": int(bad_rows)}
    for label, observed in (("observed_min", observed_min), ("observed_max", observed_max)):
        if isinstance(observed, int | float) and not isinstance(observed, bool):
            counts[label] = observed
    bounds = _bounds(min_value, max_value)
    if not bad_rows:
        return CheckOutcome(
            True,
            f"Every {column} within {bounds} (observed {observed_min} to {observed_max}).",
            counts,
        )
    examples = _grouped_examples(session, table, column, outside, parameters)
    return CheckOutcome(
        False,
        f"{int(bad_rows):,} of {int(rows):,} {column} values outside {bounds} (observed "
        f"{observed_min} to {observed_max}); e.g. {render_examples(examples)}. Check units "
        "and sign conventions at the source.",
        counts,
        examples,
    )


def _bounds(low: Any, high: Any) -> str:
    return f"[{'-∞' if low is None else low}, {'∞' if high is None else high}]"


def evaluate_distinct_count(
    session: WarehouseSession,
    table: str,
    column: str,
    *,
    min_distinct: int | None = None,
    max_distinct: int | None = None,
) -> CheckOutcome:
    """Counts distinct non-null values."""
    distinct, rows = session.execute(
        f"select count(distinct {quote_identifier(column)}), count(*) from {table}"
    ).fetchall()[0]
    distinct = int(distinct)
    counts = {"rows": int(rows), "distinct_values": distinct}
    if min_distinct is not None and distinct < min_distinct:
        return CheckOutcome(
            False,
            f"{column} has {distinct:,} distinct values, fewer than the {min_distinct:,} "
            "expected: a source may have stopped sending some categories, or a default "
            "value overwrote real ones.",
            counts,
        )
    if max_distinct is not None and distinct > max_distinct:
        return CheckOutcome(
            False,
            f"{column} has {distinct:,} distinct values, more than the {max_distinct:,} "
            "expected: look for unmapped codes, free text or a key leaking into the column.",
            counts,
        )
    return CheckOutcome(True, f"{column} has {distinct:,} distinct values, as expected.", counts)


def accepted_values_check(
    asset: AssetLike,
    *,
    column: str,
    values: Sequence[Any],
    asset_key: dg.AssetKey | None = None,
    name: str | None = None,
) -> dg.AssetChecksDefinition:
    """Fails when a non-null ``column`` value is not one of ``values``."""
    if not values:
        raise ValueError("values needs at least one accepted value")
    target = CheckTarget.of(asset, asset_key)
    accepted = list(values)
    return build_warehouse_check(
        target,
        name=name or check_name("accepted_values", column),
        description=f"{column} is one of {accepted}.",
        evaluate=lambda session, _instance: evaluate_accepted_values(
            session, target.table, column, accepted
        ),
    )


def value_range_check(
    asset: AssetLike,
    *,
    column: str,
    min_value: Any = None,
    max_value: Any = None,
    asset_key: dg.AssetKey | None = None,
    name: str | None = None,
) -> dg.AssetChecksDefinition:
    """Fails when a ``column`` value is below ``min_value`` or above ``max_value``
    (inclusive bounds, numbers or dates)."""
    if min_value is None and max_value is None:
        raise ValueError("pass min_value, max_value or both")
    target = CheckTarget.of(asset, asset_key)
    return build_warehouse_check(
        target,
        name=name or check_name("value_range", column),
        description=f"{column} within {_bounds(min_value, max_value)}.",
        evaluate=lambda session, _instance: evaluate_value_range(
            session, target.table, column, min_value=min_value, max_value=max_value
        ),
    )


def distinct_count_check(
    asset: AssetLike,
    *,
    column: str,
    min_distinct: int | None = None,
    max_distinct: int | None = None,
    asset_key: dg.AssetKey | None = None,
    name: str | None = None,
) -> dg.AssetChecksDefinition:
    """Fails when ``column`` has fewer than ``min_distinct`` or more than ``max_distinct``
    distinct non-null values."""
    if min_distinct is None and max_distinct is None:
        raise ValueError("pass min_distinct, max_distinct or both")
    target = CheckTarget.of(asset, asset_key)
    return build_warehouse_check(
        target,
        name=name or check_name("distinct_count", column),
        description=f"{column} has {_bounds(min_distinct, max_distinct)} distinct values.",
        evaluate=lambda session, _instance: evaluate_distinct_count(
            session, target.table, column, min_distinct=min_distinct, max_distinct=max_distinct
        ),
    )
