"""The dbt project as Dagster assets, built with ``dbt build`` against the warehouse."""

# No `from __future__ import annotations`: Dagster reads the `context` annotation of an
# op's function at definition time and rejects it as a string.

import json
import os
from collections.abc import Iterator, Mapping
from typing import Any, Final

import dagster as dg
from dagster_dbt import DbtCliEventMessage, dbt_assets
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from platform_assets.checks.column_stability import (
    COLUMN_STABILITY_CHECK_NAME,
    column_stability_result,
    column_stability_spec,
    columns_of,
)
from platform_assets.deployment import dbt_exclusion
from platform_assets.environments import current_environment
from platform_assets.integrations.dbt.project import dbt_project
from platform_assets.integrations.dbt.resource import PlatformDbtCliResource
from platform_assets.integrations.dbt.translator import StagedDbtTranslator
from platform_assets.settings import WAREHOUSE_ENV, WAREHOUSE_POOL
from platform_assets.stages.contract_metadata import (
    COLUMN_SCHEMA_KEY,
    metadata_value,
    written_column_schema,
)
from platform_assets.stages.delivery_stage import DeliveryStage
from platform_assets.stages.stage_defaults import default_retry_policy
from platform_assets.telemetry.dbt_results import DbtStep, asset_key_resolver, built_results
from platform_assets.telemetry.record import DBT_ERROR, StepIdentity
from platform_assets.telemetry.sink import emit
from platform_assets.warehouse import Warehouse

#: The dbt var the profile takes the warehouse file from (dbt_project/profiles.yml).
WAREHOUSE_PATH_VAR: Final = "warehouse_path"

#: The lines the post-hooks log for the step to record on a model's materialization while
#: dbt still runs (dbt holds the DuckDB file open until it exits, so nothing else can read
#: the warehouse then): ``log_relation_columns`` logs the columns every model and seed
#: wrote, ``log_relation_figures`` the one row of a model of headline figures.
COLUMNS_LOG_PREFIX: Final = "platform-columns "
FIGURES_LOG_PREFIX: Final = "platform-figures "
_LOG_PREFIXES: Final = (COLUMNS_LOG_PREFIX, FIGURES_LOG_PREFIX)


def warehouse_arguments(warehouse: Warehouse) -> list[str]:
    """``--vars`` naming the warehouse file for dbt's profile, or none when the profile
    reads that very file from the environment already, or when the warehouse is
    PostgreSQL (the dbt resource gives dbt its connection in the environment instead).

    dagster-dbt starts dbt with a copy of this process's environment and takes no other,
    so a var is the way to name the resource's file without changing the environment of
    the whole process. A var the prepared manifest was not parsed with costs dbt a full
    re-parse (about 4 s here), so it is passed only when the environment does not already
    say the same, as under ``make``, which exports the absolute path."""
    if warehouse.dialect == "postgres" or os.environ.get(WAREHOUSE_ENV) == str(warehouse.path):
        return []
    return ["--vars", json.dumps({WAREHOUSE_PATH_VAR: str(warehouse.path)})]


def _logged_line(event: DbtCliEventMessage) -> tuple[str, str, dict[str, Any]] | None:
    """(unique id, log prefix, payload) from a line a platform post-hook logged."""
    info = event.raw_event["info"]
    if info["name"] != "JinjaLogInfo":
        return None
    prefix = next((p for p in _LOG_PREFIXES if info["msg"].startswith(p)), None)
    unique_id = event.raw_event["data"].get("node_info", {}).get("unique_id")
    if prefix is None or unique_id is None:
        return None
    return unique_id, prefix, json.loads(info["msg"][len(prefix) :])


def figures_metadata(figures: Mapping[str, object]) -> dict[str, dg.MetadataValue]:
    """A logged row of figures as numeric metadata, which the UI charts over time: ints
    stay ints (counts), floats stay floats; NULL figures (no data behind them) and values
    that are not numbers (the row's day, its mode) are left out."""
    metadata: dict[str, dg.MetadataValue] = {}
    for key, value in figures.items():
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            metadata[key] = dg.MetadataValue.int(value)
        elif isinstance(value, float):
            metadata[key] = dg.MetadataValue.float(value)
    return metadata


def _with_logged_metadata(
    event: Any, logged: Mapping[str, Mapping[str, Any]], context: dg.AssetExecutionContext
) -> Any:
    """A model's output with what its post-hooks logged: its real column types (with their
    documented descriptions and classification, the record column stability compares) and
    its figures."""
    if not isinstance(event, dg.Output):
        return event
    unique_id = event.metadata.get("unique_id")
    lines = logged.get(str(getattr(unique_id, "value", unique_id)))
    if not lines:
        return event
    metadata: dict[str, Any] = dict(event.metadata)
    written = lines.get(COLUMNS_LOG_PREFIX)
    if written is not None:
        key = context.asset_key_for_output(event.output_name)
        declared = metadata_value(context.assets_def.specs_by_key[key].metadata, COLUMN_SCHEMA_KEY)
        metadata[COLUMN_SCHEMA_KEY] = written_column_schema(
            written, declared if isinstance(declared, dg.TableSchema) else None
        )
    metadata.update(figures_metadata(lines.get(FIGURES_LOG_PREFIX) or {}))
    return event.with_metadata(metadata)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    # the models of the stages the environment does not deploy (in prod: POC) are left
    # out here, where the multi-asset is built (platform_assets/deployment.py)
    exclude=dbt_exclusion(current_environment()),
    dagster_dbt_translator=StagedDbtTranslator(),
    retry_policy=default_retry_policy(DeliveryStage.BETA),
    pool=WAREHOUSE_POOL,
    name="dbt_project_models",
)
def dbt_project_models(
    context: dg.AssetExecutionContext, dbt: PlatformDbtCliResource, warehouse: Warehouse
) -> Iterator[Any]:
    telemetry = DbtStep(StepIdentity.of(context), str(dbt_project.manifest_path))
    try:
        invocation = dbt.cli(
            ["build", *warehouse_arguments(warehouse)],
            context=context,
            warehouse=warehouse,
            raise_on_error=False,
        )
        telemetry = telemetry.selected_by(invocation)
        logged: dict[str, dict[str, Any]] = {}
        # Each result is recorded as dbt reports it, so the run's event log is written while
        # dbt works, not after it; a post-hook's lines come before its model's result.
        for raw_event in invocation.stream_raw_events():
            line = _logged_line(raw_event)
            if line is not None:
                unique_id, prefix, payload = line
                logged.setdefault(unique_id, {})[prefix] = payload
                continue
            for event in raw_event.to_default_asset_events(
                manifest=invocation.manifest,
                dagster_dbt_translator=invocation.dagster_dbt_translator,
                context=context,
                target_path=invocation.target_path,
                project=invocation.project,
            ):
                event = _with_logged_metadata(event, logged, context)
                if isinstance(event, dg.Output):
                    event = event.with_metadata(
                        {**event.metadata, **telemetry.materialization_metadata()}
                    )
                yield event
        run_results = invocation.get_artifact("run_results.json")
    except Exception as error:
        # Only the exception's type: the step's log has dbt's error and the traceback.
        emit(telemetry.record("step_failed", [], DBT_ERROR, type(error).__name__), context.log)
        raise
    models = built_results(run_results, asset_key_resolver(invocation))
    yield from telemetry.observations(models)
    failed = [] if invocation.is_successful() else _failed_builds(run_results)
    if failed:
        message = f"dbt build failed to build {', '.join(failed)}; the step log has dbt's error"
        emit(telemetry.record("step_failed", models, DBT_ERROR, message), context.log)
        raise DagsterDbtCliRuntimeError(message)
    emit(telemetry.record("step_succeeded", models), context.log)


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


def build_dbt_column_stability_checks(
    assets_def: dg.AssetsDefinition,
) -> list[dg.AssetChecksDefinition]:
    """Column stability for every Beta and GA model, one check definition per model:
    compares the columns recorded by a model's latest materialization with those of the
    one before.

    Not one multi-asset check over every model: Dagster splits such a check into a step
    per group of models built between Python assets (``..._2``, ``..._3``), and numbers
    those steps in an order that is not the same from one process to the next (a
    definition of checks alone has no asset key to sort by). The multiprocess executor
    plans the run again in each step's process, where a step number then named another
    group's checks: on PostgreSQL they ran before their models were built, and failed."""
    return [
        _column_stability_check(key, stage)
        for key, stage in _staged_keys(assets_def, DeliveryStage.BETA)
    ]


def _column_stability_check(key: dg.AssetKey, stage: DeliveryStage) -> dg.AssetChecksDefinition:
    @dg.multi_asset_check(
        specs=[column_stability_spec(key, stage)],
        name=f"{key.to_python_identifier()}_column_stability",
    )
    def dbt_column_stability(context: dg.AssetCheckExecutionContext) -> Iterator[Any]:
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
                check_name=COLUMN_STABILITY_CHECK_NAME,
                passed=False,
                severity=stage.check_severity,
                description="No materialization records this model's columns yet: "
                "materialize it, then the check compares successive column sets.",
            )
            return
        previous = recorded[1] if len(recorded) > 1 else None
        yield column_stability_result(previous, current, stage=stage, asset_key=key)

    return dbt_column_stability
