"""Rendering the data-quality page: the sections' figures and the last loads, written
out by Jinja2 templates (``templates/``).

The environment is the dashboards library's (``platform_assets.dashboards``): it
escapes every value from the warehouse (source names, columns, reasons), so a reason
that reads ``<script>`` never runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from platform_assets.dashboards.environment import dashboard_environment
from platform_assets.domains.customer.dashboards.last_loads import FIGURES, LastLoad
from platform_assets.domains.customer.dashboards.sections import build_sections
from platform_assets.warehouse import WarehouseSession

KEY: Final = "data_quality"
TITLE: Final = "Customer data quality"

ENVIRONMENT: Final = dashboard_environment(__package__ or __name__)


@dataclass(frozen=True)
class Dashboard:
    """The rendered page; ``tables_missing`` the tables it reads that are not built yet."""

    key: str
    title: str
    html: str
    tables_missing: tuple[str, ...]


def render_dashboard(session: WarehouseSession, loads: Sequence[LastLoad]) -> Dashboard:
    sections = build_sections(session)
    html = ENVIRONMENT.get_template(f"{KEY}.html").render(
        title=TITLE,
        sections=sections,
        loads=loads,
        load_figures=[heading for _, heading in FIGURES],
    )
    missing = tuple(sorted({table for built in sections for table in built.missing}))
    return Dashboard(KEY, TITLE, html, missing)
