"""The one way the library turns an evaluation into a Dagster asset check.

Every check reads the table the asset wrote, through the ``warehouse`` resource, after
the asset's step has finished; its severity and blocking come from the asset's stage.
"""

# No ``from __future__ import annotations``: Dagster reads the check function's parameter
# annotations as objects to find its context and its ``warehouse`` resource.
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import adbc_driver_manager
import dagster as dg
import duckdb

from platform_assets.checks.outcome import CheckOutcome
from platform_assets.checks.target import CheckTarget
from platform_assets.settings import WAREHOUSE_POOL
from platform_assets.warehouse import Warehouse, WarehouseSession

#: Reads the warehouse (and, for checks against history, the instance) and decides.
Evaluation = Callable[[WarehouseSession, dg.DagsterInstance], CheckOutcome]

#: PostgreSQL's SQLSTATEs for an undefined table, column or schema.
_UNDEFINED_OBJECT_STATES = frozenset({"42P01", "42703", "3F000"})


def is_missing_table_or_column(error: Exception) -> bool:
    """Whether the warehouse refused the query because a table, column or schema does not
    exist, on DuckDB or PostgreSQL."""
    if isinstance(error, duckdb.CatalogException | duckdb.BinderException):
        return True
    return (
        isinstance(error, adbc_driver_manager.ProgrammingError)
        and error.sqlstate in _UNDEFINED_OBJECT_STATES
    )


def build_warehouse_check(
    target: CheckTarget,
    *,
    name: str,
    description: str,
    evaluate: Evaluation,
    additional_deps: Sequence[dg.AssetKey] = (),
    blocking: bool | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> dg.AssetChecksDefinition:
    """``blocking`` defaults to the stage's (Beta and GA block); a check that reports on
    what the data says rather than on whether it is sound passes False, so that a finding
    never holds back the assets that show it. ``metadata`` is the check's own, as the
    UI and the audit read it."""

    @dg.asset_check(
        asset=target.asset_key,
        name=name,
        description=description,
        blocking=target.stage.checks_block if blocking is None else blocking,
        additional_deps=list(additional_deps) or None,
        metadata=dict(metadata) if metadata else None,
        # Reading the DuckDB file conflicts with a writer in another process, so checks
        # queue with the assets that write it (no pool on PostgreSQL).
        pool=WAREHOUSE_POOL,
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
        try:
            with warehouse.connect(read_only=True) as session:
                outcome = evaluate(session, context.instance)
        except (duckdb.Error, adbc_driver_manager.Error) as error:
            if not is_missing_table_or_column(error):
                raise
            # A missing table or column is the drift a check exists to catch: report it as
            # a failure (which blocks at Beta) rather than crash the step.
            outcome = CheckOutcome(
                False,
                f"{target.table} cannot be checked: {_first_line(error)} Materialize "
                "the asset, or align the check with the table's current columns.",
            )
        return outcome.to_result(target, name)

    return _check


def _first_line(error: Exception) -> str:
    # ADBC prefixes the server's message with its own status ("NOT_FOUND: Failed to
    # prepare query: ERROR:  column ... does not exist")
    line = str(error).splitlines()[0]
    return line.partition("ERROR:")[2].strip() or line
