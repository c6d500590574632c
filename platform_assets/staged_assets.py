"""``staged_asset``: the one way to declare a Python asset with a delivery stage.

The stage drives the rest: the Pandera schema check's severity and blocking, the
column-stability check from Beta on, the retry policy, the freshness policy derived from
the SLA, and the alert route. The asset returns a Polars frame; the warehouse IO manager
stores it in DuckDB, validated by the same schema that documents its columns.

    @staged_asset(stage=DeliveryStage.BETA, schema=Deployments, domain="dora", layer="raw",
                  owners=["team:platform"], version="1.0.0", sla=Sla(freshness_hours=24))
    def deployments(context) -> pl.DataFrame: ...

Promoting the asset to GA is ``stage=DeliveryStage.GA``; the audit then names whatever
the new stage needs that the declaration does not supply (a runbook, a paging route...).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import dagster as dg
import polars as pl

from platform_assets.checks.column_stability import (
    column_stability_result,
    column_stability_spec,
    previous_columns,
)
from platform_assets.integrations.pandera import (
    PanderaSchema,
    column_schema_from_pandera,
    pandera_check_spec,
    primary_key_from_pandera,
    validate_with_pandera,
)
from platform_assets.settings import WAREHOUSE_POOL
from platform_assets.stages.contract_metadata import (
    ALERT_ROUTE_TAG,
    COLUMN_SCHEMA_KEY,
    DOMAIN_TAG,
    LAYER_TAG,
    RUNBOOK_KEY,
    STAGE_DEFAULTS_TAG,
    Sla,
    primary_key_metadata,
    written_column_schema,
)
from platform_assets.stages.delivery_stage import DeliveryStage
from platform_assets.stages.stage_defaults import (
    alert_route,
    default_freshness_policy,
    default_retry_policy,
)

WAREHOUSE_IO_MANAGER_KEY = "warehouse_io_manager"
PYTHON_ASSET_KINDS = frozenset({"python", "polars", "duckdb"})


@dataclass(frozen=True)
class LoadedBatch:
    """Returned by an asset that writes its own table, e.g. an ingestion that merges a
    batch, quarantines bad rows and moves its cursor in one transaction. The checks
    validate ``frame``, the batch that was loaded; ``metadata`` goes on the
    materialization; ``check_results`` are the asset's own checks of the load (declared
    through ``extra_check_specs``), reported with it."""

    frame: pl.DataFrame
    metadata: Mapping[str, Any] = field(default_factory=dict)
    check_results: Sequence[dg.AssetCheckResult] = ()


def staged_asset(
    *,
    stage: DeliveryStage | str,
    domain: str,
    layer: str,
    schema: PanderaSchema | None = None,
    owners: Sequence[str] = (),
    version: str | None = None,
    sla: Sla | None = None,
    runbook: str | None = None,
    description: str | None = None,
    name: str | None = None,
    key_prefix: Sequence[str] | None = None,
    group_name: str | None = None,
    ins: Mapping[str, dg.AssetIn] | None = None,
    deps: Sequence[Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
    tags: Mapping[str, str] | None = None,
    kinds: set[str] | None = None,
    freshness_policy: dg.FreshnessPolicy | None = None,
    retry_policy: dg.RetryPolicy | None = None,
    automation_condition: dg.AutomationCondition | None = None,
    extra_check_specs: Sequence[dg.AssetCheckSpec] = (),
    **asset_kwargs: Any,
) -> Callable[[Callable[..., Any]], dg.AssetsDefinition]:
    """Declares a staged Polars asset stored in the warehouse. ``key_prefix`` defaults to
    ``[layer]``, so the table is ``<layer>.<name>`` in DuckDB."""
    delivery_stage = DeliveryStage.parse(stage)

    def decorate(fn: Callable[..., Any]) -> dg.AssetsDefinition:
        asset_name = name or fn.__name__
        asset_key = dg.AssetKey([*(key_prefix if key_prefix is not None else [layer]), asset_name])
        check_specs = [*extra_check_specs]
        spec_metadata: dict[str, Any] = dict(metadata or {})
        if schema is not None:
            check_specs.append(pandera_check_spec(schema, asset_key, delivery_stage))
            spec_metadata[COLUMN_SCHEMA_KEY] = column_schema_from_pandera(schema)
            spec_metadata.update(primary_key_metadata(primary_key_from_pandera(schema)))
        stability_checked = delivery_stage >= DeliveryStage.BETA
        if stability_checked:
            check_specs.append(column_stability_spec(asset_key, delivery_stage))
        if sla is not None:
            spec_metadata.update(sla.to_metadata())
        if runbook is not None:
            spec_metadata[RUNBOOK_KEY] = dg.MetadataValue.path(runbook)

        compute = _with_checks(fn, asset_key, delivery_stage, schema, version, stability_checked)
        return dg.asset(
            compute,
            key=asset_key,
            description=description or inspect.getdoc(fn),
            ins=ins,
            deps=deps,
            metadata=spec_metadata,
            tags={
                **delivery_stage.stage_tag(),
                DOMAIN_TAG: domain,
                LAYER_TAG: layer,
                ALERT_ROUTE_TAG: alert_route(delivery_stage),
                STAGE_DEFAULTS_TAG: "applied",
                **(tags or {}),
            },
            owners=list(owners),
            group_name=group_name or f"{domain}_{layer}",
            kinds=set(kinds or PYTHON_ASSET_KINDS),
            code_version=version,
            freshness_policy=freshness_policy or default_freshness_policy(delivery_stage, sla),
            retry_policy=retry_policy or default_retry_policy(delivery_stage),
            automation_condition=automation_condition,
            check_specs=check_specs,
            io_manager_key=WAREHOUSE_IO_MANAGER_KEY,
            pool=WAREHOUSE_POOL,
            **asset_kwargs,
        )

    return decorate


def _with_checks(
    fn: Callable[..., Any],
    asset_key: dg.AssetKey,
    stage: DeliveryStage,
    schema: PanderaSchema | None,
    version: str | None,
    stability_checked: bool,
) -> Callable[..., Iterator[Any]]:
    """Wraps the user's function: its frame becomes the output, and the checks run on
    that frame in the same step, before anything downstream can read it."""
    signature = inspect.signature(fn)
    declared = column_schema_from_pandera(schema) if schema is not None else None
    takes_context = "context" in signature.parameters

    @functools.wraps(fn)
    def compute(context: dg.AssetExecutionContext, **inputs: Any) -> Iterator[Any]:
        result = fn(context, **inputs) if takes_context else fn(**inputs)
        output_metadata: dict[str, Any] = {}
        if isinstance(result, dg.Output):
            output_metadata = dict(result.metadata or {})
            result = result.value
        if isinstance(result, LoadedBatch):
            frame = result.frame
            output_metadata.update(result.metadata)
        elif isinstance(result, pl.DataFrame):
            frame = result
        else:
            raise TypeError(
                f"{asset_key.to_user_string()} must return a polars.DataFrame or a LoadedBatch, "
                f"got {type(result).__name__}"
            )
        current_columns = {column: str(dtype) for column, dtype in frame.schema.items()}
        previous = previous_columns(context.instance, asset_key) if stability_checked else None
        output_metadata[COLUMN_SCHEMA_KEY] = written_column_schema(current_columns, declared)
        if isinstance(result, LoadedBatch):
            yield dg.MaterializeResult(asset_key=asset_key, metadata=output_metadata)
            yield from result.check_results
        else:
            yield dg.Output(frame, metadata=output_metadata)
        if schema is not None:
            yield validate_with_pandera(
                schema, frame, stage=stage, asset_key=asset_key, schema_version=version
            )
        if stability_checked:
            yield column_stability_result(
                previous, current_columns, stage=stage, asset_key=asset_key
            )

    parameters = [p for p_name, p in signature.parameters.items() if p_name != "context"]
    context_parameter = inspect.Parameter(
        "context", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=dg.AssetExecutionContext
    )
    compute.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[context_parameter, *parameters], return_annotation=inspect.Signature.empty
    )
    return compute
