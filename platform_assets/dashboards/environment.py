"""The Jinja2 environment of a domain's dashboards.

Autoescaping is on for every template, so text from the warehouse (service names,
reasons, ids) shows as text wherever it lands, in element content and attribute values
alike; a value that reads ``<script>`` never runs. Undefined names fail the render
instead of printing nothing.

Templates are looked up in the domain's ``templates/`` folder first, then in this
library's: ``page.html`` (the layout every page extends), ``page.css`` (the stylesheet
a domain's ``dashboard.css`` extends) and ``parts.html`` (macros of every page).
"""

from __future__ import annotations

from typing import Any, Final

import jinja2

from platform_assets.dashboards import formatting as fmt

TEMPLATES: Final = "templates"


def dashboard_environment(package: str, **globals_: Any) -> jinja2.Environment:
    """The environment of the dashboards whose templates are in ``package``'s
    ``templates/`` folder, with the number filters and ``MISSING`` (plus ``globals_``)."""
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.PackageLoader(package, TEMPLATES),
                jinja2.PackageLoader(__package__ or "platform_assets.dashboards", TEMPLATES),
            ]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(MISSING=fmt.MISSING, **globals_)
    environment.filters.update(
        hours=fmt.hours, rate=fmt.rate, number=fmt.number, instant=fmt.instant
    )
    return environment
