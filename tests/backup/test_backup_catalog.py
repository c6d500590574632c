"""Backups on a real DuckDB file and a real SQLite instance: a corrupt backup is refused
before anything is touched, existing data is replaced only with --force, the newest N are
kept, the manifest is written last (a backup without one is never listed), and a
warehouse held by a writer is refused with a message saying so."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from platform_assets.backup.catalog import MANIFEST_NAME, BackupError, list_backups
from platform_assets.backup.snapshot import restore_backup, take_backup
from platform_assets.backup.sources import BackupSources, backups_to_keep
from platform_assets.cli.main import main
from platform_assets.warehouse import Warehouse


@pytest.fixture(scope="module")
def laptop_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse with the ingestion state and an instance with one run, built once."""
    root = tmp_path_factory.mktemp("laptop")
    (root / "data").mkdir()
    with duckdb.connect(str(root / "data" / "warehouse.duckdb")) as connection:
        connection.execute("create schema ops")
        connection.execute("create table ops.cursors (source varchar primary key, position int)")
        connection.execute("insert into ops.cursors values ('github', 42), ('pagerduty', 7)")
    (root / "dagster_home").mkdir()

    @dg.asset
    def one() -> int:
        return 1

    with dg.instance_for_test(temp_dir=str(root / "dagster_home")) as instance:
        assert dg.materialize([one], instance=instance).success
    return root


@pytest.fixture
def sources(laptop_template: Path, tmp_path: Path) -> BackupSources:
    shutil.copytree(laptop_template, tmp_path, dirs_exist_ok=True)
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    return BackupSources(
        warehouse=Warehouse(database=str(warehouse)),
        dagster_home=tmp_path / "dagster_home",
        instance_postgres_url=None,
        key_file=warehouse.parent / "pii_hmac.key",
    )


def test_a_corrupt_backup_is_refused_and_nothing_is_touched(sources, tmp_path):
    root = tmp_path / "backups"
    manifest = take_backup(sources, root, keep=3)
    with duckdb.connect(str(sources.warehouse.path)) as connection:
        connection.execute("update ops.cursors set position = 43 where source = 'github'")
    snapshot = root / manifest.backup_id / "warehouse" / "warehouse.duckdb"
    data = bytearray(snapshot.read_bytes())
    data[len(data) // 2] ^= 0xFF
    snapshot.write_bytes(bytes(data))

    with pytest.raises(BackupError, match=r"is corrupt .*warehouse/warehouse.duckdb.*sha256"):
        restore_backup(sources, root, manifest.backup_id, force=True)
    with duckdb.connect(str(sources.warehouse.path), read_only=True) as connection:
        assert connection.execute(
            "select position from ops.cursors where source = 'github'"
        ).fetchall() == [(43,)]


def test_existing_data_is_replaced_only_with_force(sources, tmp_path, monkeypatch, capsys):
    root = tmp_path / "backups"
    monkeypatch.setenv("PLATFORM_BACKUP_DIR", str(root))
    monkeypatch.setenv("PLATFORM_WAREHOUSE_PATH", str(sources.warehouse.path))
    monkeypatch.setenv("DAGSTER_HOME", str(sources.dagster_home))
    monkeypatch.delenv("PLATFORM_POSTGRES_URL", raising=False)
    monkeypatch.delenv("PLATFORM_DAGSTER_POSTGRES_URL", raising=False)
    assert main(["backup"]) == 0
    with duckdb.connect(str(sources.warehouse.path)) as connection:
        connection.execute("delete from ops.cursors")

    assert main(["restore", "--latest"]) == 1
    refusal = capsys.readouterr().err
    assert "would replace existing data" in refusal and "--force" in refusal
    assert main(["restore", "--latest", "--force"]) == 0
    with duckdb.connect(str(sources.warehouse.path), read_only=True) as connection:
        assert connection.execute("select count(*) from ops.cursors").fetchall() == [(2,)]
    # the old file's write-ahead log is not replayed onto the restored one
    assert not sources.warehouse.path.with_name("warehouse.duckdb.wal").exists()


def test_the_newest_n_are_kept_and_a_backup_without_manifest_is_never_listed(sources, tmp_path):
    root = tmp_path / "backups"
    ids = [take_backup(sources, root, keep=2).backup_id for _ in range(3)]
    assert [m.backup_id for m in list_backups(root)] == ids[1:]
    assert sorted(p.name for p in root.iterdir()) == ids[1:]

    # a backup that died before its manifest: never listed, never restored
    unfinished = root / "29991231T000000.000Z"
    (unfinished / "warehouse").mkdir(parents=True)
    assert [m.backup_id for m in list_backups(root)] == ids[1:]
    manifest = json.loads((root / ids[-1] / MANIFEST_NAME).read_text())
    assert manifest["tables"] == {"ops.cursors": 2}
    assert manifest["warehouse_dialect"] == "duckdb"
    assert {f["path"] for f in manifest["files"]} >= {
        "warehouse/warehouse.duckdb",
        "instance/history/runs.db",
    }
    # the manifest is the last file written: every other file is older
    folder = root / ids[-1]
    newest_data = max(
        p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST_NAME
    )
    assert (folder / MANIFEST_NAME).stat().st_mtime_ns >= newest_data


def test_a_failed_backup_leaves_nothing_listed(sources, tmp_path):
    root = tmp_path / "backups"
    sources.warehouse.path.unlink()
    with pytest.raises(BackupError, match="no warehouse at"):
        take_backup(sources, root, keep=3)
    assert list_backups(root) == []
    assert list(root.iterdir()) == []


def test_a_warehouse_held_by_a_writer_is_refused_with_a_clear_error(sources, tmp_path):
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('open', flush=True); "
            "sys.stdin.read()",
            str(sources.warehouse.path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "open"
        with pytest.raises(BackupError, match=r"open for writing by another process.*wait"):
            take_backup(sources, tmp_path / "backups", keep=3)
    finally:
        writer.communicate("")
    assert list_backups(tmp_path / "backups") == []


def test_keep_must_be_a_positive_number(monkeypatch):
    monkeypatch.setenv("PLATFORM_BACKUP_KEEP", "none")
    with pytest.raises(BackupError, match="PLATFORM_BACKUP_KEEP"):
        backups_to_keep()
    assert backups_to_keep(3) == 3
