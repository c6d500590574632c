"""Backup and restore at the DORA benchmark's scale: the recovery time and point.

    python benchmarks/bench_backup.py [--scale 137] [--days 135] [--repeats 3]

Builds the DORA graph once at ``bench_dora.py``'s scale (about a million deployment
commits) with the project's ``dora_refresh`` job (``dora_dagster_run.py``, through
``bench_dora``'s own phase runner), so the warehouse and the Dagster instance are what
a deployment holds after a full run. Then, ``--repeats`` times alternately: a backup
(``take_backup``: DuckDB's ``COPY FROM DATABASE`` snapshot, SQLite's backup API for the
instance, sha256 of every file, the manifest) and a restore of it after the warehouse
and the instance were deleted (checksums checked first, row counts after). The medians
are reported: restore is the recovery time objective (plus starting the platform); the
recovery point is what a daily schedule can lose, the interval plus a backup's duration.
For the choice of snapshot, one ``EXPORT DATABASE`` to Parquet and its ``IMPORT
DATABASE`` are timed on the same warehouse.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from benchmarks._results import write_results  # noqa: E402
from benchmarks.bench_dora import (  # noqa: E402
    DEFAULT_DAYS,
    DEFAULT_END,
    DEFAULT_SCALE,
    _environment,
    _fresh_instance,
    _phase,
    _prepare_dbt,
)
from platform_assets.backup.asset import BACKUP_INTERVAL  # noqa: E402
from platform_assets.backup.snapshot import restore_backup, take_backup  # noqa: E402
from platform_assets.backup.sources import BackupSources  # noqa: E402
from platform_assets.settings import warehouse_path  # noqa: E402
from platform_assets.warehouse import Warehouse  # noqa: E402

DEFAULT_REPEATS = 3


def _export_import(warehouse: Path, folder: Path) -> dict[str, float]:
    """The alternative snapshot: EXPORT DATABASE to Parquet, IMPORT DATABASE back."""
    exported, imported = folder / "export", folder / "imported.duckdb"
    started = time.perf_counter()
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        connection.execute(f"export database '{exported}' (format parquet)")
    export_seconds = time.perf_counter() - started
    started = time.perf_counter()
    with duckdb.connect(str(imported)) as connection:
        connection.execute(f"import database '{exported}'")
    import_seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in exported.rglob("*") if p.is_file())
    shutil.rmtree(exported)
    imported.unlink()
    return {
        "export_seconds": round(export_seconds, 2),
        "import_seconds": round(import_seconds, 2),
        "export_bytes": size,
    }


def _wipe(sources: BackupSources) -> None:
    """The disaster: the warehouse, the pseudonym key and the instance's databases gone."""
    sources.warehouse.path.unlink()
    sources.key_file.unlink(missing_ok=True)
    assert sources.dagster_home is not None
    for database in sources.dagster_home.rglob("*.db*"):
        database.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=DEFAULT_SCALE)
    parser.add_argument("--days", type=int, default=DEFAULT_DAYS)
    parser.add_argument("--end", type=date.fromisoformat, default=DEFAULT_END)
    parser.add_argument("--repeats", type=int, default=DEFAULT_REPEATS)
    parser.add_argument("--keep", type=Path, help="keep the warehouse and backups here")
    args = parser.parse_args()
    demo = {
        "PLATFORM_DORA_DEMO_SCALE": str(args.scale),
        "PLATFORM_DORA_DEMO_DAYS": str(args.days),
        "PLATFORM_DORA_DEMO_END": args.end.isoformat(),
    }
    folder = Path(tempfile.mkdtemp(prefix="bench_backup_")) if args.keep is None else args.keep
    folder.mkdir(parents=True, exist_ok=True)
    home, warehouse = folder / "dagster_home", folder / "data" / "warehouse.duckdb"
    try:
        _fresh_instance(home, warehouse.parent)
        environment = _environment(warehouse, demo, home)
        _prepare_dbt(environment)
        build = _phase("dagster_full", "dora_dagster_run.py", environment, folder)
        sources = BackupSources(
            warehouse=Warehouse(database=str(warehouse)),
            dagster_home=home,
            instance_postgres_url=None,
            key_file=warehouse.parent / "pii_hmac.key",
        )
        root = folder / "backups"
        backups: list[dict[str, Any]] = []
        restores: list[float] = []
        for attempt in range(1, args.repeats + 1):
            started = time.perf_counter()
            manifest = take_backup(sources, root, keep=1)
            backups.append(
                {"seconds": round(time.perf_counter() - started, 2), "bytes": manifest.bytes}
            )
            _wipe(sources)
            result = restore_backup(sources, root, manifest.backup_id, force=False)
            restores.append(result.seconds)
            print(
                f"   round {attempt}: backup {backups[-1]['seconds']} s, restore {result.seconds} s"
            )
        alternative = _export_import(warehouse, folder)
    finally:
        _prepare_dbt({**os.environ, "PLATFORM_WAREHOUSE_PATH": str(warehouse_path())})
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)

    backup_seconds = statistics.median(b["seconds"] for b in backups)
    restore_seconds = statistics.median(restores)
    files = {f.path: f.bytes for f in manifest.files}
    write_results(
        "backup",
        {
            "demo": {
                "scale": args.scale,
                "days": args.days,
                "end": args.end.isoformat(),
                "deployment_commits": build["raw_rows"]["deployment_commits"]["dagster/row_count"],
            },
            "build_seconds": build["process_seconds"],
            "backup_seconds": backup_seconds,
            "restore_seconds": restore_seconds,
            "backup_seconds_repeats": [b["seconds"] for b in backups],
            "restore_seconds_repeats": restores,
            "backup_bytes": manifest.bytes,
            "warehouse_bytes": files["warehouse/warehouse.duckdb"],
            "instance_bytes": sum(b for p, b in files.items() if p.startswith("instance/")),
            "tables": len(manifest.tables),
            "rows": sum(manifest.tables.values()),
            "recovery_time_objective_seconds": restore_seconds,
            "schedule_interval_seconds": int(BACKUP_INTERVAL.total_seconds()),
            "recovery_point_seconds": round(BACKUP_INTERVAL.total_seconds() + backup_seconds, 2),
            "alternative_export_parquet": alternative,
            "load_average_1min_build": build["load_average_1min"],
            "command": "python benchmarks/bench_backup.py " + " ".join(sys.argv[1:]),
        },
    )


if __name__ == "__main__":
    main()
