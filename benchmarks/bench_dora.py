"""The scale targets of the DORA graph: a million deployment commits on this machine.

    python benchmarks/bench_dora.py [--scale 137] [--days 135] [--end 2026-11-04] [--repeats 3]

The demo source at ``--scale`` over ``--days`` days ending at ``--end`` (about a million
deployment commits, pull requests and incidents in proportion) is materialized in these
phases, each in a fresh interpreter, in one run of this script:

1. **baseline**: the same work as plain DuckDB (``dora_baseline.py``): the generator's
   frames inserted into the same raw tables, then the compiled SQL of every DORA model in
   DAG order with the tests dbt runs;
2. **dagster full**: the project's ``dora_refresh`` job (every asset tagged domain=dora:
   the raw assets, then the dbt models with all their checks) on a fresh warehouse and
   Dagster instance (``dora_dagster_run.py``). Phases 1 and 2 alternate ``--repeats``
   times (3 by default), and the run with the median time of each side is the one
   reported: on this shared machine one run of either side varies by 5 to 20 % from the
   next;
3. **dagster incremental**: the same job again on the last full run's warehouse and
   instance after the demo window moved one day forward, so about 1 % new records arrive
   (the exact share is reported per table);
4. **dagster unchanged**: the same job once more on the same window, so nothing new
   arrives: what a run costs at this scale whatever its data (the checks still read
   whole tables);
5. **dagster empty**: the job on a fresh warehouse and instance with the smallest demo
   source (one service, one day): what a run costs whatever the scale (Dagster's run
   and event log, dbt's start and its ~350 nodes, the 8 ingestion steps).

Before the Dagster phases the dbt project is parsed for their warehouse, untimed (see
``_prepare_dbt``), as the baseline's ``dbt compile`` is.

The targets (issue 15), with ``t_floor`` the empty phase (the one-service-one-day run):

- ``ratio_vs_duckdb`` = median dagster full / median baseline, at most 1.25;
- ``incremental_above_floor`` = (incremental - floor) / (full - floor), at most 0.10: the
  share of a full run's data-dependent cost that 1 % new rows cost;
- ``unchanged_above_floor`` = (unchanged - floor) / (full - floor), at most 0.05: what a
  run with nothing new costs above the floor.

Also reported: ``incremental_ratio`` = incremental / full and ``empty_ratio`` = floor /
full (no incremental run can cost less than the floor). Times
are wall seconds of each interpreter from its first import to the end of its work (the
baseline's untimed ``dbt compile`` excluded). Also written: every phase and step, dbt's
per-model times, the rows each load added, and the load average sampled during each
phase (the machine is shared: read the ratios with it). Run: `make bench` or this file.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._results import write_results  # noqa: E402
from platform_assets.integrations.dbt.project import DBT_PROJECT_DIR, dbt_executable  # noqa: E402
from platform_assets.settings import warehouse_path  # noqa: E402

# 135 days at scale 137 is about a million deployment commits, and one more weekday is
# about 1 % of every table (at 90 days a weekday is 1.5 %). The window ends on a fixed
# date, so every run sees the same records.
DEFAULT_SCALE = 137.0
DEFAULT_DAYS = 135
DEFAULT_END = date(2026, 11, 4)  # the incremental run adds Wednesday 4 November
#: This machine is shared: one run of either side varies by 5 to 20 % from the next, as
#: much as the gap the target leaves, so the baseline and the full run are measured this
#: many times, alternately, and their medians compared.
DEFAULT_REPEATS = 3
TARGET_RATIO_VS_DUCKDB = 1.25
TARGET_INCREMENTAL_ABOVE_FLOOR = 0.10
TARGET_UNCHANGED_ABOVE_FLOOR = 0.05
LOAD_SAMPLE_SECONDS = 5.0


class LoadSampler:
    """Samples the 1-minute load average while a phase runs."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(os.getloadavg()[0])
            self._stop.wait(LOAD_SAMPLE_SECONDS)

    def __enter__(self) -> LoadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> dict[str, float]:
        return {
            "mean": round(sum(self.samples) / len(self.samples), 2),
            "max": round(max(self.samples), 2),
        }


def _environment(warehouse: Path, demo: dict[str, str], home: Path | None) -> dict[str, str]:
    """The parent's environment without any PLATFORM_* setting (a developer's DORA mode
    or as-of date would change the work), plus this phase's warehouse and demo window.
    Everything a run writes stays beside the warehouse, the dashboards included (they
    default to the project's data/ folder)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PLATFORM_")}
    environment.update(demo)
    environment["PLATFORM_WAREHOUSE_PATH"] = str(warehouse)
    environment["PLATFORM_DASHBOARDS_DIR"] = str(warehouse.parent / "dashboards")
    environment["DAGSTER_TELEMETRY_DISABLED"] = "1"
    environment["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment['PATH']}"
    if home is not None:
        environment["DAGSTER_HOME"] = str(home)
    return environment


def _prepare_dbt(environment: dict[str, str]) -> None:
    """Parses the dbt project for a phase's warehouse, untimed, as a deployment prepares
    its code location for its own warehouse. dbt keys partial parsing on the connection
    (the DuckDB path): with a manifest parsed for another path, every run would re-parse
    the whole project, about 2.5 s that no deployment pays."""
    command = [dbt_executable(), "parse", "--quiet"]
    command += ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    subprocess.run(command, env=environment, cwd=ROOT, check=True, capture_output=True)


def _phase(name: str, script: str, environment: dict[str, str], folder: Path) -> dict[str, Any]:
    output = folder / f"{name}.json"
    log = folder / f"{name}.log"
    print(f"-- {name} (log: {log})", flush=True)
    with LoadSampler() as sampler, log.open("w") as log_file:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / script), str(output)],
            env=environment,
            cwd=ROOT,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            check=True,
        )
        wall = time.perf_counter() - started
    figures = json.loads(output.read_text())
    figures["subprocess_wall_seconds"] = round(wall, 2)
    figures["load_average_1min"] = sampler.summary()
    print(f"   {figures['process_seconds']} s, load {figures['load_average_1min']}", flush=True)
    return figures


def _fresh_instance(home: Path, warehouse_folder: Path) -> None:
    """An empty Dagster instance (the project's dagster.yaml) and an empty warehouse folder
    (which may hold the instance: it is emptied first)."""
    for path in (warehouse_folder, home):
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")


def _median_phase(phases: list[dict[str, Any]]) -> dict[str, Any]:
    """The run whose wall time is the median of the repeats (the slower of the middle two
    for an even count), with every repeat's wall time beside it."""
    ordered = sorted(phases, key=lambda phase: phase["process_seconds"])
    return {
        **ordered[len(ordered) // 2],
        "repeats_process_seconds": [phase["process_seconds"] for phase in phases],
    }


def _added_rows(full: dict[str, Any], incremental: dict[str, Any]) -> dict[str, Any]:
    """Per raw table: rows the incremental load inserted and updated, and their share of
    the table after the full load."""
    added: dict[str, Any] = {}
    for table, after_full in full["raw_rows"].items():
        load = incremental["raw_rows"].get(table, {})
        inserted, updated = load.get("rows_inserted", 0), load.get("rows_updated", 0)
        rows = after_full["dagster/row_count"]
        added[table] = {
            "rows_after_full": rows,
            "inserted": inserted,
            "updated": updated,
            "percent_new_or_changed": round(100 * (inserted + updated) / rows, 2) if rows else 0,
        }
    return added


def _gap(dagster: dict[str, Any], baseline: dict[str, Any]) -> dict[str, Any]:
    """Where the Dagster run spends the time the baseline does not."""
    steps = dagster["steps"]
    raw_steps = round(sum(s for k, s in steps.items() if k.startswith("raw__")), 2)
    dbt_step = steps.get("dbt_project_models", 0.0)
    dbt_nodes = dagster["dbt_nodes"]
    dbt_models = round(sum(s for k, s in dbt_nodes.items() if ":" not in k), 2)
    dbt_tests = round(sum(s for k, s in dbt_nodes.items() if ":" in k), 2)
    raw_baseline = baseline["generate_seconds"] + baseline["land_seconds"]
    sql_baseline = baseline["model_seconds"] + baseline["test_seconds"]
    stepped = sum(steps.values())
    return {
        "raw_assets_seconds": raw_steps,
        "baseline_generate_and_insert_seconds": round(raw_baseline, 2),
        "dbt_step_seconds": dbt_step,
        "dbt_reported_model_seconds": dbt_models,
        "dbt_reported_test_seconds": dbt_tests,
        "dbt_step_outside_nodes_seconds": round(dbt_step - dbt_models - dbt_tests, 2),
        "baseline_model_and_test_seconds": round(sql_baseline, 2),
        "other_steps_seconds": round(stepped - raw_steps - dbt_step, 2),
        "run_outside_steps_seconds": round(dagster["execute_seconds"] - stepped, 2),
        "import_seconds": dagster["import_seconds"],
    }


def _above_floor(phase: dict[str, Any], full: dict[str, Any], floor: dict[str, Any]) -> float:
    """The share of a full run's data-dependent cost (above what any run costs) a phase
    spends: the floor is Dagster's and dbt's fixed cost, which no amount of data removes."""
    spent = phase["process_seconds"] - floor["process_seconds"]
    return round(spent / (full["process_seconds"] - floor["process_seconds"]), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=DEFAULT_SCALE)
    parser.add_argument("--days", type=int, default=DEFAULT_DAYS)
    parser.add_argument("--end", type=date.fromisoformat, default=DEFAULT_END)
    parser.add_argument(
        "--repeats",
        type=int,
        default=DEFAULT_REPEATS,
        help="baseline and full Dagster runs, alternated; the ratio compares their medians",
    )
    parser.add_argument("--keep", type=Path, help="keep the warehouses and logs in this folder")
    args = parser.parse_args()
    later_end = args.end + timedelta(days=1)

    def demo(end: date) -> dict[str, str]:
        return {
            "PLATFORM_DORA_DEMO_SCALE": str(args.scale),
            "PLATFORM_DORA_DEMO_DAYS": str(args.days),
            "PLATFORM_DORA_DEMO_END": end.isoformat(),
        }

    folder = Path(tempfile.mkdtemp(prefix="bench_dora_")) if args.keep is None else args.keep
    folder.mkdir(parents=True, exist_ok=True)
    try:
        home = folder / "dagster_home"
        dagster_warehouse = folder / "dagster" / "warehouse.duckdb"
        load_before = os.getloadavg()[0]

        baselines, fulls = [], []
        for attempt in range(1, args.repeats + 1):
            baseline_folder = folder / f"duckdb_{attempt}"
            baseline_folder.mkdir(exist_ok=True)
            baselines.append(
                _phase(
                    f"baseline_{attempt}",
                    "dora_baseline.py",
                    _environment(baseline_folder / "warehouse.duckdb", demo(args.end), None),
                    folder,
                )
            )
            # Every full run starts from nothing: a fresh warehouse and Dagster instance
            # at the same paths, so the last one is where the incremental runs go on.
            _fresh_instance(home, dagster_warehouse.parent)
            _prepare_dbt(_environment(dagster_warehouse, demo(args.end), home))
            fulls.append(
                _phase(
                    f"dagster_full_{attempt}",
                    "dora_dagster_run.py",
                    _environment(dagster_warehouse, demo(args.end), home),
                    folder,
                )
            )
        baseline, full = _median_phase(baselines), _median_phase(fulls)
        incremental = _phase(
            "dagster_incremental",
            "dora_dagster_run.py",
            _environment(dagster_warehouse, demo(later_end), home),
            folder,
        )
        unchanged = _phase(
            "dagster_unchanged",
            "dora_dagster_run.py",
            _environment(dagster_warehouse, demo(later_end), home),
            folder,
        )
        empty_home = folder / "empty" / "dagster_home"
        _fresh_instance(empty_home, folder / "empty")
        smallest = {
            "PLATFORM_DORA_DEMO_SCALE": "0.01",
            "PLATFORM_DORA_DEMO_DAYS": "1",
            "PLATFORM_DORA_DEMO_END": args.end.isoformat(),
        }
        _prepare_dbt(_environment(folder / "empty" / "warehouse.duckdb", smallest, empty_home))
        empty = _phase(
            "dagster_empty",
            "dora_dagster_run.py",
            _environment(folder / "empty" / "warehouse.duckdb", smallest, empty_home),
            folder,
        )
    finally:
        # back to the parse for the project's own warehouse (make run, make dev)
        _prepare_dbt({**os.environ, "PLATFORM_WAREHOUSE_PATH": str(warehouse_path())})
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)

    added = _added_rows(full, incremental)
    new_rows = sum(t["inserted"] + t["updated"] for t in added.values())
    rows = sum(t["rows_after_full"] for t in added.values())
    dbt_full = full["steps"].get("dbt_project_models", 0.0)
    dbt_incremental = incremental["steps"].get("dbt_project_models", 0.0)
    figures = {
        "demo": {
            "scale": args.scale,
            "days": args.days,
            "end_full": args.end.isoformat(),
            "end_incremental": later_end.isoformat(),
            "deployment_commits": full["raw_rows"]["deployment_commits"]["dagster/row_count"],
        },
        "ratio_vs_duckdb": round(full["process_seconds"] / baseline["process_seconds"], 3),
        "target_ratio_vs_duckdb": TARGET_RATIO_VS_DUCKDB,
        "incremental_above_floor": _above_floor(incremental, full, empty),
        "target_incremental_above_floor": TARGET_INCREMENTAL_ABOVE_FLOOR,
        "unchanged_above_floor": _above_floor(unchanged, full, empty),
        "target_unchanged_above_floor": TARGET_UNCHANGED_ABOVE_FLOOR,
        "incremental_ratio": round(incremental["process_seconds"] / full["process_seconds"], 3),
        "empty_ratio": round(empty["process_seconds"] / full["process_seconds"], 3),
        "dagster_seconds": full["process_seconds"],
        "duckdb_seconds": baseline["process_seconds"],
        "dagster_seconds_repeats": full["repeats_process_seconds"],
        "duckdb_seconds_repeats": baseline["repeats_process_seconds"],
        "incremental_seconds": incremental["process_seconds"],
        "unchanged_seconds": unchanged["process_seconds"],
        "empty_seconds": empty["process_seconds"],
        "empty_steps": empty["steps"],
        "percent_new_rows": round(100 * new_rows / rows, 2),
        "percent_new_deployment_commits": added["deployment_commits"]["percent_new_or_changed"],
        "rows_added": added,
        "dbt_step_incremental_ratio": round(dbt_incremental / dbt_full, 3) if dbt_full else None,
        "load_average_1min": {
            "before": round(load_before, 2),
            "baseline": baseline["load_average_1min"],
            "dagster_full": full["load_average_1min"],
            "dagster_incremental": incremental["load_average_1min"],
            "dagster_unchanged": unchanged["load_average_1min"],
            "dagster_empty": empty["load_average_1min"],
        },
        "succeeded": {
            "dagster_full": all(phase["success"] for phase in fulls),
            "dagster_incremental": incremental["success"],
            "dagster_unchanged": unchanged["success"],
            "dagster_empty": empty["success"],
        },
        "failed_checks": {
            "dagster_full": sorted({c for phase in fulls for c in phase["failed_checks"]}),
            "dagster_incremental": incremental["failed_checks"],
            "baseline_tests": sorted({t for phase in baselines for t in phase["failing_tests"]}),
        },
        "gap_full_vs_duckdb": _gap(full, baseline),
        "gap_incremental": _gap(incremental, baseline),
        "gap_unchanged": _gap(unchanged, baseline),
        "baseline": {k: v for k, v in baseline.items() if k != "models"},
        "baseline_models": baseline["models"],
        "dagster_full_steps": full["steps"],
        "dagster_incremental_steps": incremental["steps"],
        "dbt_nodes_full": full["dbt_nodes"],
        "dbt_nodes_incremental": incremental["dbt_nodes"],
        "command": "python benchmarks/bench_dora.py " + " ".join(sys.argv[1:]),
    }
    write_results("dora", figures)


if __name__ == "__main__":
    main()
