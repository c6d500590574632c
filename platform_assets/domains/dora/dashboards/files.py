"""Writing the rendered dashboards to the dashboards folder, and the table that lists
them."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Final

import polars as pl

from platform_assets.dashboards.files import PAGE_COLUMNS, write_page
from platform_assets.domains.dora.dashboards.page import Dashboard

FRAME_SCHEMA: Final = {**PAGE_COLUMNS, "generated_for_period": pl.String}


def write_dashboards(dashboards: Sequence[Dashboard], directory: Path) -> pl.DataFrame:
    """Writes ``<key>.html`` per dashboard, a thread each (encoding one file while
    another is written out); returns one row per file written."""
    with ThreadPoolExecutor(max_workers=max(len(dashboards), 1)) as writers:
        rows = list(writers.map(lambda dashboard: _write(dashboard, directory), dashboards))
    return pl.DataFrame(rows, schema=FRAME_SCHEMA)


def _write(dashboard: Dashboard, directory: Path) -> dict[str, object]:
    written = write_page(directory, dashboard.key, dashboard.html)
    return {**written.row(), "generated_for_period": dashboard.period}
