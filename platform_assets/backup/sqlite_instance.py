"""The Dagster instance's SQLite storage under DAGSTER_HOME (runs, the event log,
schedules), copied with SQLite's online backup API: a consistent copy of each database
even while a run is writing its events, which copying the file is not."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Final

from platform_assets.backup.files import draft_beside, install, restore_copy

_SQLITE_HEADER: Final = b"SQLite format 3\x00"
#: The instance's settings, restored with its storage so the restored home opens as it was.
INSTANCE_CONFIG: Final = "dagster.yaml"
#: Journal files beside a database that belong to the replaced file alone.
_JOURNALS: Final = ("-wal", "-shm", "-journal")


def instance_databases(home: Path) -> list[Path]:
    """Every SQLite database under ``home``, by relative path."""
    found = []
    for path in sorted(home.rglob("*.db")):
        if path.is_file():
            with path.open("rb") as handle:
                if handle.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER:
                    found.append(path)
    return found


def _copy_database(source: Path, target: Path) -> None:
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writer = sqlite3.connect(target)
    try:
        # pages=-1: all in one step, under one read lock, so the copy is one state
        reader.backup(writer, pages=-1)
    finally:
        writer.close()
        reader.close()


def snapshot_instance(home: Path, target: Path) -> list[Path]:
    """Copies each of the instance's databases (and its dagster.yaml) under ``target``,
    keeping their paths relative to ``home``; returns the files written."""
    written = []
    for database in instance_databases(home):
        copy = target / database.relative_to(home)
        copy.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _copy_database(database, copy)
        written.append(copy)
    config = home / INSTANCE_CONFIG
    if config.is_file():
        copy = target / INSTANCE_CONFIG
        copy.write_bytes(config.read_bytes())
        written.append(copy)
    return written


def existing_instance_files(home: Path, relative_paths: list[str]) -> list[Path]:
    return [home / path for path in relative_paths if (home / path).exists()]


def restore_instance(snapshot: Path, home: Path, relative_paths: list[str]) -> None:
    """Puts each backed-up database back under ``home`` through SQLite's backup API into
    a file beside it, then renamed into place; the backed-up dagster.yaml only where the
    home has none."""
    for relative in relative_paths:
        source, destination = snapshot / relative, home / relative
        if relative == INSTANCE_CONFIG:
            # the configuration in place (`platform-assets instance config`) is kept
            if not destination.exists():
                restore_copy(source, destination)
            continue
        draft = draft_beside(destination)
        draft.unlink(missing_ok=True)
        _copy_database(source, draft)
        install(draft, destination, stale=_JOURNALS)
