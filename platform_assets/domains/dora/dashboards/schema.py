"""The table the ``dora_dashboards`` asset returns: one row per dashboard file."""

from __future__ import annotations

from typing import Any

import pandera.polars as pa


def _field(description: str, **checks: Any) -> Any:
    return pa.Field(description=description, metadata={"pii": False}, **checks)


class DoraDashboards(pa.DataFrameModel):
    dashboard: str = _field(
        "The dashboard: deployment_frequency, lead_time, change_failure_rate or "
        "recovery_time; also the HTML file's name.",
        unique=True,
    )
    path: str = _field("Absolute path of the HTML file written.")
    bytes: int = _field("Size of the HTML file in bytes.", ge=1)
    generated_for_period: str = _field(
        "Span of the calendar weeks the dashboard shows, as an ISO 8601 interval of days "
        "(2026-09-28/2026-11-01); null when its marts hold no week yet.",
        nullable=True,
    )

    class Config:
        name = "dora_dashboards"
        strict = True
