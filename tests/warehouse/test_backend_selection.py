"""One variable moves the code location to PostgreSQL: its warehouse resources, the
executor (parallel steps) and the DuckDB writer pool (gone)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

DESCRIBE_LOCATION = """
import json
from platform_assets.definitions import defs
graph = defs.resolve_asset_graph()
pools = sorted({node.pools and ",".join(sorted(node.pools)) or "" for node in graph.asset_nodes
                if node.is_materializable})
job = defs.resolve_implicit_global_asset_job_def()
warehouse = defs.resources["warehouse"]
print(json.dumps({
    "executor": job.executor_def.name,
    "pools": pools,
    "postgres_url_configured": bool(warehouse.postgres_url),
}))
"""


def _describe(**environment: str) -> dict[str, object]:
    base = {k: v for k, v in os.environ.items() if k != "PLATFORM_POSTGRES_URL"}
    done = subprocess.run(
        [sys.executable, "-c", DESCRIBE_LOCATION],
        env={**base, **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


def test_the_embedded_default_serialises_the_duckdb_writers() -> None:
    described = _describe()
    assert described == {
        "executor": "in_process",
        "pools": ["duckdb_warehouse"],
        "postgres_url_configured": False,
    }


def test_a_postgresql_url_runs_steps_in_parallel_without_the_writer_pool() -> None:
    described = _describe(PLATFORM_POSTGRES_URL="postgresql://platform@127.0.0.1:1/platform")
    assert described == {
        "executor": "multiprocess",
        "pools": [""],
        "postgres_url_configured": True,
    }
