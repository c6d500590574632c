"""The dbt project as Dagster assets, built with ``dbt build`` against the warehouse."""

# No `from __future__ import annotations`: Dagster reads the `context` annotation of an
# op's function at definition time and rejects it as a string.

import json
import os
from collections.abc import Iterator, Sequence
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource, dbt_assets
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from platform_assets.checks.column_stability import (
    column_stability_result,
    column_stability_spec,
    columns_of,
)
from platform_assets.domains.dora.metric_metadata import metric_metadata
from platform_assets.integrations.dbt.project import dbt_project
from platform_assets.integrations.dbt.translator import StagedDbtTranslator
from platform_assets.integrations.duckdb import Warehouse
from platform_assets.settings import WAREHOUSE_ENV, WAREHOUSE_POOL
from platform_assets.stages.contract_metadata import (
    COLUMN_SCHEMA_KEY,
    metadata_value,
    written_column_schema,
)
from platform_assets.stages.delivery_stage import DeliveryStage
from platform_assets.stages.stage_defaults import default_retry_policy

#: dbt vars the models read, from the environment: the DORA compatibility mode and the
#: calendar time zone are configuration, not code.
DBT_VAR_ENV = {
    "dora_mode": "PLATFORM_DORA_MODE",
    "dora_timezone": "PLATFORM_DORA_TIMEZONE",
    "dora_incident_max_lag_hours": "PLATFORM_DORA_INCIDENT_MAX_LAG_HOURS",
    "dora_as_of": "PLATFORM_DORA_AS_OF",
    "dora_window_days": "PLATFORM_DORA_WINDOW_DAYS",
}


def dbt_vars() -> dict[str, str]:
    return {var: os.environ[env] for var, env in DBT_VAR_ENV.items() if os.environ.get(env)}


def _warehouse_columns(
    connection: duckdb.DuckDBPyConnection, keys: Sequence[dg.AssetKey]
) -> dict[dg.AssetKey, dict[str, str]]:
    wanted = {tuple(key.path): key for key in keys if len(key.path) == 2}
    columns: dict[dg.AssetKey, dict[str, str]] = {}
    rows = connection.execute(
        "select table_schema, table_name, column_name, data_type "
        "from information_schema.columns order by table_schema, table_name, ordinal_position"
    ).fetchall()
    for schema, table, column, data_type in rows:
        key = wanted.get((schema, table))
        if key is not None:
            columns.setdefault(key, {})[column] = data_type
    return columns


def _annotated(
    events: list[Any], warehouse: Warehouse, context: dg.AssetExecutionContext
) -> Iterator[Any]:
    """Adds to each built model's materialization its real column types (with its
    documented descriptions and classification: the record column stability compares)
    and its metric values as numeric metadata (the UI charts their history)."""
    keys = [event_key for e in events if (event_key := _output_key(e, context)) is not None]
    if not keys:
        yield from events
        return
    with warehouse.connect(read_only=True) as connection:
        columns = _warehouse_columns(connection, keys)
        metrics = {key: metric_metadata(connection, key) for key in keys}
    for event in events:
        key = _output_key(event, context)
        if key is not None:
            added: dict[str, Any] = dict(metrics.get(key, {}))
            if key in columns:
                declared = metadata_value(
                    context.assets_def.specs_by_key[key].metadata, COLUMN_SCHEMA_KEY
                )
                added[COLUMN_SCHEMA_KEY] = written_column_schema(
                    columns[key], declared if isinstance(declared, dg.TableSchema) else None
                )
            event = event.with_metadata({**event.metadata, **added})
        yield event


def _output_key(event: Any, context: dg.AssetExecutionContext) -> dg.AssetKey | None:
    if isinstance(event, dg.Output):
        return context.asset_key_for_output(event.output_name)
    return None


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=StagedDbtTranslator(),
    retry_policy=default_retry_policy(DeliveryStage.BETA),
    pool=WAREHOUSE_POOL,
    name="dbt_project_models",
)
def dbt_project_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse
) -> Iterator[Any]:
    # dbt runs in a subprocess that reads the warehouse path from the environment; the
    # profile cannot take it any other way.
    os.environ[WAREHOUSE_ENV] = str(warehouse.path)
    arguments = ["build"]
    variables = dbt_vars()
    if variables:
        arguments += ["--vars", json.dumps(variables)]
    invocation = dbt.cli(arguments, context=context, raise_on_error=False)
    # dbt keeps the DuckDB file open until it exits, so its events are collected first and
    # annotated with the warehouse's columns once the file is free.
    events = list(invocation.stream())
    yield from _annotated(events, warehouse, context)
    if not invocation.is_successful():
        failed = _failed_builds(invocation.get_artifact("run_results.json"))
        if failed:
            raise DagsterDbtCliRuntimeError(
                f"dbt build failed to build {', '.join(failed)}; the step log has dbt's error"
            )


def _failed_builds(run_results: dict[str, Any]) -> list[str]:
    """Models, seeds and snapshots that errored. A failed test is a failed check, not a
    failed step: Dagster records it, and dbt itself skips the models downstream of it."""
    return [
        result["unique_id"]
        for result in run_results.get("results", [])
        if result.get("status") == "error"
        and result["unique_id"].split(".")[0] in ("model", "seed", "snapshot")
    ]


def _staged_keys(assets_def: dg.AssetsDefinition, minimum: DeliveryStage) -> list[tuple]:
    staged = []
    for spec in assets_def.specs:
        stage = DeliveryStage.from_tags(dict(spec.tags))
        if stage is not None and stage >= minimum:
            staged.append((spec.key, stage))
    return staged


def build_dbt_column_stability_check(assets_def: dg.AssetsDefinition) -> dg.AssetChecksDefinition:
    """Column stability for every Beta and GA model: compares the columns recorded by a
    model's latest materialization with those of the one before."""
    staged = _staged_keys(assets_def, DeliveryStage.BETA)
    stages = dict(staged)

    @dg.multi_asset_check(
        specs=[column_stability_spec(key, stage) for key, stage in staged],
        name="dbt_column_stability",
        can_subset=True,
    )
    def dbt_column_stability(context: dg.AssetCheckExecutionContext) -> Iterator[Any]:
        for check_key in context.selected_asset_check_keys:
            key = check_key.asset_key
            records = context.instance.fetch_materializations(
                dg.AssetRecordsFilter(asset_key=key), limit=2
            ).records
            recorded = []
            for record in records:
                materialization = record.asset_materialization
                schema = (
                    metadata_value(materialization.metadata, COLUMN_SCHEMA_KEY)
                    if materialization
                    else None
                )
                recorded.append(columns_of(schema) if isinstance(schema, dg.TableSchema) else None)
            current = recorded[0] if recorded else None
            if current is None:
                yield dg.AssetCheckResult(
                    asset_key=key,
                    check_name=check_key.name,
                    passed=False,
                    severity=stages[key].check_severity,
                    description="No materialization records this model's columns yet: "
                    "materialize it, then the check compares successive column sets.",
                )
                continue
            previous = recorded[1] if len(recorded) > 1 else None
            yield column_stability_result(previous, current, stage=stages[key], asset_key=key)

    return dbt_column_stability
