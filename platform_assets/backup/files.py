"""Putting a file back in place atomically: written beside its destination, synced,
then renamed over it, so a crash leaves the old file or the new one, never half of
either."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from platform_assets.backup.catalog import fsync_directory
from platform_assets.owner_only import OWNER_ONLY_FILE, owner_only_directory


def draft_beside(destination: Path) -> Path:
    owner_only_directory(destination.parent)
    return destination.with_name(f".{destination.name}.restoring")


def install(draft: Path, destination: Path, stale: tuple[str, ...] = ()) -> None:
    """Syncs ``draft`` and renames it to ``destination``; ``stale`` names suffixes of
    files beside the old destination that belong to it alone (a write-ahead log) and
    would be replayed onto the new one."""
    draft.chmod(OWNER_ONLY_FILE)
    with draft.open("rb+") as handle:
        os.fsync(handle.fileno())
    for suffix in stale:
        destination.with_name(destination.name + suffix).unlink(missing_ok=True)
    draft.replace(destination)
    fsync_directory(destination.parent)


def restore_copy(source: Path, destination: Path) -> None:
    draft = draft_beside(destination)
    shutil.copyfile(source, draft)
    install(draft, destination)
