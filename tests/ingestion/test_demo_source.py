"""The bundled demo source: deterministic, window-independent, realistic, and fast."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from platform_assets.domains.dora.demo_source import DemoConnector, DemoSettings
from platform_assets.domains.dora.demo_source.activity import VISIBLE_AT, generate
from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS, RAW_TABLE_MODELS
from tests.ingestion.conftest import END


def extract_all(settings: DemoSettings, cursors: dict[str, str] | None = None) -> dict:
    connector = DemoConnector(settings)
    frames = {}
    for entity in RAW_CONTRACTS:
        batches = list(connector.extract(entity, (cursors or {}).get(entity)))
        frames[entity] = pl.concat([b.records for b in batches]) if batches else None
    return frames


@pytest.fixture(scope="module")
def window() -> dict[str, pl.DataFrame]:
    return extract_all(DemoSettings(seed=3, days=60, end=END))


def test_same_seed_and_window_give_identical_records(window) -> None:
    again = extract_all(DemoSettings(seed=3, days=60, end=END))
    other_seed = extract_all(DemoSettings(seed=4, days=60, end=END))
    for entity, frame in window.items():
        assert frame.equals(again[entity]), entity
        assert not frame.equals(other_seed[entity]), entity


def test_a_later_window_agrees_on_everything_already_seen(window) -> None:
    later = DemoConnector(DemoSettings(seed=3, days=60, end=END + timedelta(days=5)))
    for entity, frame in window.items():
        # Records visible before the first window's end (the cursor) are unchanged.
        cursor = next(DemoConnector(DemoSettings(seed=3, days=60, end=END)).extract(entity, None))
        newer = pl.concat([b.records for b in later.extract(entity, cursor.cursor)])
        whole = pl.concat([b.records for b in later.extract(entity, None)])
        older = whole.join(newer, on=list(RAW_CONTRACTS[entity].key), how="anti")
        stale = older.join(frame, on=older.columns, how="anti", nulls_equal=True)
        assert stale.height == 0, entity
        assert newer.height > 0, entity


def test_an_incremental_pull_returns_exactly_the_whole_window_after_its_cursor() -> None:
    """An incremental pull generates only the days the cursor has not settled (see
    SETTLING). It returns exactly the whole window's records whose state appeared after
    the cursor: for cursors across the window, and for the cursors that need SETTLING
    most, a second before an incident resolves a day or more after it was opened (the
    only records whose state appears on a later day than their anchor)."""
    settings = DemoSettings(seed=3, days=60, end=END)
    whole = generate(settings.window())
    start = settings.window().start
    across = [
        start + timedelta(days=day, hours=hour) for day in range(0, 60, 3) for hour in (0, 12)
    ]
    incidents = whole["incidents"]
    late = incidents.filter(pl.col(VISIBLE_AT).dt.date() > pl.col("created_at").dt.date())
    assert late.height >= 5
    before_late = [visible - timedelta(seconds=1) for visible in late.get_column(VISIBLE_AT)]
    for cursor in across + before_late:
        connector = DemoConnector(settings)
        for entity, frame in whole.items():
            expected = frame.filter(pl.col(VISIBLE_AT) > cursor).drop(VISIBLE_AT)
            batches = list(connector.extract(entity, cursor.isoformat()))
            pulled = pl.concat([b.records for b in batches]) if batches else expected.clear()
            assert pulled.equals(expected), (entity, cursor)


def test_the_window_holds_every_scenario_the_metrics_need(window) -> None:
    deployments, incidents = window["deployments"], window["incidents"]
    kinds = set(deployments.select("environment", "result", "trigger_kind").unique().rows())
    assert {
        ("PRODUCTION", "SUCCESS", "planned"),
        ("PRODUCTION", "FAILURE", "planned"),
        ("PRODUCTION", "SUCCESS", "hotfix"),
        ("PRODUCTION", "SUCCESS", "rollback"),
        ("STAGING", "SUCCESS", "planned"),
        ("STAGING", "ABORTED", "planned"),
    } <= kinds
    per_deployment = window["deployment_commits"].group_by("deployment_id").len()
    assert per_deployment.get_column("len").max() == 2, "multi-repository deployments"
    assert incidents.get_column("caused_by_deployment_id").drop_nulls().len() > 0
    assert incidents.get_column("root_cause_sha").drop_nulls().len() > 0
    assert (
        incidents.filter(
            pl.col("caused_by_deployment_id").is_null() & pl.col("root_cause_sha").is_null()
        ).height
        > 0
    )
    prs, reviews = window["pull_requests"], window["pull_request_reviews"]
    assert prs.join(reviews, on="pr_id", how="anti").height > 0, "unreviewed pull requests"
    assert prs.get_column("referenced_incident_id").drop_nulls().len() > 0
    commits = window["commits"]
    direct = commits.join(window["pull_request_commits"], on=["repo", "sha"], how="anti")
    assert direct.height > 0, "direct pushes"
    assert commits.get_column("message").str.starts_with('Revert "').any()


def test_records_reference_each_other_consistently(window) -> None:
    deployments, commits = window["deployments"], window["commits"]
    for entity in ("deployment_commits", "deployment_change_sets"):
        assert window[entity].join(deployments, on="deployment_id", how="anti").height == 0
    assert (
        window["deployment_change_sets"].join(commits, on=["repo", "sha"], how="anti").height == 0
    )
    caused = window["incidents"].drop_nulls("caused_by_deployment_id")
    assert (
        caused.join(
            deployments, left_on="caused_by_deployment_id", right_on="deployment_id", how="anti"
        ).height
        == 0
    )
    for entity, frame in window.items():
        RAW_TABLE_MODELS[entity].to_schema().select_columns(frame.columns)
        assert frame.height == frame.unique(subset=list(RAW_CONTRACTS[entity].key)).height


def test_the_end_defaults_to_today_at_midnight_utc() -> None:
    window = DemoSettings().window()
    assert window.end.date() <= date.today() + timedelta(days=1)
    assert (window.end.hour, window.end.minute, window.end.utcoffset()) == (0, 0, timedelta(0))


@pytest.mark.slow
def test_the_scale_knob_reaches_a_million_deployment_commits() -> None:
    """How fast it generates them is benchmarks/bench_demo_source.py's business."""
    connector = DemoConnector(DemoSettings(scale=205, days=90, end=END))
    [batch] = list(connector.extract("deployment_commits", None))
    assert batch.records.height >= 1_000_000
