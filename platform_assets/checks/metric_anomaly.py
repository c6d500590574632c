"""A metric's z-score against the asset's own history.

The history is numeric metadata on the asset's materializations: ``dagster/row_count``
by default, or any value the asset records (``MaterializeResult(metadata=...)``), which
the UI also plots. The current value is the newest materialization's, or, when ``sql``
is given, that aggregate computed over the table as it stands.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

import dagster as dg
import duckdb

from platform_assets.checks.history import ROW_COUNT_KEY, metric_history
from platform_assets.checks.outcome import CheckOutcome
from platform_assets.checks.target import AssetLike, CheckTarget, check_name
from platform_assets.checks.warehouse_check import build_warehouse_check


def evaluate_zscore(
    metric: str,
    current: float | None,
    history: Sequence[float],
    *,
    max_abs_z: float,
    min_history: int,
) -> CheckOutcome:
    """Passes while the history is shorter than ``min_history``: a z-score over two or
    three points flags noise. A constant history makes any change infinitely unusual."""
    if current is None:
        return CheckOutcome(
            False,
            f"The newest materialization records no numeric `{metric}`: record it in the "
            "asset's metadata, or give the check a sql aggregate.",
        )
    counts: dict[str, int | float] = {"value": current, "history_points": len(history)}
    if len(history) < min_history:
        return CheckOutcome(
            True,
            f"{metric} = {current:,.4g}; {len(history)} of the {min_history} earlier values "
            "needed for a z-score so far.",
            counts,
        )
    mean = statistics.fmean(history)
    stdev = statistics.stdev(history)
    counts.update({"history_mean": round(mean, 6), "history_stdev": round(stdev, 6)})
    z = _zscore(current, mean, stdev)
    if math.isfinite(z):
        counts["z_score"] = round(z, 4)
    summary = (
        f"{metric} = {current:,.4g} against a mean of {mean:,.4g} (stdev {stdev:,.4g}) over "
        f"the previous {len(history)} materializations: z = {z:+.2f}"
    )
    if abs(z) > max_abs_z:
        direction = "above" if current > mean else "below"
        return CheckOutcome(
            False,
            f"{summary}, {direction} the usual range (|z| <= {max_abs_z:g}). Confirm the "
            "change is real (a new source, a backfill) before consumers read it.",
            counts,
        )
    return CheckOutcome(True, f"{summary}, within |z| <= {max_abs_z:g}.", counts)


def _zscore(value: float, mean: float, stdev: float) -> float:
    if stdev:
        return (value - mean) / stdev
    return 0.0 if value == mean else math.copysign(math.inf, value - mean)


def metric_zscore_check(
    asset: AssetLike,
    *,
    metric: str = ROW_COUNT_KEY,
    sql: str | None = None,
    max_abs_z: float = 3.0,
    min_history: int = 5,
    window: int = 30,
    asset_key: dg.AssetKey | None = None,
    name: str | None = None,
) -> dg.AssetChecksDefinition:
    """Fails when the metric is more than ``max_abs_z`` standard deviations from its mean
    over the previous ``window`` materializations' ``metric`` metadata. ``sql`` is an
    aggregate over the table (``sum(amount)``) computing the current value; the asset
    records the same value under ``metric`` for the history."""
    if min_history < 2 or window < min_history:
        raise ValueError(f"need 2 <= min_history <= window, got {min_history} and {window}")
    target = CheckTarget.of(asset, asset_key)

    def evaluate(
        connection: duckdb.DuckDBPyConnection, instance: dg.DagsterInstance
    ) -> CheckOutcome:
        history = metric_history(instance, target.asset_key, metric, window=window)
        current = history.latest
        if sql is not None:
            value = connection.sql(f"select {sql} from {target.table}").fetchall()[0][0]
            current = None if value is None else float(value)
        return evaluate_zscore(
            metric, current, history.previous, max_abs_z=max_abs_z, min_history=min_history
        )

    return build_warehouse_check(
        target,
        name=name or check_name("zscore", metric),
        description=f"{sql or metric} within {max_abs_z:g} standard deviations of its mean "
        f"over the last {window} materializations.",
        evaluate=evaluate,
    )
