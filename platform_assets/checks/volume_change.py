"""Volume change: the row count against the asset's previous materialization.

A drop beyond ``max_loss`` reads as data lost upstream, a jump beyond ``max_growth`` as
a batch loaded twice or a join fanning out. The previous count is the ``dagster/row_count``
on the materialization before the latest: the warehouse IO manager records it, and
dagster-dbt does when its row counts are fetched.
"""

from __future__ import annotations

import dagster as dg

from platform_assets.checks.outcome import CheckOutcome
from platform_assets.checks.row_count import count_rows
from platform_assets.checks.target import AssetLike, CheckTarget
from platform_assets.checks.warehouse_check import build_warehouse_check
from platform_assets.monitoring.history import ROW_COUNT_KEY, metric_history
from platform_assets.warehouse import WarehouseSession


def evaluate_volume_change(
    current_rows: int, previous_rows: int | None, *, max_loss: float, max_growth: float
) -> CheckOutcome:
    """``max_loss`` and ``max_growth`` are fractions of the previous count: 0.1 allows
    10% fewer rows, 0.5 allows 50% more."""
    counts: dict[str, int | float] = {"rows": current_rows}
    if not previous_rows:
        return CheckOutcome(
            True,
            f"{current_rows:,} rows; no earlier non-empty materialization to compare with.",
            counts,
        )
    change = (current_rows - previous_rows) / previous_rows
    counts.update({"previous_rows": previous_rows, "change_ratio": round(change, 6)})
    movement = f"from {previous_rows:,} to {current_rows:,} rows ({change:+.1%})"
    if -change > max_loss:
        return CheckOutcome(
            False,
            f"Row count fell {movement}, more than the {max_loss:.0%} allowed: "
            f"{previous_rows - current_rows:,} rows lost. Check the source extract and any "
            "filter or inner join added since the previous run.",
            counts,
        )
    if change > max_growth:
        return CheckOutcome(
            False,
            f"Row count grew {movement}, more than the {max_growth:.0%} allowed: "
            f"{current_rows - previous_rows:,} extra rows. Look for a batch loaded twice or "
            "a join that fans out.",
            counts,
        )
    return CheckOutcome(True, f"Row count went {movement}, within bounds.", counts)


def volume_change_check(
    asset: AssetLike,
    *,
    max_loss: float = 0.1,
    max_growth: float = 0.5,
    asset_key: dg.AssetKey | None = None,
    name: str = "volume_change",
) -> dg.AssetChecksDefinition:
    """Fails when the table lost more than ``max_loss`` or gained more than ``max_growth``
    (fractions) of the rows of the asset's previous materialization."""
    if max_loss < 0 or max_growth < 0:
        raise ValueError(f"max_loss and max_growth must be >= 0, got {max_loss}, {max_growth}")
    target = CheckTarget.of(asset, asset_key)

    def evaluate(session: WarehouseSession, instance: dg.DagsterInstance) -> CheckOutcome:
        history = metric_history(instance, target.asset_key, ROW_COUNT_KEY, window=1)
        previous = int(history.previous[0]) if history.previous else None
        return evaluate_volume_change(
            count_rows(session, target.table),
            previous,
            max_loss=max_loss,
            max_growth=max_growth,
        )

    return build_warehouse_check(
        target,
        name=name,
        description=f"Row count within -{max_loss:.0%}/+{max_growth:.0%} of the previous "
        "materialization's.",
        evaluate=evaluate,
    )
