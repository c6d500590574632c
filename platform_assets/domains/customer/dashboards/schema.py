"""The table the ``customer_data_quality`` asset returns: one row per page written."""

from __future__ import annotations

from platform_assets.dashboards.schema import DashboardPages, column


class CustomerDataQuality(DashboardPages):
    dashboard: str = column("The page, also the HTML file's name: data_quality.", unique=True)
    tables_missing: str = column(
        "The tables the page reads that were not built yet (comma-separated; their "
        "sections say so on the page); null when every table was there.",
        nullable=True,
    )

    class Config:
        name = "customer_data_quality"
        strict = True
