"""The environment a domain renders its pages with, on a real package of templates in a
temp directory: pages take the library's layout and stylesheet with the domain's rules
where its blocks put them, every value from the data is escaped (element content and
attribute values alike), the number filters are there, and a name the page was not
given fails the render instead of printing nothing."""

from __future__ import annotations

import uuid
from pathlib import Path

import jinja2
import pytest
from markupsafe import escape

from platform_assets.dashboards.environment import dashboard_environment

HOSTILE = '<script>alert("x")</script>'

DOMAIN_CSS = """{% extends "page.css" %}
{% block header %}
nav { margin: 0; }
{% endblock %}
{% block panels %}
.card { padding: 0; }
{% endblock %}
{% block tables %}
.badge { color: #fff; }
{% endblock %}
"""

OVERVIEW = """{% extends "page.html" %}
{% import "parts.html" as parts %}
{% block subtitle %}{{ subtitle }}{% endblock %}
{% block sections %}
<section title="{{ name }}">
{{ parts.tiles([(name, count|number), ("share", share|rate), ("none", MISSING)]) }}
{% if not rows %}{{ parts.empty(name) }}{% endif %}
</section>
{% endblock %}
"""


def _package(root: Path, templates: dict[str, str]) -> str:
    name = f"example_dashboards_{uuid.uuid4().hex}"
    package = root / name
    (package / "templates").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    for template, text in templates.items():
        (package / "templates" / template).write_text(text, encoding="utf-8")
    return name


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> jinja2.Environment:
    monkeypatch.syspath_prepend(str(tmp_path))
    package = _package(tmp_path, {"dashboard.css": DOMAIN_CSS, "overview.html": OVERVIEW})
    return dashboard_environment(package)


def _render(environment: jinja2.Environment, **values: object) -> str:
    figures = {"title": "Overview", "subtitle": "All of it", "name": "orders", "count": 1234}
    return environment.get_template("overview.html").render(
        **{**figures, "share": 0.5, "rows": [], **values}
    )


def test_a_page_takes_the_layout_and_the_domain_rules_cascade_in_order(environment) -> None:
    html = _render(environment)
    assert html.startswith("<!DOCTYPE html>")
    assert "<title>Overview</title>" in html
    assert "<header><h1>Overview</h1><p>All of it</p>\n</header>" in html
    order = ["header p {", "nav {", "main {", ".tile .label {", ".card {", "table {"]
    order += ["td.num, th.num {", ".badge {", ".empty {"]
    positions = [html.index(rule) for rule in order]
    assert positions == sorted(positions)
    assert "{%" not in html and "{#" not in html


def test_the_number_filters_and_the_missing_mark(environment) -> None:
    html = _render(environment)
    assert '<div class="value">1,234</div><div class="label">orders</div>' in html
    assert '<div class="value">50.0 %</div>' in html
    assert '<div class="value">\u2013</div><div class="label">none</div>' in html
    assert '<p class="empty">orders</p>' in html


def test_values_from_the_data_are_escaped_in_content_and_attributes(environment) -> None:
    html = _render(environment, name=HOSTILE, subtitle=HOSTILE)
    assert "<script" not in html
    assert f'<section title="{escape(HOSTILE)}">' in html
    assert f'<div class="label">{escape(HOSTILE)}</div>' in html
    assert f'<p class="empty">{escape(HOSTILE)}</p>' in html
    assert f"<p>{escape(HOSTILE)}</p>" in html


def test_a_name_the_page_was_not_given_fails_the_render(environment) -> None:
    with pytest.raises(jinja2.UndefinedError, match="subtitle"):
        environment.get_template("overview.html").render(
            title="t", name="n", count=1, share=0.5, rows=[]
        )


def test_a_domain_without_its_stylesheet_is_told_which_template_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    environment = dashboard_environment(_package(tmp_path, {"overview.html": OVERVIEW}))
    with pytest.raises(jinja2.TemplateNotFound, match=r"dashboard\.css"):
        _render(environment)


def test_the_domain_s_templates_come_before_the_library_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    own_parts = "{% macro tiles(items) %}own tiles{% endmacro %}{% macro empty(m) %}{% endmacro %}"
    package = _package(
        tmp_path, {"dashboard.css": DOMAIN_CSS, "overview.html": OVERVIEW, "parts.html": own_parts}
    )
    assert "own tiles" in _render(dashboard_environment(package))
