"""The ``dora_dashboards`` asset materialized by Dagster on marts built from the demo
source: four offline HTML files, a validated table that lists them, links in the
metadata, and pages that show every service, the level badges, the pull request stages
and the incidents of the data."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from platform_assets.dashboards import formatting as fmt
from platform_assets.domains.dora.dashboards.asset import UPSTREAM_MARTS, dora_dashboards
from tests.dashboards.materializing import materialize_dashboard
from tests.dora_dashboards.conftest import DemoMarts

DASHBOARD_KEYS = ("deployment_frequency", "lead_time", "change_failure_rate", "recovery_time")
PR_STAGES = ("coding", "pickup", "review", "deploy")


@dataclass(frozen=True)
class Materialized:
    result: dg.ExecuteInJobResult
    warehouse: Path
    directory: Path
    pages: dict[str, str]


@pytest.fixture(scope="module")
def materialized(
    demo_marts: DemoMarts, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Materialized]:
    workdir = tmp_path_factory.mktemp("dashboards_asset")
    warehouse = workdir / "warehouse.duckdb"
    shutil.copyfile(demo_marts.path, warehouse)
    directory = workdir / "dashboards"
    result = materialize_dashboard(dora_dashboards, warehouse, directory)
    pages = {path.stem: path.read_text(encoding="utf-8") for path in directory.glob("*.html")}
    yield Materialized(result, warehouse, directory, pages)


def _query(path: Path, sql: str) -> pl.DataFrame:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.sql(sql).pl()


def test_the_asset_writes_one_file_per_dashboard_and_lists_them(materialized) -> None:
    assert materialized.result.success
    assert sorted(materialized.pages) == sorted(DASHBOARD_KEYS)
    listed = _query(materialized.warehouse, "select * from dashboards.dora_dashboards")
    assert sorted(listed["dashboard"].to_list()) == sorted(DASHBOARD_KEYS)
    for row in listed.iter_rows(named=True):
        path = Path(row["path"])
        assert path == materialized.directory / f"{row['dashboard']}.html"
        assert row["bytes"] == path.stat().st_size > 0
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2}", row["generated_for_period"])
    checks = materialized.result.get_asset_check_evaluations()
    assert [check.check_name for check in checks] == ["pandera_schema"]
    assert all(check.passed for check in checks)


def test_the_materialization_links_every_file(materialized) -> None:
    [event] = materialized.result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    for key in DASHBOARD_KEYS:
        path = materialized.directory / f"{key}.html"
        assert metadata[key] == dg.MetadataValue.path(str(path))
        assert f"]({path.as_uri()})" in str(metadata["dashboards"].value)
    assert isinstance(metadata["dashboards"], dg.MarkdownMetadataValue)


def test_the_asset_is_alpha_and_downstream_of_the_marts_it_reads() -> None:
    spec = next(iter(dora_dashboards.specs))
    assert spec.key == dg.AssetKey(["dashboards", "dora_dashboards"])
    assert spec.tags["stage"] == "alpha"
    assert spec.owners == ["team:dora-metrics"]
    assert {dep.asset_key for dep in spec.deps} == set(UPSTREAM_MARTS)
    assert dg.AssetKey(["marts", "fct_pull_request_stages"]) in set(UPSTREAM_MARTS)


@pytest.mark.parametrize("key", DASHBOARD_KEYS)
def test_a_dashboard_renders_offline(materialized, key: str) -> None:
    page = materialized.pages[key]
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert not re.search(r"<script|<link|@import|@font-face|url\(", page, re.IGNORECASE)
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", page, re.IGNORECASE)
    assert "http://" not in page and "https://" not in page


@pytest.mark.parametrize("key", DASHBOARD_KEYS)
def test_a_dashboard_shows_every_service(materialized, demo_marts: DemoMarts, key: str) -> None:
    services = _query(
        demo_marts.path,
        "select service from raw.deployments union select service from raw.incidents",
    )["service"].to_list()
    assert len(services) >= 8
    page = materialized.pages[key]
    missing = [service for service in services if f"<h3>{service}</h3>" not in page]
    assert missing == []


LEVEL_SOURCES = {
    "deployment_frequency": (
        "select service, report_year, level, level_basis from marts.agg_deployment_frequency_level"
    ),
    "lead_time": (
        "select service, report_year, level, level_basis from marts.agg_dora_performance_levels "
        "where metric = 'lead_time_for_changes'"
    ),
    "change_failure_rate": (
        "select service, report_year, level, level_basis from marts.agg_dora_performance_levels "
        "where metric = 'change_failure_rate'"
    ),
    "recovery_time": (
        "select service, report_year, level, level_basis from marts.agg_dora_performance_levels "
        "where metric in ('failed_deployment_recovery_time', 'time_to_restore_service')"
    ),
}


def _badge_texts(row_html: str) -> list[str]:
    return re.findall(r'<span class="badge badge-\w+" title="[^"]*">([^<]*)</span>', row_html)


@pytest.mark.parametrize("key", DASHBOARD_KEYS)
def test_the_level_badges_are_the_marts_levels(
    materialized, demo_marts: DemoMarts, key: str
) -> None:
    """Per service, the badges in report-year order are the mart's levels (an asterisk
    when the value sits outside the year's bands)."""
    levels = _query(demo_marts.path, LEVEL_SOURCES[key])
    assert levels["level"].null_count() < levels.height
    page = materialized.pages[key]
    assert len(_badge_texts(page)) == levels.height
    rows = [row for row in re.findall(r"<tr>(.*?)</tr>", page) if 'class="badge' in row]
    shown: dict[str, list[str]] = {}
    for row in rows:
        service = re.match(r"<td>([^<]*)</td>", row).group(1)  # type: ignore[union-attr]
        shown.setdefault(service, []).extend(_badge_texts(row))
    expected: dict[str, list[str]] = {}
    for row in levels.sort("report_year").iter_rows(named=True):
        star = "*" if row["level_basis"] not in (None, "in_band") else ""
        expected.setdefault(row["service"], []).append(f"{row['level'] or 'n/a'}{star}")
    assert {s: sorted(v) for s, v in shown.items()} == {s: sorted(v) for s, v in expected.items()}


def test_the_lead_time_drill_down_shows_the_four_stage_medians(
    materialized, demo_marts: DemoMarts
) -> None:
    page = materialized.pages["lead_time"]
    stages = _query(demo_marts.path, "select * from marts.fct_pull_request_stages")
    for stage in PR_STAGES:
        assert f'<th class="num">{stage} (median)</th>' in page
        column = f"{stage}_time_hours"
        overall = stages[column].drop_nulls().median()
        assert f", {stage}: {fmt.hours(overall)}</title>" in page  # type: ignore[arg-type]
    for service in stages["service"].drop_nulls().unique().to_list():
        of_service = stages.filter(pl.col("service") == service)
        medians = [
            fmt.hours(of_service[f"{stage}_time_hours"].drop_nulls().median())  # type: ignore[arg-type]
            for stage in PR_STAGES
        ]
        prefix = f'<td>{service}</td><td class="num">{of_service.height}</td>'
        row = next(r for r in re.findall(r"<tr>(.*?)</tr>", page) if r.startswith(prefix))
        assert re.findall(r'<td class="num">([^<]*)</td>', row)[1:5] == medians


def test_the_incident_timeline_shows_every_incident(materialized, demo_marts: DemoMarts) -> None:
    page = materialized.pages["recovery_time"]
    incidents = _query(
        demo_marts.path,
        "select incident_id, service from marts.fct_incident_recovery order by created_at desc",
    )
    assert incidents.height > 0
    assert page.count('<rect class="span') == incidents.height
    latest = incidents.row(0, named=True)
    assert f"<title>{latest['incident_id']} (" in page
    assert f"<td>{latest['incident_id']}</td><td>{latest['service']}</td>" in page
    missing = [i for i in incidents["incident_id"].to_list() if f"<td>{i}</td>" not in page]
    assert missing == []
