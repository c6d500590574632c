"""The one way the library turns an evaluation into a Dagster asset check.

Every check reads the table the asset wrote, through the ``warehouse`` resource, after
the asset's step has finished; its severity and blocking come from the asset's stage.
"""

# No ``from __future__ import annotations``: Dagster reads the check function's parameter
# annotations as objects to find its context and its ``warehouse`` resource.
from collections.abc import Callable, Sequence

import dagster as dg
import duckdb

from platform_assets.checks.outcome import CheckOutcome
from platform_assets.checks.target import CheckTarget
from platform_assets.settings import WAREHOUSE_POOL
from platform_assets.warehouse import Warehouse

#: Reads the warehouse (and, for checks against history, the instance) and decides.
Evaluation = Callable[[duckdb.DuckDBPyConnection, dg.DagsterInstance], CheckOutcome]


def build_warehouse_check(
    target: CheckTarget,
    *,
    name: str,
    description: str,
    evaluate: Evaluation,
    additional_deps: Sequence[dg.AssetKey] = (),
) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=target.asset_key,
        name=name,
        description=description,
        blocking=target.stage.checks_block,
        additional_deps=list(additional_deps) or None,
        # Reading the DuckDB file conflicts with a writer in another process, so checks
        # queue with the assets that write it.
        pool=WAREHOUSE_POOL,
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
        try:
            with warehouse.connect(read_only=True) as connection:
                outcome = evaluate(connection, context.instance)
        except (duckdb.CatalogException, duckdb.BinderException) as error:
            # A missing table or column is the drift a check exists to catch: report it as
            # a failure (which blocks at Beta) rather than crash the step.
            outcome = CheckOutcome(
                False,
                f"{target.table} cannot be checked: {str(error).splitlines()[0]} Materialize "
                "the asset, or align the check with the table's current columns.",
            )
        return outcome.to_result(target, name)

    return _check
