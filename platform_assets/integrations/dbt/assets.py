"""The dbt project as Dagster assets, built with ``dbt build`` against the warehouse."""

# No `from __future__ import annotations`: Dagster reads the `context` annotation of an
# op's function at definition time and rejects it as a string.

import json
import os
from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliEventMessage, DbtCliResource, dbt_assets
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from platform_assets.checks.column_stability import (
    column_stability_result,
    column_stability_spec,
    columns_of,
)
from platform_assets.domains.dora.metric_metadata import METRIC_QUERIES, metric_metadata
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


#: The line the ``log_relation_columns`` post-hook logs for each model and seed it wrote.
COLUMNS_LOG_PREFIX = "platform-columns "


def _logged_columns(event: DbtCliEventMessage) -> tuple[str, dict[str, str]] | None:
    """(unique id, {column: warehouse type}) from a ``log_relation_columns`` line."""
    info = event.raw_event["info"]
    if info["name"] != "JinjaLogInfo" or not info["msg"].startswith(COLUMNS_LOG_PREFIX):
        return None
    unique_id = event.raw_event["data"].get("node_info", {}).get("unique_id")
    if unique_id is None:
        return None
    return unique_id, json.loads(info["msg"][len(COLUMNS_LOG_PREFIX) :])


def _event_key(event: Any, context: dg.AssetExecutionContext) -> dg.AssetKey | None:
    if isinstance(event, dg.Output):
        return context.asset_key_for_output(event.output_name)
    return getattr(event, "asset_key", None)


def _with_written_columns(
    event: Any, columns: Mapping[str, Mapping[str, str]], context: dg.AssetExecutionContext
) -> Any:
    """A model's output with its real column types (and its documented descriptions and
    classification): the record column stability compares."""
    if not isinstance(event, dg.Output):
        return event
    unique_id = event.metadata.get("unique_id")
    written = columns.get(str(getattr(unique_id, "value", unique_id)))
    if written is None:
        return event
    key = context.asset_key_for_output(event.output_name)
    declared = metadata_value(context.assets_def.specs_by_key[key].metadata, COLUMN_SCHEMA_KEY)
    schema = written_column_schema(
        written, declared if isinstance(declared, dg.TableSchema) else None
    )
    return event.with_metadata({**event.metadata, COLUMN_SCHEMA_KEY: schema})


def _metric_marts_and_downstream(context: dg.AssetExecutionContext) -> frozenset[dg.AssetKey]:
    """The marts that report metric figures, and every model of this step downstream of
    them. Their figures are read from the warehouse once dbt has exited, and their
    descendants' events wait with them: Dagster takes a multi-asset's outputs only in
    topological order."""
    upstream = context.assets_def.asset_deps
    held = set(METRIC_QUERIES) & set(upstream)
    while added := {key for key, parents in upstream.items() if key not in held and parents & held}:
        held |= added
    return frozenset(held)


def _with_metric_figures(
    events: list[Any], warehouse: Warehouse, context: dg.AssetExecutionContext
) -> Iterator[Any]:
    """The held-back events in dbt's order, each metric mart's output with its figures as
    numeric metadata (the UI charts their history)."""
    keys = [key for e in events if isinstance(e, dg.Output) and (key := _event_key(e, context))]
    if not keys:
        yield from events
        return
    with warehouse.connect(read_only=True) as connection:
        figures = {key: metric_metadata(connection, key) for key in keys}
    for event in events:
        key = _event_key(event, context)
        if isinstance(event, dg.Output) and key is not None and figures.get(key):
            event = event.with_metadata({**event.metadata, **figures[key]})
        yield event


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
    held = _metric_marts_and_downstream(context)
    columns: dict[str, dict[str, str]] = {}
    held_back: list[Any] = []
    # Each result is recorded as dbt reports it, so the run's event log is written while
    # dbt works, not after it.
    for raw_event in invocation.stream_raw_events():
        logged = _logged_columns(raw_event)
        if logged is not None:
            columns[logged[0]] = logged[1]
            continue
        for event in raw_event.to_default_asset_events(
            manifest=invocation.manifest,
            dagster_dbt_translator=invocation.dagster_dbt_translator,
            context=context,
            target_path=invocation.target_path,
            project=invocation.project,
        ):
            event = _with_written_columns(event, columns, context)
            if _event_key(event, context) in held:
                held_back.append(event)
            else:
                yield event
    # dbt keeps the DuckDB file open until it exits: the metric figures are read after.
    yield from _with_metric_figures(held_back, warehouse, context)
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
