"""Runs a Pandera schema as a Dagster asset check with metadata a person can act on.

``dagster-pandera`` only builds a Dagster type: a failure fails the step, has no
severity and records no failure cases. Here a failure is a check result whose
severity and blocking follow the asset's delivery stage, and whose description says
how many rows failed which check, with examples.

Pandera's own data validation costs about twice one Polars pass over a large frame: its
checks run one after the other, each with its own failure-case bookkeeping, and
uniqueness goes through ``is_duplicated``. Most frames are valid, so validation runs in
two tiers. First Pandera validates the schema (columns, types, coercion); then the
schema's own ``Check`` objects run concurrently, next to one aggregate query for
nullability and uniqueness. Only when something fails does Pandera validate the data in
full, for its failure cases. ``benchmarks/bench_checks.py`` measures both tiers.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import dagster as dg
import pandera.polars as pa
import polars as pl
from pandera.config import ValidationDepth, config_context

from platform_assets.integrations.pandera.column_schema import (
    PanderaSchema,
    asserted_columns,
    to_dataframe_schema,
)
from platform_assets.stages.contract_metadata import CHECK_ASSERTS_KEY, PII_TAG
from platform_assets.stages.delivery_stage import DeliveryStage
from platform_assets.stages.tables import markdown_table

SCHEMA_CHECK_NAME = "pandera_schema"
FAILING_ROW_SAMPLE = 10
EXAMPLES_PER_CHECK = 3
#: What a pii column's values show as in a check's metadata and description: the Dagster
#: event log keeps those, and it cannot be erased row by row (docs/personal-data.md).
REDACTED_PII = "<pii redacted>"


def pandera_check_spec(
    schema: PanderaSchema, asset_key: dg.AssetKey, stage: DeliveryStage
) -> dg.AssetCheckSpec:
    resolved = to_dataframe_schema(schema)
    return dg.AssetCheckSpec(
        name=SCHEMA_CHECK_NAME,
        asset=asset_key,
        description=f"Validates every row against the Pandera schema `{resolved.name}`.",
        blocking=stage.checks_block,
        metadata={CHECK_ASSERTS_KEY: asserted_columns(resolved)},
    )


def _failure_cases(resolved: pa.DataFrameSchema, data: pl.DataFrame) -> pl.DataFrame | None:
    """Pandera's full validation: its failure cases, or None when nothing fails (a check
    declared ``raise_warning`` only warns)."""
    with config_context(validation_depth=ValidationDepth.SCHEMA_AND_DATA):
        try:
            resolved.validate(data, lazy=True)
        except pa.errors.SchemaErrors as errors:
            return errors.failure_cases
    return None


def _data_checks_pass(resolved: pa.DataFrameSchema, data: pl.DataFrame) -> bool:
    """True only when the frame passes the schema and all its data checks. False when
    anything fails, and when the schema uses a feature modelled only by Pandera's own
    data validation (regex-selected columns, a frame-wide dtype), so that the caller
    falls back to it: this tier may be wrong only by being cautious."""
    if not resolved.columns or any(column.regex for column in resolved.columns.values()):
        return False
    with config_context(validation_depth=ValidationDepth.SCHEMA_ONLY):
        try:
            parsed = resolved.validate(data, lazy=True)
        except (pa.errors.SchemaError, pa.errors.SchemaErrors):
            return False
    lazy = parsed.lazy()
    checks: list[tuple[pa.Check, str | None]] = []
    conditions: list[pl.Expr] = []
    for name, column in resolved.columns.items():
        if name not in parsed.schema:
            continue  # an optional column that is absent: nothing to check
        values = pl.col(name)
        if not column.nullable:
            present = values.is_not_null()
            # Pandera counts NaN as missing in a float column.
            conditions.append(
                (present & values.is_not_nan() if parsed.schema[name].is_float() else present).all()
            )
        if column.unique:
            conditions.append(values.n_unique() == pl.len())
        checks.extend((check, name) for check in column.checks)
    conditions.extend(
        pl.struct(group).n_unique() == pl.len()
        for group in _unique_column_groups(resolved.unique, parsed.columns)
    )
    checks.extend((check, None) for check in resolved.checks)
    queries: list[Callable[[], bool]] = [functools.partial(_all_hold, lazy, conditions)]
    queries.extend(
        functools.partial(_check_passes, check, lazy, column_name) for check, column_name in checks
    )
    # Polars releases the GIL while it computes, so the queries share the cores the way
    # the expressions of one hand-written ``select`` would.
    with ThreadPoolExecutor(max_workers=max(1, min(len(queries), os.cpu_count() or 1))) as pool:
        return all(pool.map(lambda query: query(), queries))


def _all_hold(frame: pl.LazyFrame, conditions: list[pl.Expr]) -> bool:
    if not conditions:
        return True
    outcome = frame.select(
        condition.alias(f"condition_{index}") for index, condition in enumerate(conditions)
    ).collect()
    return all(outcome.row(0))


def _check_passes(check: pa.Check, frame: pl.LazyFrame, column_name: str | None) -> bool:
    try:
        return bool(check(frame, column_name).check_passed.collect().item())
    except Exception:
        # A check that raises is a failure: Pandera's own validation reports it as one.
        return False


def _unique_column_groups(unique: Any, present: list[str]) -> list[list[str]]:
    """``Config.unique`` is a column, a list of columns or a list of such lists; Pandera
    checks each group over those of its columns that are present."""
    if not unique:
        return []
    if isinstance(unique, str):
        unique = [unique]
    groups = [unique] if all(isinstance(column, str) for column in unique) else unique
    return [subset for group in groups if (subset := [c for c in group if c in present])]


def _pii_columns(resolved: pa.DataFrameSchema) -> list[str]:
    return [
        name for name, column in resolved.columns.items() if (column.metadata or {}).get(PII_TAG)
    ]


def _without_pii_values(failures: pl.DataFrame, pii: list[str]) -> pl.DataFrame:
    """Failure cases with the values of pii columns redacted; a table-level case (no
    column: a uniqueness over several columns) too when the table has pii columns."""
    if not pii:
        return failures
    names_pii = pl.col("column").is_in(pii) | pl.col("column").is_null()
    return failures.with_columns(
        pl.when(names_pii)
        .then(pl.lit(REDACTED_PII))
        .otherwise(pl.col("failure_case").cast(pl.String))
        .alias("failure_case")
    )


def _summary_by_check(failures: pl.DataFrame) -> pl.DataFrame:
    return (
        failures.group_by("column", "check")
        .agg(
            pl.col("index").drop_nulls().n_unique().alias("failing_rows"),
            pl.len().alias("failure_cases"),
            pl.col("failure_case").cast(pl.String).head(EXAMPLES_PER_CHECK).alias("examples"),
        )
        .sort("failing_rows", "column", "check", descending=[True, False, False])
    )


def _describe(summary: pl.DataFrame, failing_rows: int, rows_checked: int) -> str:
    """E.g. ``2 of 10,000 rows fail: email fails str_matches(...); e.g. 'bob@', 'x@y'``."""
    parts = []
    for row in summary.iter_rows(named=True):
        examples = ", ".join(repr(example) for example in row["examples"] if example is not None)
        where = row["column"] or "table"
        part = f"{where} fails {row['check']}"
        parts.append(f"{part}; e.g. {examples}" if examples else part)
    return f"{failing_rows:,} of {rows_checked:,} rows fail: " + " | ".join(parts)


def validate_with_pandera(
    schema: PanderaSchema,
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    stage: DeliveryStage,
    asset_key: dg.AssetKey | None = None,
    schema_version: str | None = None,
    check_name: str = SCHEMA_CHECK_NAME,
) -> dg.AssetCheckResult:
    """Validates schema *and* data. A LazyFrame validated at Pandera's default depth
    silently skips every data check, so it is collected and both tiers run the data
    checks whatever the configured depth."""
    resolved = to_dataframe_schema(schema)
    data = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
    started = time.perf_counter()
    failures = None if _data_checks_pass(resolved, data) else _failure_cases(resolved, data)
    duration = time.perf_counter() - started

    metadata: dict[str, Any] = {
        "rows_checked": dg.MetadataValue.int(data.height),
        "schema": dg.MetadataValue.text(resolved.name or "unnamed"),
        "duration_seconds": dg.MetadataValue.float(round(duration, 4)),
    }
    if schema_version:
        metadata["schema_version"] = dg.MetadataValue.text(schema_version)
    if failures is None or failures.height == 0:
        metadata["failure_cases"] = dg.MetadataValue.int(0)
        metadata["failing_rows"] = dg.MetadataValue.int(0)
        return dg.AssetCheckResult(
            passed=True,
            asset_key=asset_key,
            check_name=check_name,
            severity=stage.check_severity,
            metadata=metadata,
            description=f"All {data.height:,} rows satisfy `{resolved.name}`.",
        )

    pii = _pii_columns(resolved)
    summary = _summary_by_check(_without_pii_values(failures, pii))
    failing_indices = failures.get_column("index").drop_nulls().unique()
    failing_rows = failing_indices.len()
    sample = (
        data.with_row_index("row")
        .filter(
            pl.col("row").is_in(failing_indices.head(FAILING_ROW_SAMPLE).cast(pl.UInt32).implode())
        )
        .with_columns(pl.lit(REDACTED_PII).alias(c) for c in pii if c in data.columns)
    )
    metadata.update(
        {
            "failure_cases": dg.MetadataValue.int(failures.height),
            "failing_rows": dg.MetadataValue.int(failing_rows),
            "failures_by_check": dg.MetadataValue.md(markdown_table(summary)),
            "failing_rows_sample": dg.MetadataValue.md(markdown_table(sample)),
        }
    )
    return dg.AssetCheckResult(
        passed=False,
        asset_key=asset_key,
        check_name=check_name,
        severity=stage.check_severity,
        metadata=metadata,
        description=_describe(summary, failing_rows, data.height),
    )
