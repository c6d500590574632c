"""The backup folder: one sub-folder per backup, named by its UTC time, complete once its
manifest is there.

The manifest is written last, and atomically, so a backup that died half-way (a full
disk, a killed run) is never listed, restored or counted towards the ones kept. It holds
each file's size and sha256, which restore checks before it touches anything, and each
table's row count, which restore checks after.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from platform_assets.owner_only import owner_only_directory, owner_only_opener

MANIFEST_NAME: Final = "manifest.json"
MANIFEST_FORMAT: Final = 1
#: Sortable as text, so the newest backup is the last name; milliseconds keep two backups
#: taken within a second apart.
BACKUP_ID_FORMAT: Final = "%Y%m%dT%H%M%S"
_HASH_CHUNK: Final = 1 << 20


class BackupError(RuntimeError):
    """A backup or restore cannot go on; the message says why and which command helps."""


@dataclass(frozen=True)
class BackedUpFile:
    """``path`` is relative to the backup's folder; ``part`` says what it restores:
    ``warehouse``, ``instance`` or ``data``."""

    path: str
    part: str
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    backup_id: str
    created_at: str
    platform_version: str
    warehouse_dialect: str
    instance_storage: str
    seconds: float
    files: list[BackedUpFile]
    tables: dict[str, int]
    #: The instance's tables when it is a PostgreSQL database of its own.
    instance_tables: dict[str, int] = field(default_factory=dict)
    #: PostgreSQL: each relation's owner, so a restore can give ownership back.
    owners: dict[str, str] = field(default_factory=dict)
    format: int = MANIFEST_FORMAT

    @property
    def bytes(self) -> int:
        return sum(file.bytes for file in self.files)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        document: dict[str, Any] = json.loads(text)
        files = [BackedUpFile(**entry) for entry in document.pop("files")]
        return cls(files=files, **document)


def new_backup_id(now: datetime | None = None) -> str:
    instant = (now or datetime.now(UTC)).astimezone(UTC)
    return f"{instant.strftime(BACKUP_ID_FORMAT)}.{instant.microsecond // 1000:03d}Z"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def describe_file(folder: Path, path: Path, part: str) -> BackedUpFile:
    return BackedUpFile(
        path=path.relative_to(folder).as_posix(),
        part=part,
        bytes=path.stat().st_size,
        sha256=sha256_of(path),
    )


def write_manifest(folder: Path, manifest: Manifest) -> Path:
    """Writes the manifest beside, syncs it, then gives it its name: the last step."""
    target = folder / MANIFEST_NAME
    draft = folder / f".{MANIFEST_NAME}.partial"
    with open(draft, "w", encoding="utf-8", opener=owner_only_opener) as handle:
        handle.write(manifest.to_json())
        handle.flush()
        os.fsync(handle.fileno())
    draft.replace(target)
    fsync_directory(folder)
    return target


def fsync_directory(folder: Path) -> None:
    """Makes a rename inside ``folder`` durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def list_backups(root: Path) -> list[Manifest]:
    """The complete backups under ``root``, oldest first."""
    if not root.is_dir():
        return []
    manifests = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        manifest_file = folder / MANIFEST_NAME
        if manifest_file.is_file():
            manifests.append(Manifest.from_json(manifest_file.read_text(encoding="utf-8")))
    return manifests


def backup_folder(root: Path, backup_id: str) -> Path:
    return root / backup_id


def new_backup_folder(root: Path, backup_id: str) -> Path:
    owner_only_directory(root)
    folder = backup_folder(root, backup_id)
    folder.mkdir(mode=0o700)
    return folder


def find_backup(root: Path, backup_id: str | None) -> Manifest:
    """The backup named ``backup_id``, or the newest one when it is None."""
    backups = list_backups(root)
    if not backups:
        raise BackupError(
            f"no complete backup in {root}: take one with `platform-assets backup` (or set "
            "PLATFORM_BACKUP_DIR to the folder that holds them)"
        )
    if backup_id is None:
        return backups[-1]
    for manifest in backups:
        if manifest.backup_id == backup_id:
            return manifest
    raise BackupError(
        f"no complete backup {backup_id!r} in {root}: `platform-assets backup list` shows "
        "the ones there are"
    )


def verify_files(root: Path, manifest: Manifest) -> None:
    """Every file the manifest lists is there, with its size and sha256; raises before
    anything is restored otherwise."""
    folder = backup_folder(root, manifest.backup_id)
    problems = []
    for entry in manifest.files:
        path = folder / entry.path
        if not path.is_file():
            problems.append(f"{entry.path} is missing")
        elif path.stat().st_size != entry.bytes:
            problems.append(f"{entry.path} has {path.stat().st_size} bytes, not {entry.bytes}")
        elif sha256_of(path) != entry.sha256:
            problems.append(f"{entry.path} does not match its sha256 {entry.sha256[:12]}…")
    if problems:
        raise BackupError(
            f"backup {manifest.backup_id} in {folder} is corrupt ({'; '.join(problems)}): "
            "nothing was restored. Restore an older one: `platform-assets backup list`, then "
            "`platform-assets restore BACKUP_ID`"
        )


def prune(root: Path, keep: int) -> list[str]:
    """Deletes all but the newest ``keep`` complete backups, and the unfinished folders
    older than the newest complete one (a backup that died; one still being written is
    newer). Returns the ids deleted."""
    backups = list_backups(root)
    complete = {manifest.backup_id for manifest in backups}
    deleted = [manifest.backup_id for manifest in backups[: max(len(backups) - keep, 0)]]
    if backups:
        newest = backups[-1].backup_id
        deleted += [
            p.name
            for p in root.iterdir()
            if p.is_dir() and p.name not in complete and p.name < newest
        ]
    for backup_id in deleted:
        shutil.rmtree(backup_folder(root, backup_id))
    return sorted(deleted)


def row_count_differences(expected: dict[str, int], actual: dict[str, int]) -> str:
    names = sorted(set(expected) | set(actual))
    return ", ".join(
        f"{name}: {actual.get(name)} rows, not {expected.get(name)}"
        for name in names
        if expected.get(name) != actual.get(name)
    )
