"""The dashboards show the same figures as the reference captured from the pages on the
pinned demo marts: every heading, tile, table cell, level badge, legend entry and chart
mark with its tooltip, page by page (``figures.py`` reads them from the HTML).

To capture the reference again after a change meant to alter what a page shows, run
this test with ``DORA_DASHBOARD_FIGURES_UPDATE=1``: it rewrites the file and fails, so
the new figures are reviewed in the diff before they are committed.

On PostgreSQL the same marts (copied from the DuckDB file) are read as the analyst: the
pages must show the reference figures there too.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Final

import pytest

from platform_assets.domains.dora.dashboards import render_dashboards
from platform_assets.warehouse import Warehouse
from tests.customer.warehouse_roles import prepare_roles
from tests.dashboards.warehouse_copy import copy_tables, tables_of
from tests.dora_dashboards.conftest import DemoMarts
from tests.dora_dashboards.figures import figures

REFERENCE: Final = Path(__file__).with_name("reference_figures.json")
UPDATE_ENV: Final = "DORA_DASHBOARD_FIGURES_UPDATE"
DASHBOARD_KEYS: Final = (
    "deployment_frequency",
    "lead_time",
    "change_failure_rate",
    "recovery_time",
)


@pytest.fixture(
    scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def warehouse(pinned_demo_marts: DemoMarts, request: pytest.FixtureRequest) -> Warehouse:
    """The pinned marts: the DuckDB file dbt built, or its marts copied into PostgreSQL."""
    built = Warehouse(database=str(pinned_demo_marts.path))
    if request.param == "duckdb":
        return built
    postgres = Warehouse(postgres_url=request.getfixturevalue("postgres_server").create_database())
    prepare_roles(postgres)
    copy_tables(built, postgres, tables_of(built, ["marts"]), role="transformer")
    return postgres


@pytest.fixture(scope="module")
def shown(warehouse: Warehouse) -> dict[str, dict[str, Any]]:
    with warehouse.connect(read_only=True, role="analyst") as session:
        return {dashboard.key: figures(dashboard.html) for dashboard in render_dashboards(session)}


@pytest.fixture(scope="module")
def reference(shown: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    if os.environ.get(UPDATE_ENV):
        REFERENCE.write_text(json.dumps(shown, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        pytest.fail(f"{REFERENCE.name} rewritten: review its diff, then run without {UPDATE_ENV}")
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


def test_the_reference_covers_every_dashboard(shown, reference) -> None:
    assert sorted(reference) == sorted(shown) == sorted(DASHBOARD_KEYS)


@pytest.mark.parametrize("key", DASHBOARD_KEYS)
def test_a_dashboard_shows_the_reference_figures(shown, reference, key: str) -> None:
    page, expected = shown[key], reference[key]
    assert {name: page[name] for name in ("title", "header", "navigation")} == {
        name: expected[name] for name in ("title", "header", "navigation")
    }
    assert [section["heading"] for section in page["sections"]] == [
        section["heading"] for section in expected["sections"]
    ]
    for section, expected_section in zip(page["sections"], expected["sections"], strict=True):
        assert section == expected_section, section["heading"]
