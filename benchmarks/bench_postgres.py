"""The DORA graph on PostgreSQL against the same graph on DuckDB, and 4 runs at once.

    python benchmarks/bench_postgres.py [--scale 137] [--days 135] [--repeats 3]

Each run is what a deployment runs: ``dagster job execute`` of the ``dora_refresh`` job
in its own process, from an empty warehouse, with the demo source at ``--scale`` over
``--days`` days (the defaults are bench_dora.py's: about a million deployment commits).

- DuckDB: the embedded default, a fresh DuckDB file and SQLite instance, the in-process
  executor (one writer at a time).
- PostgreSQL: a fresh database set up by ``platform-assets warehouse setup``, the instance
  on PostgreSQL too (``platform-assets instance config``), the multiprocess executor.
- Four PostgreSQL runs started together: four teams' warehouses (one database each) on
  the same server and the same instance, each run the same graph; the figure is the
  wall time until the last one ends, against one PostgreSQL run alone.

The server is a throwaway one started from Debian's binaries (tests/postgres_server.py).
DuckDB and PostgreSQL runs alternate, ``--repeats`` times, and their medians are
compared: the machine is shared, so a single pair says little. Figures land in
benchmarks/results/postgres.json.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._results import write_results  # noqa: E402
from benchmarks.bench_dora import DEFAULT_DAYS, DEFAULT_END, DEFAULT_SCALE  # noqa: E402
from tests.postgres_server import PostgresServer, running_server  # noqa: E402

JOB = "dora_refresh"
CONCURRENT_RUNS = 4
BIN = Path(sys.executable).parent
PII_KEY = "benchmark-pseudonym-key-0123456789abcdef"


def _environment(folder: Path, demo: dict[str, str], postgres_url: str | None) -> dict[str, str]:
    """The parent's environment without PLATFORM_* settings, plus this run's own data
    root, Dagster home and warehouse."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PLATFORM_")}
    environment.update(demo)
    environment.update(
        {
            "PLATFORM_DATA_DIR": str(folder / "data"),
            "PLATFORM_WAREHOUSE_PATH": str(folder / "data" / "warehouse.duckdb"),
            "PLATFORM_PII_HMAC_KEY": PII_KEY,
            "DAGSTER_HOME": str(folder / "dagster_home"),
            "DAGSTER_TELEMETRY_DISABLED": "1",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "PATH": f"{BIN}{os.pathsep}{environment['PATH']}",
        }
    )
    if postgres_url is not None:
        environment["PLATFORM_POSTGRES_URL"] = postgres_url
    return environment


def _run(command: list[str], environment: dict[str, str], log: Path) -> None:
    with log.open("a") as output:
        subprocess.run(
            command, env=environment, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, check=True
        )


def _prepared(folder: Path, environment: dict[str, str]) -> None:
    """Untimed: the folder, the instance's dagster.yaml and the warehouse's set-up."""
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "dagster_home").mkdir(parents=True)
    log = folder / "prepare.log"
    home_config = str(folder / "dagster_home" / "dagster.yaml")
    _run([str(BIN / "platform-assets"), "instance", "config", "--output", home_config],
         environment, log)  # fmt: skip
    _run([str(BIN / "platform-assets"), "warehouse", "setup"], environment, log)


def _timed_run(folder: Path, environment: dict[str, str]) -> float:
    started = time.perf_counter()
    _run(
        [str(BIN / "dagster"), "job", "execute", "-m", "platform_assets.definitions", "-j", JOB],
        environment,
        folder / "run.log",
    )
    return round(time.perf_counter() - started, 2)


def _database(server: PostgresServer, name: str) -> str:
    server.psql("postgres", f'drop database if exists "{name}" with (force)')
    server.psql("postgres", f'create database "{name}"')
    return server.url(name)


def _duckdb_run(folder: Path, demo: dict[str, str]) -> float:
    environment = _environment(folder, demo, None)
    _prepared(folder, environment)
    return _timed_run(folder, environment)


def _postgres_runs(
    server: PostgresServer, folder: Path, demo: dict[str, str], count: int
) -> list[float]:
    """``count`` runs into ``count`` fresh warehouse databases, started together, sharing
    one instance database; each run's wall time."""
    instance_url = _database(server, "bench_instance")
    environments = []
    for index in range(count):
        run_folder = folder / f"run_{index}"
        environment = _environment(run_folder, demo, _database(server, f"bench_wh_{index}"))
        environment["PLATFORM_DAGSTER_POSTGRES_URL"] = instance_url
        _prepared(run_folder, environment)
        environments.append((run_folder, environment))
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(lambda pair: _timed_run(*pair), environments))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=DEFAULT_SCALE)
    parser.add_argument("--days", type=int, default=DEFAULT_DAYS)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    demo = {
        "PLATFORM_DORA_DEMO_SCALE": str(args.scale),
        "PLATFORM_DORA_DEMO_DAYS": str(args.days),
        "PLATFORM_DORA_DEMO_END": DEFAULT_END.isoformat(),
    }
    folder = Path(tempfile.mkdtemp(prefix="bench_postgres_"))
    duckdb_seconds: list[float] = []
    postgres_seconds: list[float] = []
    concurrent: list[dict[str, Any]] = []
    load_before = os.getloadavg()[0]
    try:
        with running_server() as server:
            for attempt in range(1, args.repeats + 1):
                duckdb_seconds.append(_duckdb_run(folder / f"duckdb_{attempt}", demo))
                (single,) = _postgres_runs(server, folder / f"postgres_{attempt}", demo, 1)
                postgres_seconds.append(single)
                print(f"round {attempt}: duckdb {duckdb_seconds[-1]} s, "
                      f"postgres {single} s", flush=True)  # fmt: skip
            each = _postgres_runs(server, folder / "together", demo, CONCURRENT_RUNS)
            # started together (their set-up is not timed): the last one to end
            concurrent.append({"wall_seconds": max(each), "each_seconds": each})
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    postgres = statistics.median(postgres_seconds)
    duckdb = statistics.median(duckdb_seconds)
    together = concurrent[0]["wall_seconds"]
    write_results(
        "postgres",
        {
            "demo": {"scale": args.scale, "days": args.days, "end": DEFAULT_END.isoformat()},
            "job": JOB,
            "postgres_seconds_median": postgres,
            "duckdb_seconds_median": duckdb,
            "ratio_postgres_vs_duckdb": round(postgres / duckdb, 3),
            "postgres_seconds_repeats": postgres_seconds,
            "duckdb_seconds_repeats": duckdb_seconds,
            "concurrent_runs": CONCURRENT_RUNS,
            "concurrent_wall_seconds": together,
            "concurrent_each_seconds": concurrent[0]["each_seconds"],
            "ratio_concurrent_vs_one_postgres_run": round(together / postgres, 3),
            "cpu_count": os.cpu_count(),
            "load_average_1min_before": round(load_before, 2),
            "load_average_1min_after": round(os.getloadavg()[0], 2),
        },
    )


if __name__ == "__main__":
    main()
