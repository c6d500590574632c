"""The headline figures mart (``marts.agg_dora__headline_figures``) built from the demo
source, as the dbt step records it in numeric metadata: each figure equals the same
figure computed independently from the tables below the marts (staging and intermediate
models, raw spans), over the latest complete week or month."""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest

from platform_assets.integrations.dbt.assets import figures_metadata
from tests.dora_dashboards.conftest import DBT_PROJECT_DIR, DemoMarts, _dbt

HEADLINE_MART = "marts.agg_dora__headline_figures"
#: The marts the headline figures are computed from.
FIGURE_SOURCES = (
    "fct_deployment_frequency",
    "fct_deployment_success_rate",
    "fct_change_failure_rate",
    "fct_deployment_rework_rate",
    "fct_lead_time_for_changes",
    "fct_incident_recovery",
)


def _figures(connection: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The mart's row as the dbt step records it: the JSON line its post-hook logs, made
    numeric metadata."""
    (row,) = connection.execute(
        f"select to_json(figures) from {HEADLINE_MART} as figures"
    ).fetchall()
    metadata = figures_metadata(json.loads(row[0]))
    assert all(
        isinstance(v, dg.FloatMetadataValue | dg.IntMetadataValue) for v in metadata.values()
    )
    return {key: value.value for key, value in metadata.items()}


def _values(connection: duckdb.DuckDBPyConnection, *names: str) -> dict[str, Any]:
    figures = _figures(connection)
    return {name: figures[name] for name in names if name in figures}


def _row(connection: duckdb.DuckDBPyConnection, query: str, params: list[Any]) -> dict[str, Any]:
    relation = connection.execute(query, params)
    columns = [column[0] for column in relation.description]
    return dict(zip(columns, relation.fetchall()[0], strict=True))


def _present(expected: dict[str, Any]) -> dict[str, Any]:
    """NULL figures are left out of the metadata."""
    return {key: value for key, value in expected.items() if value is not None}


def _assert_figures(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    assert actual.keys() == _present(expected).keys()
    for key, value in _present(expected).items():
        assert actual[key] == pytest.approx(value, rel=1e-9), key


@pytest.fixture
def connection(demo_marts: DemoMarts):
    with duckdb.connect(str(demo_marts.path), read_only=True) as connection:
        yield connection


def test_deployment_frequency_figures(connection, demo_marts: DemoMarts) -> None:
    week_start, week_end = demo_marts.last_week
    window_start = demo_marts.as_of - timedelta(days=29)
    expected = _row(
        connection,
        """
        with deployed as (
            select deployment_id, deployed_on from intermediate.int_dora__production_deployments
        ),
        first_attempt as (
            select min(cast(timezone('UTC', coalesce(finished_at, started_at)) as date)) as day
            from staging.stg_dora__deployments where environment = 'PRODUCTION'
        )
        select
            count(distinct deployment_id) filter (where deployed_on between $1 and $2)
                as deployments_last_week,
            count(distinct deployed_on) filter (where deployed_on between $1 and $2)
                as deployment_days_last_week,
            count(distinct deployment_id) filter (where deployed_on between $3 and $4)
                / (date_diff('day', greatest($3, any_value(first_attempt.day)), $4) + 1)
                as deployments_per_day_30d
        from deployed cross join first_attempt
        """,
        [week_start, week_end, window_start, demo_marts.as_of],
    )
    assert expected["deployments_last_week"] > 0
    _assert_figures(_values(connection, *expected), expected)


def test_deployment_success_rate_figures(connection, demo_marts: DemoMarts) -> None:
    expected = _row(
        connection,
        """
        select
            count(*) as deployment_attempts_last_week,
            count(*) filter (where result = 'FAILURE') as failed_deployment_attempts_last_week,
            count(*) filter (where result = 'SUCCESS') / nullif(count(*), 0)
                as deployment_success_rate_last_week
        from staging.stg_dora__deployments
        where environment = 'PRODUCTION'
          and cast(timezone('UTC', finished_at) as date) between $1 and $2
        """,
        list(demo_marts.last_week),
    )
    assert expected["deployment_attempts_last_week"] > 0
    _assert_figures(_values(connection, *expected), expected)


def test_change_failure_rate_is_the_latest_complete_month(connection, demo_marts) -> None:
    expected = _row(
        connection,
        """
        select
            count(*) as deployments_last_month,
            count(*) filter (where is_change_failure) as failed_deployments_last_month,
            count(*) filter (where is_change_failure) / nullif(count(*), 0)
                as change_failure_rate_last_month
        from intermediate.int_dora__deployment_outcomes
        where deployed_on between $1 and $2
        """,
        list(demo_marts.last_month),
    )
    assert expected["change_failure_rate_last_month"] is not None
    _assert_figures(_values(connection, *expected), expected)


def test_rework_rate_figures(connection, demo_marts: DemoMarts) -> None:
    expected = _row(
        connection,
        """
        select
            count(*) filter (where is_remediation) as remediation_deployments_last_month,
            count(*) filter (where is_remediation) / nullif(count(*), 0)
                as rework_rate_last_month
        from intermediate.int_dora__remediation_deployments
        where deployed_on between $1 and $2
        """,
        list(demo_marts.last_month),
    )
    _assert_figures(_values(connection, *expected), expected)


def test_lead_time_percentiles_in_hours(connection, demo_marts: DemoMarts) -> None:
    expected = _row(
        connection,
        """
        select
            count(lead_time_seconds) as lead_time_changes_last_month,
            quantile_cont(lead_time_seconds / 3600, 0.5) as lead_time_median_hours,
            quantile_cont(lead_time_seconds / 3600, 0.75) as lead_time_p75_hours,
            quantile_cont(lead_time_seconds / 3600, 0.9) as lead_time_p90_hours
        from marts.fct_lead_time_for_changes
        where cast(timezone('UTC', deployed_at) as date) between $1 and $2
        """,
        list(demo_marts.last_month),
    )
    assert expected["lead_time_median_hours"] is not None
    _assert_figures(_values(connection, *expected), expected)


def test_recovery_figures_from_the_incident_spans(connection, demo_marts: DemoMarts) -> None:
    expected = _row(
        connection,
        """
        with spans as (
            select
                resolved_at,
                cast(timezone('UTC', resolved_at) as date) as resolved_day,
                epoch(resolved_at - attributed_deployment_finished_at) / 3600 as recovery,
                epoch(resolved_at - created_at) / 3600 as restore
            from marts.fct_incident_recovery
        )
        select
            count(*) filter (where resolved_day between $1 and $2)
                as incidents_resolved_last_month,
            count(*) filter (where resolved_at is null) as open_incidents,
            median(recovery) filter (where resolved_day between $1 and $2 and recovery >= 0)
                as recovery_time_median_hours,
            median(restore) filter (where resolved_day between $1 and $2 and restore >= 0)
                as time_to_restore_median_hours
        from spans
        """,
        list(demo_marts.last_month),
    )
    assert expected["recovery_time_median_hours"] is not None
    _assert_figures(_values(connection, *expected), expected)


def test_every_figure_is_one_the_tests_above_check(connection) -> None:
    """A figure added to the mart gets its independent check above, or this fails."""
    assert set(_figures(connection)) == {
        "deployments_last_week",
        "deployment_days_last_week",
        "deployments_per_day_30d",
        "deployment_attempts_last_week",
        "failed_deployment_attempts_last_week",
        "deployment_success_rate_last_week",
        "deployments_last_month",
        "failed_deployments_last_month",
        "change_failure_rate_last_month",
        "remediation_deployments_last_month",
        "rework_rate_last_month",
        "lead_time_changes_last_month",
        "lead_time_median_hours",
        "lead_time_p75_hours",
        "lead_time_p90_hours",
        "incidents_resolved_last_month",
        "open_incidents",
        "recovery_time_median_hours",
        "time_to_restore_median_hours",
    }


def test_only_numbers_become_figures() -> None:
    """The row's day and mode are not figures, nor is a NULL figure (no data behind it)."""
    metadata = figures_metadata(
        {
            "last_complete_day": "2026-11-29",
            "dora_mode": "default",
            "deployments_last_week": 12,
            "deployments_per_day_30d": 2.0,
            "rework_rate_last_month": None,
            "flag": True,
        }
    )
    assert metadata == {
        "deployments_last_week": dg.MetadataValue.int(12),
        "deployments_per_day_30d": dg.MetadataValue.float(2.0),
    }


def test_empty_marts_give_no_rates(demo_marts: DemoMarts, tmp_path: Path) -> None:
    """Every mart present with no rows, the headline mart built on them by dbt, its tests
    passing: counts of a window that exists are 0, every rate, median and per-period count
    is left out."""
    database = tmp_path / "empty.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute(f"attach '{demo_marts.path}' as built (read_only)")
        connection.execute("create schema marts")
        for table in FIGURE_SOURCES:
            connection.execute(
                f"create table marts.{table} as select * from built.marts.{table} limit 0"
            )
    built = subprocess.run(
        [
            _dbt(),
            "build",
            "--select",
            "agg_dora__headline_figures",
            "--profiles-dir",
            ".",
            "--vars",
            json.dumps({"warehouse_path": str(database), "dora_as_of": str(demo_marts.as_of)}),
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
        ],
        cwd=DBT_PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stdout[-3000:]
    with duckdb.connect(str(database), read_only=True) as connection:
        assert _figures(connection) == {
            "lead_time_changes_last_month": 0,
            "incidents_resolved_last_month": 0,
            "open_incidents": 0,
        }
