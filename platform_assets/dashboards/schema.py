"""The table a dashboard asset returns, one row per page written: the columns every
domain's has. A domain's model extends ``DashboardPages``, describing its pages in
``dashboard`` and adding its own columns after ``bytes``."""

from __future__ import annotations

from typing import Any

import pandera.polars as pa


def column(description: str, **checks: Any) -> Any:
    """A column of a dashboard table: never personal (pages show aggregates only)."""
    return pa.Field(description=description, metadata={"pii": False}, **checks)


class DashboardPages(pa.DataFrameModel):
    dashboard: str = column("The page, also the HTML file's name.", unique=True)
    path: str = column("Absolute path of the HTML file written.")
    bytes: int = column("Size of the HTML file in bytes.", ge=1)
