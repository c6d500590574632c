"""Row-count bounds: an empty load or a runaway join shows up as a count out of range."""

from __future__ import annotations

import dagster as dg

from platform_assets.checks.outcome import CheckOutcome
from platform_assets.checks.target import AssetLike, CheckTarget
from platform_assets.checks.warehouse_check import build_warehouse_check
from platform_assets.warehouse import WarehouseSession


def count_rows(session: WarehouseSession, table: str) -> int:
    rows = session.execute(f"select count(*) from {table}").fetchone()
    assert rows is not None
    return int(rows[0])


def evaluate_row_count_bounds(
    session: WarehouseSession, table: str, *, min_rows: int, max_rows: int | None
) -> CheckOutcome:
    rows = count_rows(session, table)
    bounds = f"[{min_rows:,}, {'∞' if max_rows is None else f'{max_rows:,}'}]"
    counts = {"rows": rows, "min_rows": min_rows}
    if max_rows is not None:
        counts["max_rows"] = max_rows
    if rows < min_rows:
        description = (
            f"{rows:,} rows, {min_rows - rows:,} fewer than the minimum {min_rows:,}: check "
            "whether the source delivered a partial or empty batch."
        )
    elif max_rows is not None and rows > max_rows:
        description = (
            f"{rows:,} rows, {rows - max_rows:,} more than the maximum {max_rows:,}: look "
            "for a duplicating join or a batch loaded twice."
        )
    else:
        return CheckOutcome(True, f"{rows:,} rows, within {bounds}.", counts)
    return CheckOutcome(False, description, counts)


def row_count_bounds_check(
    asset: AssetLike,
    *,
    min_rows: int,
    max_rows: int | None = None,
    asset_key: dg.AssetKey | None = None,
    name: str = "row_count_bounds",
) -> dg.AssetChecksDefinition:
    """Fails when the table holds fewer than ``min_rows`` or more than ``max_rows`` rows."""
    if min_rows < 0 or (max_rows is not None and max_rows < min_rows):
        raise ValueError(f"need 0 <= min_rows <= max_rows, got {min_rows} and {max_rows}")
    target = CheckTarget.of(asset, asset_key)
    return build_warehouse_check(
        target,
        name=name,
        description=f"Row count between {min_rows:,} and "
        f"{'no maximum' if max_rows is None else f'{max_rows:,}'}.",
        evaluate=lambda session, _instance: evaluate_row_count_bounds(
            session, target.table, min_rows=min_rows, max_rows=max_rows
        ),
    )
