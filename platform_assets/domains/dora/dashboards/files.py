"""Writing rendered dashboards to their folder, and the table that lists them.

Each file is written next to its final name and then renamed over it, so a browser that
has a dashboard open never reads a half-written page.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Final

import polars as pl

from platform_assets.domains.dora.dashboards.page import Dashboard
from platform_assets.owner_only import owner_only_directory, owner_only_opener
from platform_assets.settings import resolve_path

DASHBOARDS_DIR_ENV: Final = "PLATFORM_DASHBOARDS_DIR"
DEFAULT_DASHBOARDS_DIR: Final = "data/dashboards"

FRAME_SCHEMA: Final = {
    "dashboard": pl.String,
    "path": pl.String,
    "bytes": pl.Int64,
    "generated_for_period": pl.String,
}


def dashboards_dir() -> Path:
    """``PLATFORM_DASHBOARDS_DIR``, else ``data/dashboards``; relative to the project."""
    return resolve_path(os.environ.get(DASHBOARDS_DIR_ENV) or DEFAULT_DASHBOARDS_DIR)


def write_dashboards(dashboards: Sequence[Dashboard], directory: Path) -> pl.DataFrame:
    """Writes ``<key>.html`` per dashboard, a thread each (encoding one file while
    another is written out); returns one row per file written."""
    owner_only_directory(directory)
    with ThreadPoolExecutor(max_workers=max(len(dashboards), 1)) as writers:
        rows = list(writers.map(lambda dashboard: _write(dashboard, directory), dashboards))
    return pl.DataFrame(rows, schema=FRAME_SCHEMA)


def _write(dashboard: Dashboard, directory: Path) -> dict[str, object]:
    target = directory / f"{dashboard.key}.html"
    partial = target.with_name(f".{target.name}.partial")
    content = dashboard.html.encode("utf-8")
    with open(partial, "wb", opener=owner_only_opener) as page:
        page.write(content)
    partial.replace(target)
    return {
        "dashboard": dashboard.key,
        "path": str(target),
        "bytes": len(content),
        "generated_for_period": dashboard.period,
    }
