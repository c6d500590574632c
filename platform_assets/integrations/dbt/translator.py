"""Translates dbt models into staged Dagster assets.

dagster-dbt reads neither dbt ``freshness`` nor arbitrary ``meta`` keys, so the stage
contract a model declares in ``config.meta`` (stage, owners, version, sla, runbook,
primary_key, column pii classification) is mapped here onto the same tags, metadata and
policies that ``staged_asset`` gives a Python asset. The audit then holds dbt models and
Python assets to one standard.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

from platform_assets.stages.contract_metadata import (
    ACCESS_TAG,
    ALERT_ROUTE_TAG,
    CHECK_ASSERTS_KEY,
    COLUMN_SCHEMA_KEY,
    DOMAIN_TAG,
    LAYER_TAG,
    PII_PROTECTION_TAG,
    PII_TAG,
    RUNBOOK_KEY,
    STAGE_DEFAULTS_TAG,
    Sla,
    asserts_not_null,
    asserts_unique,
    primary_key_metadata,
)
from platform_assets.stages.delivery_stage import DeliveryStage
from platform_assets.stages.stage_defaults import alert_route, default_freshness_policy

#: dbt generic tests whose arguments name the columns they assert, by test name.
_UNIQUE_TESTS = frozenset({"unique"})
_COMBINATION_TESTS = frozenset({"unique_combination_of_columns"})
_NOT_NULL_TESTS = frozenset({"not_null"})


def node_meta(resource_props: Mapping[str, Any]) -> Mapping[str, Any]:
    return (resource_props.get("config") or {}).get("meta") or resource_props.get("meta") or {}


def model_stage(resource_props: Mapping[str, Any]) -> DeliveryStage | None:
    raw = node_meta(resource_props).get("stage")
    try:
        return DeliveryStage.parse(raw) if raw is not None else None
    except ValueError:
        return None


def _column_schema(resource_props: Mapping[str, Any]) -> dg.TableSchema | None:
    columns = resource_props.get("columns") or {}
    if not columns:
        return None
    table_columns = []
    for name, column in columns.items():
        meta = column.get("meta") or (column.get("config") or {}).get("meta") or {}
        tags = {}
        if PII_TAG in meta:
            tags[PII_TAG] = str(bool(meta[PII_TAG])).lower()
        if PII_PROTECTION_TAG in meta:
            tags[PII_PROTECTION_TAG] = str(meta[PII_PROTECTION_TAG])
        table_columns.append(
            dg.TableColumn(
                name=name,
                type=column.get("data_type") or "unknown",
                description=column.get("description") or None,
                tags=tags,
            )
        )
    return dg.TableSchema(columns=table_columns)


def _code_version(version: Any, content_hash: str | None) -> str | None:
    """SemVer from the model's meta, with the SQL's hash as build metadata
    (``1.2.0+3f9a1c2e``): a stable release version for consumers, and a value that still
    changes with the code so Dagster can flag the model as changed."""
    if version is None:
        return None
    return f"{version}+{content_hash[:8]}" if content_hash else str(version)


def _describe_test(name: str | None, column: str | None, kwargs: Mapping[str, Any]) -> str:
    """A sentence for the UI, where a generated test name is cut short."""
    if name is None:
        return "A singular dbt test: fails when its query returns rows."
    arguments = ", ".join(
        f"{key}={value}" for key, value in kwargs.items() if key not in ("column_name", "model")
    )
    target = f"`{column}`" if column else "the model"
    return f"dbt test `{name}` on {target}" + (f" ({arguments})." if arguments else ".")


class StagedDbtTranslator(DagsterDbtTranslator):
    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))
        self._specs: dict[tuple[int, str], dg.AssetSpec] = {}

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        """``<schema>/<name>``: the same convention as Python assets, so a dbt source
        ``raw.deployments`` is the Python asset ``raw/deployments`` that lands it."""
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        name = dbt_resource_props.get("alias") or dbt_resource_props["name"]
        return dg.AssetKey([dbt_resource_props["schema"], name])

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        """Only the written description: dagster-dbt's fallback is the model's SQL, which
        would make every undocumented model look documented to the audit."""
        return (dbt_resource_props.get("description") or "").strip()

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        meta = node_meta(dbt_resource_props)
        domain = meta.get("domain")
        return f"{domain}_{dbt_resource_props['schema']}" if domain else None

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: Any
    ) -> dg.AssetSpec:
        """Cached per node: dagster-dbt asks again for every edge and every test (about
        seven times per model), and building a staged spec is the bulk of a code-location
        load. A manifest is loaded once per process, so its identity keys the cache."""
        cache_key = (id(manifest), unique_id)
        spec = self._specs.get(cache_key)
        if spec is None:
            spec = self._specs[cache_key] = self._staged_spec(manifest, unique_id, project)
        return spec

    def _staged_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: Any
    ) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props["resource_type"] == "source":
            return spec
        meta = node_meta(props)
        stage = model_stage(props)
        tags = dict(spec.tags)
        tags[LAYER_TAG] = str(meta.get("layer") or props["schema"])
        if meta.get("domain"):
            tags[DOMAIN_TAG] = str(meta["domain"])
        # who may read the table (restricted, consumer): the audit's pii rules read it
        if meta.get("access"):
            tags[ACCESS_TAG] = str(meta["access"])
        metadata: dict[str, Any] = dict(spec.metadata)
        sla = Sla(**meta["sla"]) if isinstance(meta.get("sla"), Mapping) else None
        if sla is not None:
            metadata.update(sla.to_metadata())
        if meta.get("runbook"):
            metadata[RUNBOOK_KEY] = dg.MetadataValue.path(str(meta["runbook"]))
        if meta.get("primary_key"):
            metadata.update(primary_key_metadata(list(meta["primary_key"])))
        column_schema = _column_schema(props)
        if column_schema is not None:
            metadata[COLUMN_SCHEMA_KEY] = column_schema
        if stage is not None:
            tags.update(stage.stage_tag())
            tags[ALERT_ROUTE_TAG] = alert_route(stage)
            tags[STAGE_DEFAULTS_TAG] = "applied"
        elif "stage" in meta:
            tags["stage"] = str(meta["stage"])
        return spec.replace_attributes(
            tags=tags,
            owners=list(meta.get("owners") or []),
            metadata=metadata,
            code_version=_code_version(meta.get("version"), spec.code_version),
            freshness_policy=default_freshness_policy(stage, sla) if stage else None,
            kinds={"dbt", "duckdb", "sql"},
        )

    def get_asset_check_spec(
        self,
        asset_spec: dg.AssetSpec,
        manifest: Mapping[str, Any],
        unique_id: str,
        project: Any,
    ) -> dg.AssetCheckSpec | None:
        """Records which columns a dbt test asserts, so the audit can see the primary key
        asserted; Alpha models' tests never block, whatever their dbt severity."""
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return None
        test = self.get_resource_props(manifest, unique_id)
        test_metadata = test.get("test_metadata") or {}
        name = test_metadata.get("name")
        kwargs = test_metadata.get("kwargs") or {}
        column = kwargs.get("column_name") or test.get("column_name")
        asserts: list[str] = []
        if name in _UNIQUE_TESTS and column:
            asserts.append(asserts_unique([column]))
        elif name in _COMBINATION_TESTS and kwargs.get("combination_of_columns"):
            asserts.append(asserts_unique(list(kwargs["combination_of_columns"])))
        elif name in _NOT_NULL_TESTS and column:
            asserts.append(asserts_not_null(column))
        stage = DeliveryStage.from_tags(dict(asset_spec.tags))
        blocking = spec.blocking and (stage is None or stage.checks_block)
        return dg.AssetCheckSpec(
            name=spec.name,
            asset=spec.asset_key,
            description=spec.description or _describe_test(name, column, kwargs),
            additional_deps=spec.additional_deps,
            blocking=blocking,
            metadata={**(spec.metadata or {}), CHECK_ASSERTS_KEY: asserts},
        )
