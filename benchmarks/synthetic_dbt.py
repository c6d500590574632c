"""A synthetic dbt project of N models, shaped like this platform's own, for load benchmarks.

Each domain has staging views over its own source tables, intermediate tables joining two
staging models and marts over the intermediate ones. Every model is documented in YAML
the way the platform asks (``config.meta`` with stage, owners, domain, layer, version,
sla, runbook and primary key; a description and a ``pii`` classification on every column)
and tested (``unique`` and ``not_null`` on the key, ``not_null`` on the timestamp), so the
translator and dagster-dbt do the same work per model as they do on the real project.

The manifest is built once with ``dbt parse`` (parsing is not part of a code-location
load); ``synthetic_dbt_definitions`` is what a code location over it declares.
"""

# No `from __future__ import annotations`: Dagster checks the `context` annotation of an
# asset function by identity, and a string annotation fails that check.
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import yaml
from dagster_dbt import DbtCliResource, dbt_assets

from platform_assets.integrations.dbt.translator import StagedDbtTranslator

#: Share of the models in each layer: most models are staging, fewest are marts.
LAYER_SHARES = {"staging": 0.4, "intermediate": 0.3, "marts": 0.3}
#: The stages models of each layer declare, in turn: consumer-facing layers are further on.
STAGES_BY_LAYER = {
    "staging": ("poc", "alpha", "beta"),
    "intermediate": ("alpha", "beta", "ga"),
    "marts": ("beta", "ga", "ga"),
}
MODELS_PER_DOMAIN = 50
#: Schema prefix that keeps synthetic asset keys apart from the project's own.
SCHEMA_PREFIX = "synthetic_"

PROJECT_YML = """\
name: synthetic
version: "1.0.0"
config-version: 2
profile: synthetic
model-paths: ["models"]
macro-paths: ["macros"]
target-path: "target"
models:
  synthetic:
    staging: {+schema: synthetic_staging, +materialized: view}
    intermediate: {+schema: synthetic_intermediate, +materialized: table}
    marts: {+schema: synthetic_marts, +materialized: table}
"""

#: Schemas named by layer, as the project's own macro names them.
SCHEMA_MACRO = """\
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}
    {%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
"""


@dataclass(frozen=True)
class SyntheticModel:
    name: str
    domain: str
    layer: str
    stage: str
    parents: tuple[str, ...]
    source_table: str | None = None


def plan_models(model_count: int) -> list[SyntheticModel]:
    """Domains of ``MODELS_PER_DOMAIN`` models split across layers by ``LAYER_SHARES``;
    intermediate models read two staging models, marts one or two intermediate ones."""
    models: list[SyntheticModel] = []
    domain_index = 0
    while len(models) < model_count:
        size = min(MODELS_PER_DOMAIN, model_count - len(models))
        domain = f"domain{domain_index:02d}"
        counts = {layer: int(size * share) for layer, share in LAYER_SHARES.items()}
        counts["staging"] += size - sum(counts.values())
        staging = [f"stg_{domain}__entity{i:03d}" for i in range(counts["staging"])]
        intermediate = [f"int_{domain}__join{i:03d}" for i in range(counts["intermediate"])]
        marts = [f"fct_{domain}__metric{i:03d}" for i in range(counts["marts"])]
        for i, name in enumerate(staging):
            stage = STAGES_BY_LAYER["staging"][i % 3]
            models.append(
                SyntheticModel(name, domain, "staging", stage, (), source_table=f"entity{i:03d}")
            )
        for i, name in enumerate(intermediate):
            parents = (staging[i % len(staging)], staging[(i + 1) % len(staging)])
            stage = STAGES_BY_LAYER["intermediate"][i % 3]
            models.append(SyntheticModel(name, domain, "intermediate", stage, parents))
        for i, name in enumerate(marts):
            parents = tuple(
                dict.fromkeys(
                    (
                        intermediate[i % len(intermediate)],
                        intermediate[(i * 7 + 3) % len(intermediate)],
                    )
                )
            )
            stage = STAGES_BY_LAYER["marts"][i % 3]
            models.append(SyntheticModel(name, domain, "marts", stage, parents))
        domain_index += 1
    return models


def _model_sql(model: SyntheticModel) -> str:
    if model.source_table:
        return (
            "select id, name, updated_at\n"
            f"from {{{{ source('raw_{model.domain}', '{model.source_table}') }}}}\n"
        )
    first, *others = model.parents
    joins = "".join(
        f"left join {{{{ ref('{parent}') }}}} as p{i} using (id)\n"
        for i, parent in enumerate(others, start=1)
    )
    return f"select p0.id, p0.name, p0.updated_at\nfrom {{{{ ref('{first}') }}}} as p0\n{joins}"


def _column(name: str, description: str, tests: list[str]) -> dict[str, Any]:
    column: dict[str, Any] = {
        "name": name,
        "description": description,
        "config": {"meta": {"pii": False}},
    }
    if tests:
        column["data_tests"] = tests
    return column


def _model_yaml(model: SyntheticModel) -> dict[str, Any]:
    return {
        "name": model.name,
        "description": f"Synthetic {model.layer} model {model.name} of {model.domain}.",
        "config": {
            "meta": {
                "stage": model.stage,
                "owners": [f"team:{model.domain}"],
                "domain": model.domain,
                "layer": model.layer,
                "version": "1.0.0",
                "sla": {"freshness_hours": 24},
                "runbook": f"docs/runbooks/{model.domain}.md",
                "primary_key": ["id"],
            }
        },
        "columns": [
            _column("id", "Natural key.", ["unique", "not_null"]),
            _column("name", "Display name.", []),
            _column("updated_at", "When the row last changed (UTC).", ["not_null"]),
        ],
    }


def _sources_yaml(domain: str, tables: list[str]) -> dict[str, Any]:
    return {
        "version": 2,
        "sources": [
            {
                "name": f"raw_{domain}",
                "schema": f"raw_{domain}",
                "tables": [{"name": table, "description": f"Raw {table}."} for table in tables],
            }
        ],
    }


def write_project(root: Path, model_count: int) -> Path:
    """Writes the dbt project under ``root`` (profile included, on a DuckDB file there)."""
    models = plan_models(model_count)
    (root / "macros").mkdir(parents=True, exist_ok=True)
    (root / "dbt_project.yml").write_text(PROJECT_YML)
    (root / "macros" / "generate_schema_name.sql").write_text(SCHEMA_MACRO)
    profile = {
        "synthetic": {
            "target": "local",
            "outputs": {
                "local": {"type": "duckdb", "path": str(root / "synthetic.duckdb"), "threads": 1}
            },
        }
    }
    (root / "profiles.yml").write_text(yaml.safe_dump(profile))
    by_folder: dict[tuple[str, str], list[SyntheticModel]] = {}
    for model in models:
        by_folder.setdefault((model.layer, model.domain), []).append(model)
    for (layer, domain), folder_models in by_folder.items():
        folder = root / "models" / layer / domain
        folder.mkdir(parents=True, exist_ok=True)
        for model in folder_models:
            (folder / f"{model.name}.sql").write_text(_model_sql(model))
        document = {"version": 2, "models": [_model_yaml(m) for m in folder_models]}
        (folder / f"_{domain}__{layer}.yml").write_text(yaml.safe_dump(document, sort_keys=False))
        tables = [m.source_table for m in folder_models if m.source_table]
        if tables:
            sources = _sources_yaml(domain, tables)
            (folder / f"_{domain}__sources.yml").write_text(yaml.safe_dump(sources))
    return root


def parse_manifest(project_dir: Path) -> Path:
    """``dbt parse`` once, with the virtualenv's dbt; returns the manifest's path."""
    dbt = Path(sys.executable).with_name("dbt")
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    subprocess.run(
        [
            str(dbt),
            "parse",
            "--project-dir",
            str(project_dir),
            "--profiles-dir",
            str(project_dir),
            "--quiet",
        ],
        cwd=project_dir,
        env=env,
        check=True,
    )
    return project_dir / "target" / "manifest.json"


def synthetic_dbt_assets(manifest_path: Path) -> dg.AssetsDefinition:
    """``@dbt_assets`` over the synthetic manifest with the platform's translator."""

    @dbt_assets(
        manifest=manifest_path,
        dagster_dbt_translator=StagedDbtTranslator(),
        name="synthetic_dbt_models",
    )
    def synthetic_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator:
        yield from dbt.cli(["build"], context=context).stream()

    return synthetic_dbt_models


def synthetic_dbt_definitions(manifest_path: Path, *, with_resource: bool) -> dg.Definitions:
    """The synthetic models as definitions; ``with_resource`` adds the ``dbt`` resource
    for a location that has none (merged into one that does, it must not clash)."""
    resources = {}
    if with_resource:
        project_dir = manifest_path.parent.parent
        resources["dbt"] = DbtCliResource(
            project_dir=str(project_dir), profiles_dir=str(project_dir)
        )
    return dg.Definitions(assets=[synthetic_dbt_assets(manifest_path)], resources=resources)
