"""``take_backup`` and ``restore_backup``: the warehouse, the Dagster instance and the
laptop's pseudonym key, each by the means its medium offers for a consistent copy
(docs/runbooks/backup-and-restore.md)."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Final

from platform_assets.backup import postgres_dump, sqlite_instance
from platform_assets.backup.catalog import (
    BackedUpFile,
    BackupError,
    Manifest,
    backup_folder,
    describe_file,
    find_backup,
    new_backup_folder,
    new_backup_id,
    prune,
    row_count_differences,
    verify_files,
    write_manifest,
)
from platform_assets.backup.duckdb_file import ensure_not_in_use, restore_duckdb, snapshot_duckdb
from platform_assets.backup.files import restore_copy
from platform_assets.backup.sources import BackupSources
from platform_assets.integrations.postgres.grants import set_up_warehouse
from platform_assets.warehouse import Warehouse
from platform_assets.warehouse.roles import ROLES, role_name

WAREHOUSE_PART: Final = "warehouse"
INSTANCE_PART: Final = "instance"
DATA_PART: Final = "data"
DUCKDB_SNAPSHOT: Final = f"{WAREHOUSE_PART}/warehouse.duckdb"
WAREHOUSE_DUMP: Final = f"{WAREHOUSE_PART}/warehouse.dump"
INSTANCE_DUMP: Final = f"{INSTANCE_PART}/instance.dump"
#: How the manifest names where the instance was kept.
SQLITE_INSTANCE: Final = "sqlite"
POSTGRES_INSTANCE: Final = "postgres"
#: The instance shares the warehouse's PostgreSQL database: the warehouse dump holds it.
SHARED_POSTGRES_INSTANCE: Final = "postgres-in-warehouse"


def platform_version() -> str:
    try:
        return version("platform-assets")
    except PackageNotFoundError:
        return "unknown"


def take_backup(sources: BackupSources, root: Path, keep: int) -> Manifest:
    """Writes a new backup under ``root``, its manifest last, then deletes all but the
    newest ``keep``. A failure removes what it had written."""
    started = time.perf_counter()
    backup_id = new_backup_id()
    folder = new_backup_folder(root, backup_id)
    try:
        manifest = _write_backup(sources, folder, backup_id, started)
        write_manifest(folder, manifest)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    prune(root, keep)
    return manifest


def _write_backup(sources: BackupSources, folder: Path, backup_id: str, started: float) -> Manifest:
    files: list[BackedUpFile] = []
    owners: dict[str, str] = {}
    (folder / WAREHOUSE_PART).mkdir(mode=0o700)
    warehouse = sources.warehouse
    if warehouse.dialect == "duckdb":
        tables = snapshot_duckdb(warehouse.path, folder / DUCKDB_SNAPSHOT)
        files.append(describe_file(folder, folder / DUCKDB_SNAPSHOT, WAREHOUSE_PART))
    else:
        tables, owners = _dump_postgres(warehouse.postgres_url, folder / WAREHOUSE_DUMP)
        files.append(describe_file(folder, folder / WAREHOUSE_DUMP, WAREHOUSE_PART))

    instance_tables: dict[str, int] = {}
    if sources.instance_postgres_url == warehouse.postgres_url:
        instance_storage = SHARED_POSTGRES_INSTANCE
    elif sources.instance_postgres_url:
        instance_storage = POSTGRES_INSTANCE
        (folder / INSTANCE_PART).mkdir(mode=0o700)
        instance_tables, _ = _dump_postgres(sources.instance_postgres_url, folder / INSTANCE_DUMP)
        files.append(describe_file(folder, folder / INSTANCE_DUMP, INSTANCE_PART))
    else:
        assert sources.dagster_home is not None
        instance_storage = SQLITE_INSTANCE
        written = sqlite_instance.snapshot_instance(sources.dagster_home, folder / INSTANCE_PART)
        files += [describe_file(folder, path, INSTANCE_PART) for path in written]

    if sources.key_file.is_file():
        (folder / DATA_PART).mkdir(mode=0o700)
        key_copy = folder / DATA_PART / sources.key_file.name
        shutil.copyfile(sources.key_file, key_copy)
        key_copy.chmod(0o600)
        files.append(describe_file(folder, key_copy, DATA_PART))

    return Manifest(
        backup_id=backup_id,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        platform_version=platform_version(),
        warehouse_dialect=warehouse.dialect,
        instance_storage=instance_storage,
        seconds=round(time.perf_counter() - started, 3),
        files=files,
        tables=tables,
        instance_tables=instance_tables,
        owners=owners,
    )


def _dump_postgres(url: str, target: Path) -> tuple[dict[str, int], dict[str, str]]:
    with postgres_dump.exported_snapshot(Warehouse(postgres_url=url)) as (snapshot, session):
        tables = postgres_dump.table_rows(session)
        owners = postgres_dump.relation_owners(session)
        postgres_dump.dump(url, target, snapshot)
    return tables, owners


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    seconds: float
    warnings: list[str] = field(default_factory=list)


def restore_backup(
    sources: BackupSources, root: Path, backup_id: str | None, *, force: bool
) -> RestoreResult:
    """Restores the backup ``backup_id`` (the newest when None): every file is checked
    against the manifest first, and existing data is replaced only with ``force``."""
    started = time.perf_counter()
    manifest = find_backup(root, backup_id)
    verify_files(root, manifest)
    _check_matches_configuration(manifest, sources)
    existing = _existing_data(manifest, sources)
    if existing and not force:
        raise BackupError(
            f"restoring {manifest.backup_id} would replace existing data ({'; '.join(existing)}): "
            f"nothing was restored. Run `platform-assets restore {manifest.backup_id} --force` "
            "to replace it (back it up first with `platform-assets backup` if it may matter)"
        )
    folder = backup_folder(root, manifest.backup_id)
    parts = {entry.path: entry.part for entry in manifest.files}
    warnings: list[str] = []
    if manifest.warehouse_dialect == "duckdb":
        ensure_not_in_use(sources.warehouse.path)
        restore_duckdb(folder / DUCKDB_SNAPSHOT, sources.warehouse.path, manifest.tables)
    else:
        warnings += _restore_postgres_warehouse(sources, folder / WAREHOUSE_DUMP, manifest)
    if manifest.instance_storage == POSTGRES_INSTANCE:
        assert sources.instance_postgres_url is not None
        postgres_dump.restore(sources.instance_postgres_url, folder / INSTANCE_DUMP)
        _verify_postgres_rows(sources.instance_postgres_url, manifest.instance_tables, "instance")
    elif manifest.instance_storage == SQLITE_INSTANCE:
        assert sources.dagster_home is not None
        sqlite_instance.restore_instance(
            folder / INSTANCE_PART,
            sources.dagster_home,
            [
                _relative(path, INSTANCE_PART)
                for path, part in parts.items()
                if part == INSTANCE_PART
            ],
        )
    for path, part in parts.items():
        if part == DATA_PART:
            restore_copy(folder / path, sources.key_file)
    return RestoreResult(manifest, round(time.perf_counter() - started, 3), warnings)


def _relative(path: str, part: str) -> str:
    return path.removeprefix(f"{part}/")


def _restore_postgres_warehouse(
    sources: BackupSources, dump_file: Path, manifest: Manifest
) -> list[str]:
    """pg_restore, then the ownership ``--no-owner`` dropped given back, and the grants
    of `platform-assets warehouse setup` applied again when the platform's roles owned
    anything."""
    url = sources.warehouse.postgres_url
    postgres_dump.restore(url, dump_file)
    warnings: list[str] = []
    with sources.warehouse.transaction() as session:
        current = postgres_dump.relation_owners(session)
        lost = {r: o for r, o in manifest.owners.items() if current.get(r, o) != o}
        if lost:
            if {role_name(role) for role in ROLES} & set(lost.values()):
                set_up_warehouse(session)
            warnings += [
                f"could not give back ownership of {missing}"
                for missing in postgres_dump.restore_owners(session, lost)
            ]
    _verify_postgres_rows(url, manifest.tables, "warehouse")
    return warnings


def _verify_postgres_rows(url: str, expected: dict[str, int], what: str) -> None:
    with Warehouse(postgres_url=url).connect() as session:
        restored = postgres_dump.table_rows(session)
    actual = {name: restored[name] for name in expected if name in restored}
    if actual != expected:
        raise BackupError(
            f"the restored {what} database's row counts differ from the manifest's "
            f"({row_count_differences(expected, actual)}): check the pg_restore output and "
            "restore again with --force"
        )


def _check_matches_configuration(manifest: Manifest, sources: BackupSources) -> None:
    dialect = sources.warehouse.dialect
    if manifest.warehouse_dialect != dialect:
        raise BackupError(
            f"backup {manifest.backup_id} holds a {manifest.warehouse_dialect} warehouse but "
            f"the configured warehouse is {dialect} ({sources.warehouse.description}): set "
            "PLATFORM_POSTGRES_URL for a postgres backup, unset it for a duckdb one"
        )
    wants_sqlite = manifest.instance_storage == SQLITE_INSTANCE
    if wants_sqlite != (sources.dagster_home is not None):
        raise BackupError(
            f"backup {manifest.backup_id} holds a Dagster instance on "
            f"{manifest.instance_storage}, but the configured instance is "
            f"{'on PostgreSQL' if sources.dagster_home is None else 'SQLite under DAGSTER_HOME'}: "
            "configure the same storage (`platform-assets instance config`) and restore again"
        )


def _existing_data(manifest: Manifest, sources: BackupSources) -> list[str]:
    """What the restore would overwrite, described for the refusal."""
    found: list[str] = []
    if manifest.warehouse_dialect == "duckdb":
        if sources.warehouse.path.exists():
            found.append(f"the warehouse {sources.warehouse.path}")
    else:
        tables = postgres_dump.user_tables(sources.warehouse.postgres_url)
        if tables:
            found.append(f"{len(tables)} table(s) in {sources.warehouse.description}")
    instance_files = [
        _relative(entry.path, INSTANCE_PART)
        for entry in manifest.files
        if entry.part == INSTANCE_PART
    ]
    if manifest.instance_storage == SQLITE_INSTANCE and sources.dagster_home is not None:
        existing = sqlite_instance.existing_instance_files(sources.dagster_home, instance_files)
        existing = [p for p in existing if p.name != sqlite_instance.INSTANCE_CONFIG]
        if existing:
            found.append(f"the instance's {', '.join(str(p) for p in existing)}")
    elif (
        manifest.instance_storage == POSTGRES_INSTANCE
        and sources.instance_postgres_url
        and postgres_dump.user_tables(sources.instance_postgres_url)
    ):
        found.append("the Dagster instance's PostgreSQL tables")
    if any(entry.part == DATA_PART for entry in manifest.files) and sources.key_file.exists():
        found.append(f"the pseudonym key {sources.key_file}")
    return found
