"""dbt's ``grants`` config (dbt_project/dbt_project.yml) against the models' own access
tags: on PostgreSQL the analyst may read every model and seed, the consumer exactly the
models tagged ``access: consumer``; on DuckDB, which has no grants, none is configured
(dbt-duckdb would warn about each), and the consumer export takes the same models. Read
from the manifest ``dbt parse`` writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from platform_assets.integrations.duckdb.consumer_export import ConsumerTable, consumer_tables
from platform_assets.settings import PROJECT_ROOT
from platform_assets.warehouse.roles import role_name

DBT_PROJECT = PROJECT_ROOT / "dbt_project"


def _parse(target: str, target_path: Path) -> Path:
    """The manifest of the project parsed for ``target``."""
    dbt = Path(sys.executable).with_name("dbt")
    subprocess.run(
        [str(dbt), "parse", "--quiet", "--target-path", str(target_path)],
        cwd=DBT_PROJECT,
        env={**os.environ, "PLATFORM_DBT_TARGET": target, "DBT_PROFILES_DIR": str(DBT_PROJECT)},
        check=True,
    )
    return target_path / "manifest.json"


def _parsed_nodes(target: str, target_path: Path) -> list[dict[str, Any]]:
    manifest = json.loads(_parse(target, target_path).read_text())
    return [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("model", "seed") and node["package_name"] == "platform_assets"
    ]


def test_on_postgres_the_consumer_may_read_only_the_consumer_models(tmp_path: Path) -> None:
    nodes = _parsed_nodes("postgres", tmp_path)
    analyst, consumer = role_name("analyst"), role_name("consumer")
    readers = {node["name"]: set(node["config"]["grants"].get("select", [])) for node in nodes}
    consumer_models = {
        node["name"] for node in nodes if node["config"]["meta"].get("access") == "consumer"
    }

    assert consumer_models, "no model is tagged `access: consumer`"
    assert {name for name, roles in readers.items() if consumer in roles} == consumer_models
    assert {name for name, roles in readers.items() if analyst not in roles} == set()


def test_on_duckdb_no_grants_are_configured_and_the_export_takes_the_consumer_models(
    tmp_path: Path,
) -> None:
    manifest = _parse("local", tmp_path)
    nodes = json.loads(manifest.read_text())["nodes"].values()

    assert [node["name"] for node in nodes if node["config"].get("grants")] == []
    assert consumer_tables(manifest) == [
        ConsumerTable(schema="gold", name="consumer_customer_profile")
    ]
