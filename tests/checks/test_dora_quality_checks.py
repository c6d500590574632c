"""The DORA domain's quality checks in real runs: the demo source landed by the raw assets
and the DORA models built by dbt, on a real instance and DuckDB file. Each check passes
on the demo data and fails on a table broken the way it guards against."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest

from platform_assets.domains.dora.quality_checks import LEVEL_WINDOW_DAYS, quality_checks
from platform_assets.domains.dora.raw_assets import raw_assets
from platform_assets.domains.dora.sources import DoraSource
from platform_assets.integrations.dbt.assets import dbt_project_models
from platform_assets.warehouse import Warehouse, WarehouseIOManager
from tests.checks.dagster_results import metadata_values
from tests.dora_dashboards.conftest import DemoMarts, build_demo_marts

CheckId = tuple[str, str]


def _on(prefix: str) -> list[dg.AssetChecksDefinition]:
    return [
        checks
        for checks in quality_checks
        if all(key.asset_key.path[0] == prefix for key in checks.check_keys)
    ]


RAW_CHECKS = _on("raw")
MART_CHECKS = _on("marts")


def _check_ids(checks: list[dg.AssetChecksDefinition]) -> set[CheckId]:
    return {(key.asset_key.path[-1], key.name) for c in checks for key in c.check_keys}


def _resources(database: Path) -> dict[str, Any]:
    return {
        "warehouse": Warehouse(database=str(database)),
        "warehouse_io_manager": WarehouseIOManager(database=str(database)),
        "dora_source": DoraSource(),
    }


def _failures(result: dg.ExecuteInProcessResult) -> dict[CheckId, str]:
    return {
        (evaluation.asset_key.path[-1], evaluation.check_name): evaluation.description or ""
        for evaluation in result.get_asset_check_evaluations()
        if not evaluation.passed
    }


def _evaluated(result: dg.ExecuteInProcessResult) -> set[CheckId]:
    return {
        (evaluation.asset_key.path[-1], evaluation.check_name)
        for evaluation in result.get_asset_check_evaluations()
    }


def _run_checks_only(
    assets: list[Any], checks: list[dg.AssetChecksDefinition], database: Path, instance
) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [*assets, *checks],
        selection=dg.AssetSelection.checks(*checks),
        instance=instance,
        resources=_resources(database),
        # a failed blocking check fails its step: the evaluations are what is asserted
        raise_on_error=False,
    )


def test_every_quality_check_guards_a_raw_table_or_a_metric_mart():
    assert set(_check_ids(quality_checks)) == _check_ids(RAW_CHECKS) | _check_ids(MART_CHECKS)
    guarded = {key.asset_key for checks in RAW_CHECKS for key in checks.check_keys}
    assert guarded == {asset.key for asset in raw_assets}
    assert ("deployments", "data_freshness_finished_at") in _check_ids(RAW_CHECKS)
    assert ("deployment_commits", "references_deployments_deployment_id") in _check_ids(RAW_CHECKS)


def test_raw_checks_pass_on_the_demo_source_and_fail_on_broken_tables(instance, tmp_path):
    database = tmp_path / "warehouse.duckdb"
    for _ in range(2):
        loaded = dg.materialize(
            [*raw_assets, *RAW_CHECKS], instance=instance, resources=_resources(database)
        )
        assert loaded.success
        assert _evaluated(loaded) >= _check_ids(RAW_CHECKS)
        assert not _failures(loaded)

    with duckdb.connect(str(database)) as connection:
        connection.execute(
            "insert into raw.deployment_commits select * replace ('never-deployed' as "
            "deployment_id) from raw.deployment_commits limit 1"
        )
        connection.execute("delete from raw.commits")
        connection.execute(
            "insert into raw.pull_request_reviews select * replace (review_id || '-again' as "
            "review_id) from raw.pull_request_reviews"
        )

    broken = _run_checks_only(raw_assets, RAW_CHECKS, database, instance)

    failures = _failures(broken)
    assert set(failures) == {
        ("deployment_commits", "references_deployments_deployment_id"),
        ("commits", "volume_change"),
        ("commits", "row_count_bounds"),
        ("pull_request_reviews", "volume_change"),
    }
    assert (
        "'never-deployed'"
        in failures[("deployment_commits", "references_deployments_deployment_id")]
    )
    assert "fewer than the minimum 1" in failures[("commits", "row_count_bounds")]
    assert "Row count fell" in failures[("commits", "volume_change")]
    assert "Row count grew" in failures[("pull_request_reviews", "volume_change")]
    severities = {e.severity for e in broken.get_asset_check_evaluations() if not e.passed}
    assert severities == {dg.AssetCheckSeverity.ERROR}

    with duckdb.connect(str(database)) as connection:
        connection.execute("delete from raw.deployments where deployment_id like '%-stg'")
        connection.execute(
            "update raw.deployments "
            f"set finished_at = finished_at - interval {LEVEL_WINDOW_DAYS + 1} day"
        )

    stale = _run_checks_only(raw_assets, RAW_CHECKS, database, instance)

    failures = _failures(stale)
    assert {("deployments", "volume_change"), ("deployments", "data_freshness_finished_at")} <= set(
        failures
    )
    assert "Row count fell" in failures[("deployments", "volume_change")]
    assert (
        f"over the {LEVEL_WINDOW_DAYS * 24:,.1f} h allowed"
        in failures[("deployments", "data_freshness_finished_at")]
    )
    # GA checks block: what references raw/deployments waits for it to be repaired
    assert ("deployment_commits", "references_deployments_deployment_id") not in _evaluated(stale)


@pytest.fixture(scope="module")
def demo_marts(tmp_path_factory: pytest.TempPathFactory) -> DemoMarts:
    today = date.today()
    return build_demo_marts(
        tmp_path_factory.mktemp("quality_checks"), today - timedelta(days=today.weekday() + 1)
    )


def test_mart_checks_pass_on_the_demo_marts_and_fail_on_broken_ones(demo_marts, tmp_path):
    mart_specs = list(dbt_project_models.specs)
    with dg.instance_for_test() as instance:
        healthy = _run_checks_only(mart_specs, MART_CHECKS, demo_marts.path, instance)

        assert _evaluated(healthy) == _check_ids(MART_CHECKS)
        assert not _failures(healthy)
        levels = next(
            e
            for e in healthy.get_asset_check_evaluations()
            if e.check_name == "distinct_count_metric"
        )
        assert metadata_values(levels)["distinct_values"] == 5

        broken_path = tmp_path / "broken.duckdb"
        shutil.copy(demo_marts.path, broken_path)
        with duckdb.connect(str(broken_path)) as connection:
            connection.execute("delete from marts.fct_deployment_frequency where grain = 'month'")
            connection.execute(
                "update marts.agg_recovery_time set dora_mode = 'devlake' "
                "where period_start = (select min(period_start) from marts.agg_recovery_time)"
            )
            connection.execute(
                "update marts.agg_deployment_frequency_level "
                "set median_week_deployed = 2, peer_frequency_bucket = 'sometimes'"
            )
            connection.execute(
                "delete from marts.agg_dora_performance_levels where metric = 'change_failure_rate'"
            )

        broken = _run_checks_only(mart_specs, MART_CHECKS, broken_path, instance)

    failures = _failures(broken)
    assert set(failures) == {
        ("fct_deployment_frequency", "distinct_count_grain"),
        ("agg_recovery_time", "distinct_count_dora_mode"),
        ("agg_deployment_frequency_level", "value_range_median_week_deployed"),
        ("agg_deployment_frequency_level", "accepted_values_peer_frequency_bucket"),
        ("agg_dora_performance_levels", "distinct_count_metric"),
    }
    assert (
        "2 distinct values, fewer than the 3"
        in failures[("fct_deployment_frequency", "distinct_count_grain")]
    )
    assert (
        "'sometimes'"
        in failures[("agg_deployment_frequency_level", "accepted_values_peer_frequency_bucket")]
    )
