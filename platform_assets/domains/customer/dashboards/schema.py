"""The table the ``customer_data_quality`` asset returns: one row per page written."""

from __future__ import annotations

from typing import Any

import pandera.polars as pa


def _field(description: str, **checks: Any) -> Any:
    return pa.Field(description=description, metadata={"pii": False}, **checks)


class CustomerDataQuality(pa.DataFrameModel):
    dashboard: str = _field("The page, also the HTML file's name: data_quality.", unique=True)
    path: str = _field("Absolute path of the HTML file written.")
    bytes: int = _field("Size of the HTML file in bytes.", ge=1)
    tables_missing: str = _field(
        "The tables the page reads that were not built yet (comma-separated; their "
        "sections say so on the page); null when every table was there.",
        nullable=True,
    )

    class Config:
        name = "customer_data_quality"
        strict = True
