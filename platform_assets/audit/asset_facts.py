"""Reads a code location's resolved definitions into plain facts the rules can judge.

The rules never touch Dagster objects: everything they need is copied here once, so
each rule is a small pure function and the audit of thousands of assets stays fast.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import dagster as dg

from platform_assets.audit.dbt_model_sql import dbt_model_sql
from platform_assets.stages.contract_metadata import (
    ALERT_ROUTE_TAG,
    CHECK_ASSERTS_KEY,
    COLUMN_SCHEMA_KEY,
    COLUMN_STABILITY_CHECK_KEY,
    LAYER_TAG,
    PRIMARY_KEY_KEY,
    RUNBOOK_KEY,
    STAGE_DEFAULTS_TAG,
    Sla,
    metadata_value,
)
from platform_assets.stages.delivery_stage import STAGE_TAG, DeliveryStage


@dataclass(frozen=True)
class ColumnFacts:
    name: str
    description: str | None
    tags: Mapping[str, str]


@dataclass(frozen=True)
class CheckFacts:
    name: str
    blocking: bool
    asserts: tuple[str, ...]
    column_stability: bool


@dataclass(frozen=True)
class AssetFacts:
    key: str
    stage: DeliveryStage | None
    declared_stage: str | None
    owners: tuple[str, ...]
    description: str | None
    code_version: str | None
    group: str | None
    layer: str | None
    tags: Mapping[str, str]
    columns: tuple[ColumnFacts, ...] | None
    primary_key: tuple[str, ...]
    sla: Sla | None
    sla_error: str | None
    runbook: str | None
    has_freshness_policy: bool
    materializable: bool
    retry_max: int
    retry_has_backoff: bool
    checks: tuple[CheckFacts, ...]
    parents: tuple[str, ...]
    alert_route: str | None = field(default=None)
    stage_defaults: bool = field(default=False)
    """The platform applies this asset's stage defaults (see STAGE_DEFAULTS_TAG)."""
    sql: str | None = field(default=None)
    """A dbt model's raw SQL (see dbt_model_sql); None for other assets."""


def _columns(metadata: Mapping[str, Any]) -> tuple[ColumnFacts, ...] | None:
    schema = metadata_value(metadata, COLUMN_SCHEMA_KEY)
    if not isinstance(schema, dg.TableSchema):
        return None
    return tuple(
        ColumnFacts(column.name, column.description, dict(column.tags or {}))
        for column in schema.columns
    )


def _sla(metadata: Mapping[str, Any]) -> tuple[Sla | None, str | None]:
    try:
        return Sla.from_metadata(metadata), None
    except (TypeError, ValueError) as error:
        return None, str(error)


def _retry(assets_def: dg.AssetsDefinition | None) -> tuple[int, bool]:
    if assets_def is None or not assets_def.is_executable:
        return 0, False
    policy = getattr(assets_def.node_def, "retry_policy", None)
    if policy is None:
        return 0, False
    return policy.max_retries, policy.backoff is not None


def collect_facts(source: dg.Definitions | Any) -> list[AssetFacts]:
    """Facts for every asset of a Definitions, or of an already resolved asset graph (what
    a sensor or an asset gets from ``context.repository_def.asset_graph``)."""
    graph = source.resolve_asset_graph() if isinstance(source, dg.Definitions) else source
    facts = []
    for node in graph.asset_nodes:
        metadata = node.metadata or {}
        tags = dict(node.tags or {})
        sla, sla_error = _sla(metadata)
        checks = []
        for check_key in node.check_keys:
            spec = graph.get_check_spec(check_key)
            check_metadata = spec.metadata or {}
            asserts = metadata_value(check_metadata, CHECK_ASSERTS_KEY) or ()
            checks.append(
                CheckFacts(
                    spec.name,
                    spec.blocking,
                    tuple(asserts),
                    bool(metadata_value(check_metadata, COLUMN_STABILITY_CHECK_KEY)),
                )
            )
        assets_def = graph.assets_def_for_key(node.key) if node.is_executable else None
        retry_max, retry_backoff = _retry(assets_def)
        runbook = metadata_value(metadata, RUNBOOK_KEY)
        facts.append(
            AssetFacts(
                key=node.key.to_user_string(),
                stage=DeliveryStage.from_tags(tags),
                declared_stage=tags.get(STAGE_TAG),
                owners=tuple(node.owners or ()),
                description=node.description,
                code_version=node.code_version,
                group=node.group_name,
                layer=tags.get(LAYER_TAG),
                tags=tags,
                columns=_columns(metadata),
                primary_key=tuple(metadata_value(metadata, PRIMARY_KEY_KEY) or ()),
                sla=sla,
                sla_error=sla_error,
                runbook=str(runbook) if runbook else None,
                has_freshness_policy=node.freshness_policy is not None,
                materializable=node.is_materializable,
                retry_max=retry_max,
                retry_has_backoff=retry_backoff,
                checks=tuple(checks),
                parents=tuple(parent.to_user_string() for parent in node.parent_keys),
                alert_route=tags.get(ALERT_ROUTE_TAG),
                stage_defaults=tags.get(STAGE_DEFAULTS_TAG) == "applied",
                sql=dbt_model_sql(metadata),
            )
        )
    return facts
