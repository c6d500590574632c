"""Key uniqueness: one row per key, and no row without a key."""

from __future__ import annotations

from collections.abc import Sequence

import dagster as dg
import duckdb

from platform_assets.checks.outcome import (
    EXAMPLE_LIMIT,
    CheckOutcome,
    count_of,
    render_examples,
)
from platform_assets.checks.target import AssetLike, CheckTarget, check_name
from platform_assets.checks.warehouse_check import build_warehouse_check
from platform_assets.integrations.duckdb.warehouse import quote_identifier
from platform_assets.stages.contract_metadata import asserts_not_null, asserts_unique


def evaluate_unique_key(
    connection: duckdb.DuckDBPyConnection,
    table: str,
    key: Sequence[str],
    *,
    allow_null_keys: bool = False,
) -> CheckOutcome:
    """Duplicates are keys held by more than one row; a key with a null part is a null
    key, and two null keys count as duplicates of each other, as in a primary key."""
    columns = ", ".join(quote_identifier(column) for column in key)
    any_null = " or ".join(f"{quote_identifier(column)} is null" for column in key)
    duplicated = f"select {columns}, count(*) as rows from {table} group by all having rows > 1"
    rows, null_keys = connection.sql(
        f"select count(*), count(*) filter (where {any_null}) from {table}"
    ).fetchall()[0]
    duplicate_keys, duplicate_rows = connection.sql(
        f"select count(*), coalesce(sum(rows), 0) from ({duplicated})"
    ).fetchall()[0]
    counts = {
        "rows": int(rows),
        "duplicate_keys": int(duplicate_keys),
        "rows_with_duplicate_keys": int(duplicate_rows),
        "null_keys": int(null_keys),
    }
    key_name = ", ".join(key)
    null_failure = bool(null_keys) and not allow_null_keys
    if not duplicate_keys and not null_failure:
        return CheckOutcome(True, f"({key_name}) is unique over {int(rows):,} rows.", counts)
    problems = []
    examples = []
    if duplicate_keys:
        names = [*key, "rows"]
        examples = [
            dict(zip(names, row, strict=True))
            for row in connection.sql(
                f"{duplicated} order by rows desc, {columns} limit {EXAMPLE_LIMIT}"
            ).fetchall()
        ]
        problems.append(
            f"{count_of(int(duplicate_keys), f'duplicate ({key_name}) key')} over "
            f"{int(duplicate_rows):,} rows; e.g. {render_examples(examples)}"
        )
    if null_failure:
        problems.append(f"{count_of(int(null_keys), 'row')} with a null in ({key_name})")
    return CheckOutcome(
        False,
        f"{'; '.join(problems)} (of {int(rows):,} rows). Deduplicate upstream (e.g. keep "
        "the latest row per key) or widen the key if these rows are distinct facts.",
        counts,
        examples,
    )


def unique_key_check(
    asset: AssetLike,
    *,
    key: Sequence[str],
    allow_null_keys: bool = False,
    asset_key: dg.AssetKey | None = None,
    name: str | None = None,
) -> dg.AssetChecksDefinition:
    """Fails when a ``key`` value occurs on more than one row, or, unless
    ``allow_null_keys``, when a row has a null in the key."""
    if not key:
        raise ValueError("key needs at least one column")
    target = CheckTarget.of(asset, asset_key)
    key = list(key)
    asserts = [asserts_unique(key)]
    if not allow_null_keys:
        asserts.extend(asserts_not_null(column) for column in key)
    return build_warehouse_check(
        target,
        name=name or check_name("unique", *key),
        description=f"({', '.join(key)}) identifies one row"
        + ("." if allow_null_keys else " and is never null."),
        evaluate=lambda connection, _instance: evaluate_unique_key(
            connection, target.table, key, allow_null_keys=allow_null_keys
        ),
        asserts=asserts,
    )
