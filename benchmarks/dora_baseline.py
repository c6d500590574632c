"""The DORA graph as plain DuckDB: the baseline ``bench_dora.py`` compares Dagster with.

    python benchmarks/dora_baseline.py OUTPUT.json

Run in a fresh interpreter, like the Dagster side. It does the same work with nothing in
between: the demo generator's frames (generated once) inserted into the same raw tables
(the contracts' DDL, primary keys included), then the SQL dbt compiled for every DORA
model, in DAG order, as ``create or replace view/table ... as <compiled sql>``, each
model's tests right after it (the queries dbt runs, wrapped the way dbt counts
failures). The compiled SQL comes from ``dbt compile`` against this warehouse before
anything is timed: on a warehouse without models it is the full-build SQL of every
model, incremental ones included.

The environment carries ``PLATFORM_WAREHOUSE_PATH`` (a fresh file) and the demo window
(``PLATFORM_DORA_DEMO_*``), read as the Dagster side reads them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

STARTED = time.perf_counter()

import duckdb  # noqa: E402
import polars as pl  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from platform_assets.domains.dora.demo_source import DemoSettings  # noqa: E402
from platform_assets.domains.dora.demo_source.activity import VISIBLE_AT, generate  # noqa: E402
from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS  # noqa: E402
from platform_assets.ingestion.contract import (  # noqa: E402
    LOADED_AT_COLUMN,
    RUN_ID_COLUMN,
    SOURCE_COLUMN,
)
from platform_assets.integrations.dbt.project import DBT_PROJECT_DIR, dbt_executable  # noqa: E402

IMPORTED = time.perf_counter()


def demo_settings() -> DemoSettings:
    """The demo window the environment asks for, as ``dora_source_from_env`` reads it."""
    end = os.environ.get("PLATFORM_DORA_DEMO_END")
    return DemoSettings(
        seed=int(os.environ.get("PLATFORM_DORA_DEMO_SEED", "7")),
        scale=float(os.environ.get("PLATFORM_DORA_DEMO_SCALE", "1")),
        days=int(os.environ.get("PLATFORM_DORA_DEMO_DAYS", "90")),
        end=date.fromisoformat(end) if end else None,
    )


def compile_project(warehouse: Path, target: Path) -> dict[str, Any]:
    """``dbt compile`` against the (still empty) warehouse; returns the manifest."""
    environment = {
        **os.environ,
        "PLATFORM_WAREHOUSE_PATH": str(warehouse),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    command = [dbt_executable(), "compile", "--project-dir", str(DBT_PROJECT_DIR)]
    command += ["--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(target)]
    command += ["--log-path", str(target / "logs"), "--quiet"]
    subprocess.run(command, env=environment, check=True, capture_output=True, text=True)
    return json.loads((target / "manifest.json").read_text())


def build_order(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """Seeds and models in dependency order, each followed by the tests whose parents are
    all built by then (where `dbt build` runs them)."""
    # The DORA domain's nodes only, as the dora_refresh job builds: models, seeds and
    # tests live in the domain's dora/ folders (the customer domain needs its own sources).
    nodes = {
        uid: node
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] in ("model", "seed", "test")
        and "/dora/" in f"/{node['original_file_path']}"
    }
    buildable = [uid for uid, node in nodes.items() if node["resource_type"] != "test"]

    def parents(uid: str) -> list[str]:
        # seeds depend on no node; tests may depend on nodes outside the project (none here)
        return [d for d in nodes[uid]["depends_on"].get("nodes", []) if d in nodes]

    done: set[str] = set()
    ordered: list[dict[str, Any]] = []
    pending_tests = sorted(uid for uid, node in nodes.items() if node["resource_type"] == "test")
    remaining = sorted(buildable)
    while remaining:
        ready = [uid for uid in remaining if all(d in done for d in parents(uid))]
        if not ready:
            raise RuntimeError(f"dependency cycle among {remaining}")
        for uid in ready:
            ordered.append(nodes[uid])
            done.add(uid)
            remaining.remove(uid)
            runnable = [test for test in pending_tests if all(d in done for d in parents(test))]
            for test in runnable:
                ordered.append(nodes[test])
                pending_tests.remove(test)
    return ordered


def land(connection: duckdb.DuckDBPyConnection, frames: dict[str, pl.DataFrame]) -> dict:
    """Plain inserts of the generated records into the contracts' raw tables, with the
    lineage columns the loader adds."""
    seconds: dict[str, float] = {}
    loaded_at = datetime.now(UTC)
    connection.execute("create schema if not exists raw")
    for table, contract in RAW_CONTRACTS.items():
        started = time.perf_counter()
        schema = contract.polars_schema()
        batch = (
            frames[table]
            .drop(VISIBLE_AT)
            .with_columns(
                pl.lit("demo").alias(SOURCE_COLUMN),
                pl.lit(loaded_at).dt.cast_time_unit("us").alias(LOADED_AT_COLUMN),
                pl.lit("baseline").alias(RUN_ID_COLUMN),
            )
        )
        # The optional lineage columns (row hash, soft delete, extras) are the loader's
        # bookkeeping, which plain inserts do not do: they land empty.
        batch = (
            batch.with_columns(
                pl.lit(None).alias(name) for name in schema if name not in batch.columns
            )
            .select(schema.names())
            .cast(schema)
        )
        connection.execute(contract.create_table_sql())
        connection.register("batch", batch.to_arrow())
        connection.execute(f"insert into {contract.sql_name} select * from batch")
        connection.unregister("batch")
        seconds[table] = round(time.perf_counter() - started, 2)
    return seconds


def seed_sql(node: dict[str, Any]) -> str:
    types = node["config"].get("column_types") or {}
    columns = ", ".join(f"'{name}': '{kind}'" for name, kind in types.items())
    path = DBT_PROJECT_DIR / node["original_file_path"]
    reader = f"read_csv('{path}', header = true, columns = {{{columns}}})"
    return f"create or replace table {node['relation_name']} as select * from {reader}"


def model_sql(node: dict[str, Any]) -> str:
    kind = "view" if node["config"]["materialized"] == "view" else "table"
    return f"create or replace {kind} {node['relation_name']} as {node['compiled_code']}"


def test_sql(node: dict[str, Any]) -> str:
    # dbt's own wrapper (get_test_sql): the failures are counted, not fetched
    return (
        "select count(*) as failures, count(*) != 0 as should_warn, "
        f"count(*) != 0 as should_error from ({node['compiled_code']}) dbt_internal_test"
    )


def main() -> None:
    output = Path(sys.argv[1])
    warehouse = Path(os.environ["PLATFORM_WAREHOUSE_PATH"])
    with tempfile.TemporaryDirectory() as folder:
        manifest = compile_project(warehouse, Path(folder) / "target")
    ordered = build_order(manifest)
    prepared = time.perf_counter()

    started = time.perf_counter()
    frames = generate(demo_settings().window())
    generated = time.perf_counter()
    connection = duckdb.connect(str(warehouse))
    landing = land(connection, frames)
    del frames
    landed = time.perf_counter()
    for schema in sorted({node["schema"] for node in ordered if node["resource_type"] != "test"}):
        connection.execute(f"create schema if not exists {schema}")
    node_seconds: dict[str, float] = {}
    failing_tests: list[str] = []
    model_total = test_total = 0.0
    for node in ordered:
        node_started = time.perf_counter()
        if node["resource_type"] == "seed":
            connection.execute(seed_sql(node))
        elif node["resource_type"] == "model":
            connection.execute(model_sql(node))
        else:
            (failures, _, _), *_ = connection.execute(test_sql(node)).fetchall()
            if failures:
                failing_tests.append(node["name"])
        elapsed = time.perf_counter() - node_started
        if node["resource_type"] == "test":
            test_total += elapsed
        else:
            model_total += elapsed
            node_seconds[f"{node['schema']}/{node['name']}"] = round(elapsed, 2)
    connection.close()
    finished = time.perf_counter()
    figures = {
        "import_seconds": round(IMPORTED - STARTED, 2),
        "compile_seconds_untimed": round(prepared - IMPORTED, 2),
        "generate_seconds": round(generated - started, 2),
        "land_seconds": round(landed - generated, 2),
        "land_tables": landing,
        "model_seconds": round(model_total, 2),
        "test_seconds": round(test_total, 2),
        "tests": sum(1 for node in ordered if node["resource_type"] == "test"),
        "failing_tests": failing_tests,
        "models": node_seconds,
        "work_seconds": round(finished - started, 2),
    }
    figures["process_seconds"] = round(finished - STARTED - (prepared - IMPORTED), 2)
    output.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
