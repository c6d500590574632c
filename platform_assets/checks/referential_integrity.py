"""Referential integrity: every foreign key in a table exists in the table it references.

A null reference is not an orphan (it refers to nothing); the null-rate check owns it.
"""

from __future__ import annotations

from collections.abc import Sequence

import dagster as dg

from platform_assets.checks.outcome import EXAMPLE_LIMIT, CheckOutcome, render_examples
from platform_assets.checks.target import AssetLike, CheckTarget, asset_spec, check_name
from platform_assets.checks.warehouse_check import build_warehouse_check
from platform_assets.warehouse import WarehouseSession, quote_identifier
from platform_assets.warehouse.io_manager import qualified, table_for


def evaluate_referential_integrity(
    session: WarehouseSession,
    table: str,
    columns: Sequence[str],
    referenced_table: str,
    referenced_columns: Sequence[str],
) -> CheckOutcome:
    child = ", ".join(f"c.{quote_identifier(column)}" for column in columns)
    joined = " and ".join(
        f"c.{quote_identifier(column)} = p.{quote_identifier(parent)}"
        for column, parent in zip(columns, referenced_columns, strict=True)
    )
    all_set = " and ".join(f"c.{quote_identifier(column)} is not null" for column in columns)
    orphans = (
        f"select {child} from {table} c where {all_set} and not exists "
        f"(select 1 from {referenced_table} p where {joined})"
    )
    orphan_key = ", ".join(quote_identifier(column) for column in columns)
    rows = session.execute(f"select count(*) from {table}").fetchall()[0][0]
    orphan_rows, orphan_keys = session.execute(
        f"select count(*), count(distinct ({orphan_key})) from ({orphans}) as orphans"
    ).fetchall()[0]
    counts = {"rows": int(rows), "orphan_rows": int(orphan_rows), "orphan_keys": int(orphan_keys)}
    reference = f"({', '.join(columns)}) -> {referenced_table} ({', '.join(referenced_columns)})"
    if not orphan_rows:
        return CheckOutcome(True, f"Every {reference} reference resolves.", counts)
    names = [*columns, "rows"]
    examples = [
        dict(zip(names, row, strict=True))
        for row in session.execute(
            f"select {orphan_key}, count(*) as n from ({orphans}) as orphans "
            f"group by {orphan_key} order by n desc, {orphan_key} limit {EXAMPLE_LIMIT}"
        ).fetchall()
    ]
    return CheckOutcome(
        False,
        f"{int(orphan_rows):,} of {int(rows):,} rows reference {int(orphan_keys):,} keys missing "
        f"from {referenced_table}: {reference}; e.g. {render_examples(examples)}. Load the "
        "referenced rows first, or find why they were deleted.",
        counts,
        examples,
    )


def referential_integrity_check(
    asset: AssetLike,
    *,
    columns: Sequence[str],
    references: AssetLike | dg.AssetKey,
    referenced_columns: Sequence[str] | None = None,
    asset_key: dg.AssetKey | None = None,
    name: str | None = None,
) -> dg.AssetChecksDefinition:
    """Fails when a row's non-null ``columns`` match no row of ``references`` on
    ``referenced_columns`` (by default the same names). The check runs after the
    referenced asset when both are in a run."""
    parent_columns = list(referenced_columns or columns)
    if not columns or len(parent_columns) != len(columns):
        raise ValueError("columns and referenced_columns must be non-empty and of equal length")
    target = CheckTarget.of(asset, asset_key)
    parent_key = references if isinstance(references, dg.AssetKey) else asset_spec(references).key
    parent_table = qualified(*table_for(parent_key))
    child_columns = list(columns)
    return build_warehouse_check(
        target,
        name=name or check_name("references", parent_key.path[-1], *child_columns),
        description=f"Every ({', '.join(child_columns)}) exists in "
        f"{parent_key.to_user_string()} ({', '.join(parent_columns)}).",
        evaluate=lambda session, _instance: evaluate_referential_integrity(
            session, target.table, child_columns, parent_table, parent_columns
        ),
        additional_deps=[parent_key],
    )
