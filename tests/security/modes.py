"""What the security tests look for in the files a run leaves behind."""

from __future__ import annotations

import stat
from pathlib import Path


def open_to_others(*roots: Path) -> dict[str, str]:
    """Every file and directory under ``roots`` (roots included) that the group or other
    users may access, with its mode."""
    found = {}
    for root in roots:
        for path in [root, *root.rglob("*")]:
            mode = stat.S_IMODE(path.lstat().st_mode)
            if mode & 0o077:
                found[str(path)] = oct(mode)
    return found
