"""The dashboards folder, and writing a page into it.

Each page is written next to its final name and then renamed over it, so a browser that
has the page open never reads half of it; page and folder are owner-only (a page may
show figures of restricted tables).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import polars as pl

from platform_assets.owner_only import owner_only_directory, owner_only_opener
from platform_assets.settings import data_path, resolve_path

DASHBOARDS_DIR_ENV: Final = "PLATFORM_DASHBOARDS_DIR"
DEFAULT_DASHBOARDS_DIR: Final = "dashboards"

#: The columns every dashboard asset's table starts with (``schema.DashboardPages``).
PAGE_COLUMNS: Final = {"dashboard": pl.String, "path": pl.String, "bytes": pl.Int64}


@dataclass(frozen=True)
class WrittenPage:
    """A page on disk: ``key`` is its file stem, ``size`` its length in bytes."""

    key: str
    path: Path
    size: int

    def row(self) -> dict[str, object]:
        """The page's ``PAGE_COLUMNS`` in its dashboard asset's table."""
        return {"dashboard": self.key, "path": str(self.path), "bytes": self.size}


def dashboards_dir() -> Path:
    """``PLATFORM_DASHBOARDS_DIR`` (relative to the project), else ``dashboards`` under
    the data root."""
    configured = os.environ.get(DASHBOARDS_DIR_ENV)
    return resolve_path(configured) if configured else data_path(DEFAULT_DASHBOARDS_DIR)


def write_page(directory: Path, key: str, html: str) -> WrittenPage:
    """Writes ``<directory>/<key>.html``, creating the folder owner-only."""
    owner_only_directory(directory)
    target = directory / f"{key}.html"
    partial = target.with_name(f".{target.name}.partial")
    content = html.encode("utf-8")
    with open(partial, "wb", opener=owner_only_opener) as page:
        page.write(content)
    partial.replace(target)
    return WrittenPage(key, target, len(content))
