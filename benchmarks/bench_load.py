"""How long this project's code location takes to load, alone and with 1,000 dbt models.

A code location loads every time the webserver, the daemon or a run worker starts, and
every time a user clicks "Reload definitions"; a slow load is the first thing a user of
the UI feels. Each figure is the median of several loads, each in a fresh interpreter:
``import dagster``, import of the location's module (its ``defs``), the repository with
its jobs resolved, and the snapshot a code server sends to the webserver.

- ``seconds_project``: ``platform_assets.definitions``. Target: at most 3 s.
- ``seconds_1000_models``: the same location plus ``@dbt_assets`` over a synthetic dbt
  project of 1,000 documented and tested models, translated by the platform's
  ``StagedDbtTranslator``. Its manifest is built once with ``dbt parse`` beforehand:
  parsing is not part of a load. Target: at most 10 s.

One extra load of the synthetic models runs under cProfile; the functions that dominate
it are written with the figures. Run: `make bench` or `python benchmarks/bench_load.py`.
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._results import write_results  # noqa: E402
from benchmarks.synthetic_dbt import parse_manifest, write_project  # noqa: E402

PROJECT_MODULE = "platform_assets.definitions"
MODEL_COUNT = 1_000
PROJECT_RUNS = 5
SYNTHETIC_RUNS = 3
TARGET_SECONDS_PROJECT = 3.0
TARGET_SECONDS_1000_MODELS = 10.0
MANIFEST_ENV = "SYNTHETIC_DBT_MANIFEST"

#: Loads one code location in a fresh interpreter and prints the time of each phase as
#: JSON. Argument: a module name, or a path to a Python file.
LOAD_PROBE = """
import importlib, importlib.util, json, sys, time
started = time.perf_counter()
import dagster as dg
imported_dagster = time.perf_counter()
target = sys.argv[1]
if target.endswith(".py"):
    spec = importlib.util.spec_from_file_location("code_location", target)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
else:
    module = importlib.import_module(target)
defs = module.defs
imported_location = time.perf_counter()
repository = defs.get_repository_def()
repository.get_all_jobs()
resolved = time.perf_counter()
try:
    from dagster._core.remote_representation.external_data import RepositorySnap
except ImportError:  # internal API: the snapshot phase is skipped if it moves
    RepositorySnap = None
if RepositorySnap is not None:
    RepositorySnap.from_def(repository)
snapshotted = time.perf_counter()
print(json.dumps({
    "import_dagster": imported_dagster - started,
    "import_location": imported_location - imported_dagster,
    "resolve_repository": resolved - imported_location,
    "snapshot": snapshotted - resolved,
    "total": snapshotted - started,
    "asset_count": len(list(defs.resolve_asset_graph().asset_nodes)),
}))
"""

#: A code location: the project's definitions plus the synthetic dbt models.
SYNTHETIC_LOCATION = f"""
import os
from pathlib import Path

import dagster as dg

from benchmarks.synthetic_dbt import synthetic_dbt_definitions
from {PROJECT_MODULE} import defs as project_defs

defs = dg.Definitions.merge(
    project_defs,
    synthetic_dbt_definitions(
        Path(os.environ["{MANIFEST_ENV}"]),
        with_resource="dbt" not in (project_defs.resources or {{}}),
    ),
)
"""


def probe_env(workdir: Path, manifest: Path | None = None) -> dict[str, str]:
    """A scratch instance and warehouse: loading must not need, nor touch, real ones."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "DAGSTER_HOME": str(workdir),
        "PLATFORM_WAREHOUSE_PATH": str(workdir / "warehouse.duckdb"),
        "DAGSTER_TELEMETRY_DISABLED": "1",
    }
    if manifest is not None:
        env[MANIFEST_ENV] = str(manifest)
    return env


def load_once(target: str, env: dict[str, str]) -> dict[str, float]:
    completed = subprocess.run(
        [sys.executable, "-c", LOAD_PROBE, target],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        raise SystemExit(f"loading {target} failed:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def median_load(target: str, env: dict[str, str], runs: int) -> dict[str, float]:
    """The median of each phase over ``runs`` loads (the total's median is the figure)."""
    loads = [load_once(target, env) for _ in range(runs)]
    phases = loads[0].keys()
    return {phase: round(statistics.median(load[phase] for load in loads), 3) for phase in phases}


def profile_synthetic_build(manifest: Path, top: int = 12) -> list[dict[str, Any]]:
    """cProfile of building the synthetic ``@dbt_assets`` and resolving its repository:
    the functions with the highest cumulative time, the project's own and dagster-dbt's."""
    from benchmarks.synthetic_dbt import synthetic_dbt_definitions

    profiler = cProfile.Profile()
    profiler.enable()
    synthetic_dbt_definitions(manifest, with_resource=True).get_repository_def().get_all_jobs()
    profiler.disable()
    stats = pstats.Stats(profiler)
    rows = []
    for (filename, line, function), (_, calls, _, cumulative, _) in stats.stats.items():
        if "platform_assets" in filename or "dagster_dbt" in filename:
            short = filename.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
            rows.append(
                {
                    "function": f"{short}:{line}({function})",
                    "calls": calls,
                    "seconds_cumulative": round(cumulative, 3),
                }
            )
    rows.sort(key=lambda row: row["seconds_cumulative"], reverse=True)
    return rows[:top]


def main() -> None:
    # Loads are CPU-bound: on a shared machine the figures are only as quiet as the machine.
    load_average_before = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory(prefix="bench_load_") as directory:
        workdir = Path(directory)
        project = median_load(PROJECT_MODULE, probe_env(workdir), PROJECT_RUNS)
        print(f"project: {project}", flush=True)

        dbt_dir = write_project(workdir / "synthetic_dbt", MODEL_COUNT)
        manifest = parse_manifest(dbt_dir)
        location = workdir / "synthetic_location.py"
        location.write_text(SYNTHETIC_LOCATION)
        synthetic = median_load(str(location), probe_env(workdir, manifest), SYNTHETIC_RUNS)
        print(f"with {MODEL_COUNT} models: {synthetic}", flush=True)
        profile = profile_synthetic_build(manifest)
        manifest_megabytes = round(manifest.stat().st_size / 1e6, 1)

    write_results(
        "load",
        {
            "seconds_project": project["total"],
            "seconds_1000_models": synthetic["total"],
            "target_seconds_project": TARGET_SECONDS_PROJECT,
            "target_seconds_1000_models": TARGET_SECONDS_1000_MODELS,
            "within_targets": project["total"] <= TARGET_SECONDS_PROJECT
            and synthetic["total"] <= TARGET_SECONDS_1000_MODELS,
            "runs": {"project": PROJECT_RUNS, "1000_models": SYNTHETIC_RUNS},
            "load_average_1min_before": load_average_before,
            "cpu_count": os.cpu_count(),
            "phases_project": project,
            "phases_1000_models": synthetic,
            "synthetic_manifest_megabytes": manifest_megabytes,
            "profile_1000_models_top": profile,
        },
    )


if __name__ == "__main__":
    main()
