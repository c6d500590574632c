"""Every value from the data is escaped: a service, incident or pull request named like
markup shows as text on every dashboard and never becomes an element.

The renderers also run on marts with no rows, as before the first deployment.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from markupsafe import escape

from platform_assets.domains.dora.dashboards import MARTS_READ, Dashboard, render_dashboards
from platform_assets.warehouse import Warehouse
from tests.dora_dashboards.conftest import DemoMarts

HOSTILE = '<script>alert("dora")</script>'
HOSTILE_LEVEL = "<b>elite</b>"

#: Beyond `service`, the identifying text columns a dashboard prints.
EXTRA_REPLACEMENTS = {
    "fct_incident_recovery": (
        f"'{HOSTILE}-incident' as incident_id, '{HOSTILE}' as severity, "
        "null as resolved_at, null as resolved_on, true as is_open"
    ),
    "fct_pull_request_stages": f"'{HOSTILE}-pr' as pr_id",
    "agg_dora_performance_levels": f"'{HOSTILE_LEVEL}' as level",
    "agg_deployment_frequency_level": f"'{HOSTILE_LEVEL}' as level",
}

#: Which rows are copied: one, except one per metric of the levels (every dashboard
#: shows its own metric) and the slowest pull request (so the list of slowest shows it).
ROWS_COPIED = {
    "agg_dora_performance_levels": (
        "qualify row_number() over (partition by metric order by service, report_year) = 1"
    ),
    "fct_pull_request_stages": "order by cycle_time_hours desc nulls last limit 1",
}


@pytest.fixture(scope="module")
def hostile_dashboards(
    demo_marts: DemoMarts, tmp_path_factory: pytest.TempPathFactory
) -> list[Dashboard]:
    """The dashboards of a copy of the marts in which one row of every mart was
    duplicated under a hostile service name (and an open, hostile incident)."""
    copy = Path(tmp_path_factory.mktemp("hostile")) / "warehouse.duckdb"
    shutil.copyfile(demo_marts.path, copy)
    with duckdb.connect(str(copy)) as connection:
        for mart in MARTS_READ:
            replacements = ", ".join(
                [f"'{HOSTILE}' as service", *filter(None, [EXTRA_REPLACEMENTS.get(mart)])]
            )
            connection.execute(
                f"insert into marts.{mart} "
                f"select * replace ({replacements}) from marts.{mart} "
                + ROWS_COPIED.get(mart, "limit 1")
            )
    with Warehouse(database=str(copy)).connect(read_only=True) as session:
        return render_dashboards(session)


def test_hostile_values_are_shown_escaped_on_every_dashboard(hostile_dashboards) -> None:
    for dashboard in hostile_dashboards:
        assert "<script" not in dashboard.html, dashboard.key
        assert "<b>elite" not in dashboard.html, dashboard.key
        assert escape(HOSTILE) in dashboard.html, dashboard.key


def test_hostile_incidents_and_pull_requests_are_escaped(hostile_dashboards) -> None:
    pages = {dashboard.key: dashboard.html for dashboard in hostile_dashboards}
    assert f"<td>{escape(HOSTILE)}-incident</td>" in pages["recovery_time"]
    assert f"<td>{escape(HOSTILE)}-pr</td>" in pages["lead_time"]


def test_an_unknown_level_gets_the_neutral_badge_and_an_open_incident_a_dashed_bar(
    hostile_dashboards,
) -> None:
    pages = {dashboard.key: dashboard.html for dashboard in hostile_dashboards}
    for key in ("deployment_frequency", "lead_time", "change_failure_rate", "recovery_time"):
        assert 'class="badge badge-none"' in pages[key]
        assert escape(HOSTILE_LEVEL) in pages[key]
    assert '<rect class="span open"' in pages["recovery_time"]


def test_empty_marts_render_pages_that_say_so(demo_marts: DemoMarts, tmp_path: Path) -> None:
    """Before the first deployment the asset still writes its four pages, with no period."""
    empty = tmp_path / "empty.duckdb"
    with duckdb.connect(str(empty)) as connection:
        connection.execute(f"attach '{demo_marts.path}' as built (read_only)")
        connection.execute("create schema marts")
        for mart in MARTS_READ:
            connection.execute(
                f"create table marts.{mart} as select * from built.marts.{mart} limit 0"
            )
        connection.execute("detach built")
    with Warehouse(database=str(empty)).connect(read_only=True) as session:
        dashboards = render_dashboards(session)
    assert [dashboard.period for dashboard in dashboards] == [None] * 4
    for dashboard in dashboards:
        assert "No data yet" in dashboard.html
        assert 'class="empty"' in dashboard.html
        assert "<svg" not in dashboard.html
