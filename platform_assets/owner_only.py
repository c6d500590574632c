"""Every file the platform writes is readable and writable by its owner only.

The warehouse, the Dagster instance, the alert logs, the dashboards and the pseudonym key
hold personal data, credentials echoed by upstreams and operational detail: nobody else
on the machine needs to read them. New files get it from the process umask; files and
directories left too open by an older checkout are tightened where the platform opens
them.

Standard library only: the dbt-duckdb plugin imports this package inside dbt's process.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Final

#: Removes every group and other permission from what the process creates.
OWNER_ONLY_UMASK: Final = 0o077
OWNER_ONLY_DIRECTORY: Final = 0o700
OWNER_ONLY_FILE: Final = 0o600
OPEN_TO_OTHERS: Final = 0o077


def restrict_new_files_to_owner() -> None:
    os.umask(OWNER_ONLY_UMASK)


def tighten_to_owner(path: Path) -> None:
    """Removes group and other permissions from an existing file or directory the
    platform owns; a missing path, or one another user owns, is left alone."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return
    if status.st_uid != os.getuid() or not status.st_mode & OPEN_TO_OTHERS:
        return
    # a shared directory (sticky, like /tmp) is the machine's, not the platform's
    if stat.S_ISDIR(status.st_mode) and status.st_mode & stat.S_ISVTX:
        return
    path.chmod(stat.S_IMODE(status.st_mode) & ~OPEN_TO_OTHERS)


def owner_only_directory(path: Path) -> Path:
    """Creates ``path`` (and missing parents) owner-only, or tightens it if it exists."""
    path.mkdir(mode=OWNER_ONLY_DIRECTORY, parents=True, exist_ok=True)
    tighten_to_owner(path)
    return path


def owner_only_opener(path: str, flags: int) -> int:
    """An ``opener`` for :func:`open`: a new file is created 0600 whatever the umask, an
    existing one is tightened to 0600."""
    descriptor = os.open(path, flags, OWNER_ONLY_FILE)
    os.fchmod(descriptor, OWNER_ONLY_FILE)
    return descriptor
