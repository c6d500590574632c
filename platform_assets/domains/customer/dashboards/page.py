"""Rendering the data-quality page: the sections' figures and the last loads, written
out by Jinja2 templates (``templates/``).

Autoescaping is on, so text from the warehouse (source names, columns, reasons) shows as
text wherever it lands; a reason that reads ``<script>`` never runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import duckdb
import jinja2

from platform_assets.domains.customer.dashboards import formatting as fmt
from platform_assets.domains.customer.dashboards.last_loads import FIGURES, LastLoad
from platform_assets.domains.customer.dashboards.sections import build_sections

KEY: Final = "data_quality"
TITLE: Final = "Customer data quality"


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader(__package__ or __name__, "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals["MISSING"] = fmt.MISSING
    environment.filters.update(number=fmt.number, rate=fmt.rate, instant=fmt.instant)
    return environment


ENVIRONMENT: Final = _environment()


@dataclass(frozen=True)
class Dashboard:
    """The rendered page; ``tables_missing`` the tables it reads that are not built yet."""

    key: str
    title: str
    html: str
    tables_missing: tuple[str, ...]


def render_dashboard(connection: duckdb.DuckDBPyConnection, loads: Sequence[LastLoad]) -> Dashboard:
    sections = build_sections(connection)
    html = ENVIRONMENT.get_template(f"{KEY}.html").render(
        title=TITLE,
        sections=sections,
        loads=loads,
        load_figures=[heading for _, heading in FIGURES],
    )
    missing = tuple(sorted({table for built in sections for table in built.missing}))
    return Dashboard(KEY, TITLE, html, missing)
