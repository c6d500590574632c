"""The table the ``dora_dashboards`` asset returns: one row per dashboard file."""

from __future__ import annotations

from platform_assets.dashboards.schema import DashboardPages, column


class DoraDashboards(DashboardPages):
    dashboard: str = column(
        "The dashboard: deployment_frequency, lead_time, change_failure_rate or "
        "recovery_time; also the HTML file's name.",
        unique=True,
    )
    generated_for_period: str = column(
        "Span of the calendar weeks the dashboard shows, as an ISO 8601 interval of days "
        "(2026-09-28/2026-11-01); null when its marts hold no week yet.",
        nullable=True,
    )

    class Config:
        name = "dora_dashboards"
        strict = True
