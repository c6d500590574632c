"""The DuckDB warehouse, snapshotted through DuckDB itself.

The backup attaches the warehouse read-only and copies it with ``COPY FROM DATABASE``
into a new DuckDB file: DuckDB reads one consistent state (a file copied byte by byte
while a writer checkpoints can be torn). ``EXPORT DATABASE`` to Parquet writes faster,
but bringing it back is an ``IMPORT DATABASE`` that re-inserts every row and rebuilds
every index, while this snapshot is restored by copying one file into place: the restore
is what a recovery waits for (benchmarks/bench_backup.py measures both).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Final

import duckdb

from platform_assets.backup.catalog import BackupError, row_count_differences
from platform_assets.backup.files import draft_beside, install
from platform_assets.owner_only import OWNER_ONLY_UMASK
from platform_assets.warehouse.quoting import quote_identifier

#: What DuckDB says when another process holds the file's write lock.
_LOCKED: Final = ("Could not set lock", "Conflicting lock")
#: DuckDB's write-ahead log beside the file: it belongs to the old file, not the restored.
WAL_SUFFIX: Final = ".wal"


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _locked_error(path: Path, error: duckdb.Error, command: str) -> BackupError:
    return BackupError(
        f"the warehouse {path} is open for writing by another process ({str(error).strip()}). "
        "DuckDB lets one process at a time open the file, so nothing can read it "
        "meanwhile: wait for the running materialization to end (or stop `dagster dev`), "
        f"then run `{command}` again"
    )


def _is_locked(error: duckdb.Error) -> bool:
    return any(marker in str(error) for marker in _LOCKED)


def table_rows(connection: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, int]:
    """Rows of every base table of ``catalog``, by ``schema.table``."""
    tables = connection.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = ? and table_type = 'BASE TABLE' order by 1, 2",
        [catalog],
    ).fetchall()
    counts = {}
    for schema, table in tables:
        name = f"{quote_identifier(catalog)}.{quote_identifier(schema)}.{quote_identifier(table)}"
        counted = connection.execute(f"select count(*) from {name}").fetchone()
        counts[f"{schema}.{table}"] = int(counted[0]) if counted else 0
    return counts


def snapshot_duckdb(source: Path, target: Path) -> dict[str, int]:
    """Copies the warehouse at ``source`` into a new DuckDB file at ``target``; returns
    the snapshot's row count per table."""
    if not source.is_file():
        raise BackupError(
            f"no warehouse at {source}: nothing to back up (build it with `make run`, or set "
            "PLATFORM_WAREHOUSE_PATH to the warehouse file)"
        )
    previous_umask = os.umask(OWNER_ONLY_UMASK)
    try:
        with duckdb.connect(str(target)) as connection:
            try:
                connection.execute(f"attach {_literal(str(source))} as source_db (read_only)")
            except duckdb.Error as error:
                if _is_locked(error):
                    raise _locked_error(source, error, "platform-assets backup") from error
                raise
            snapshot = connection.execute("select current_database()").fetchone()
            assert snapshot is not None
            connection.execute(f"copy from database source_db to {quote_identifier(snapshot[0])}")
            connection.execute("detach source_db")
            connection.execute("checkpoint")
            return table_rows(connection, str(snapshot[0]))
    finally:
        os.umask(previous_umask)


def ensure_not_in_use(path: Path) -> None:
    """Refuses to replace a warehouse a running process is writing."""
    if not path.exists():
        return
    try:
        duckdb.connect(str(path), read_only=True).close()
    except duckdb.Error as error:
        if _is_locked(error):
            raise _locked_error(path, error, "platform-assets restore --force") from error
        # an unreadable (corrupted) file is what a restore replaces


def restore_duckdb(snapshot: Path, destination: Path, expected_rows: dict[str, int]) -> None:
    """Copies the snapshot beside ``destination``, checks its row counts against the
    manifest, and renames it into place (the old file's write-ahead log removed)."""
    draft = draft_beside(destination)
    draft.unlink(missing_ok=True)
    try:
        shutil.copyfile(snapshot, draft)
        with duckdb.connect(str(draft), read_only=True) as connection:
            catalog = connection.execute("select current_database()").fetchone()
            assert catalog is not None
            restored = table_rows(connection, str(catalog[0]))
        if restored != expected_rows:
            raise BackupError(
                f"the restored warehouse's row counts differ from the manifest's "
                f"({row_count_differences(expected_rows, restored)}): {destination} was left "
                "as it was"
            )
        install(draft, destination, stale=(WAL_SUFFIX,))
    finally:
        draft.unlink(missing_ok=True)
