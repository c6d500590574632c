"""Writing the page to ``<dashboards dir>/customer/``, owner-only.

The file is written next to its final name and renamed over it, so a browser that has
the page open never reads half of it. The same steps as the DORA dashboards' writer,
copied because a domain may not import another: they belong in a shared dashboards
library (reported to the lead)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from platform_assets.owner_only import owner_only_directory, owner_only_opener
from platform_assets.settings import resolve_path

DASHBOARDS_DIR_ENV: Final = "PLATFORM_DASHBOARDS_DIR"
DEFAULT_DASHBOARDS_DIR: Final = "data/dashboards"
#: The domain's folder under the dashboards directory.
DOMAIN_FOLDER: Final = "customer"


def customer_dashboards_dir() -> Path:
    """``$PLATFORM_DASHBOARDS_DIR/customer`` (default ``data/dashboards/customer``),
    relative to the project."""
    root = resolve_path(os.environ.get(DASHBOARDS_DIR_ENV) or DEFAULT_DASHBOARDS_DIR)
    return root / DOMAIN_FOLDER


def write_page(directory: Path, key: str, html: str) -> tuple[Path, int]:
    """Writes ``<directory>/<key>.html``; returns its path and size in bytes."""
    owner_only_directory(directory)
    target = directory / f"{key}.html"
    partial = target.with_name(f".{target.name}.partial")
    content = html.encode("utf-8")
    with open(partial, "wb", opener=owner_only_opener) as page:
        page.write(content)
    partial.replace(target)
    return target, len(content)
