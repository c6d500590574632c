"""Rendering a dashboard: the page modules gather figures and chart specs, and a Jinja2
template per page (``templates/``, extending ``base.html``) writes them out.

The environment is the dashboards library's (``platform_assets.dashboards``): it
escapes every value from the warehouse (service names, incident ids, severities), so a
service named ``<script>`` never runs.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Final

from markupsafe import Markup

from platform_assets.dashboards.environment import dashboard_environment
from platform_assets.domains.dora.dashboards import charts

#: The dashboards, in navigation order: file stem (and template name) and title.
NAVIGATION: Final = (
    ("deployment_frequency", "Deployment frequency & success rate"),
    ("lead_time", "Lead time for changes"),
    ("change_failure_rate", "Change failure & rework rate"),
    ("recovery_time", "Recovery time & incidents"),
)
TITLES: Final = dict(NAVIGATION)


#: The DORA templates (``templates/``) over the library's layout and stylesheet, with
#: the chart margins the chart macros lay out by.
ENVIRONMENT: Final = dashboard_environment(
    __package__ or __name__,
    LEFT=charts.LEFT,
    RIGHT=charts.RIGHT,
    TOP=charts.TOP,
    BOTTOM=charts.BOTTOM,
)


@functools.lru_cache(maxsize=256)
def _weekly_axes_once(axes: tuple[Any, ...]) -> Markup:
    """The axes of a weekly chart, drawn once per distinct scale and labels: a page of
    a thousand services has a handful of scales, and an axis is a fifth of a chart."""
    charts_module: Any = ENVIRONMENT.get_template("charts.html").module  # macros: dynamic
    return Markup(charts_module.weekly_axes(*axes))


ENVIRONMENT.globals["weekly_axes_once"] = _weekly_axes_once


@dataclass(frozen=True)
class Dashboard:
    """A rendered dashboard: ``key`` is its file stem and its row in the asset's table;
    ``period`` the span of the weeks it shows (ISO 8601 interval), None without data."""

    key: str
    title: str
    html: str
    period: str | None


def render_page(key: str, *, subtitle: str, period: str | None, **figures: Any) -> Dashboard:
    """The page of ``key`` from its template, given the figures it shows."""
    html = ENVIRONMENT.get_template(f"{key}.html").render(
        key=key,
        title=TITLES[key],
        subtitle=subtitle,
        period=period,
        navigation=NAVIGATION,
        **figures,
    )
    return Dashboard(key, TITLES[key], html, period)
