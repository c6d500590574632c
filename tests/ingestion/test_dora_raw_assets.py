"""The raw DORA assets materialized by Dagster on the demo source into a DuckDB file."""

from __future__ import annotations

import dagster as dg
import pytest

from platform_assets.domains.dora.raw_assets import raw_assets
from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.domains.dora.sources import DoraSource
from platform_assets.stages import DeliveryStage
from platform_assets.warehouse import Warehouse, WarehouseIOManager
from tests.ingestion.conftest import END, all_tables


@pytest.fixture(autouse=True)
def demo_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo source's settings come from the environment, as in production."""
    monkeypatch.setenv("PLATFORM_DORA_DEMO_END", END.isoformat())
    monkeypatch.setenv("PLATFORM_DORA_DEMO_DAYS", "30")


def materialize(instance, database: str, run_config: dict | None = None) -> dg.ExecuteInJobResult:
    return dg.materialize(
        raw_assets,
        resources={
            "dora_source": DoraSource(),
            "warehouse": Warehouse(database=database),
            "warehouse_io_manager": WarehouseIOManager(database=database),
        },
        instance=instance,
        run_config=run_config,
    )


def metadata_by_table(result: dg.ExecuteInJobResult) -> dict[str, dict]:
    return {
        event.asset_key.path[-1]: {k: v.value for k, v in event.materialization.metadata.items()}
        for event in result.get_asset_materialization_events()
    }


@pytest.mark.integration(
    covers=[
        "raw/deployments",
        "raw/deployment_commits",
        "raw/deployment_change_sets",
        "raw/commits",
        "raw/pull_requests",
        "raw/pull_request_commits",
        "raw/pull_request_reviews",
        "raw/incidents",
    ]
)
def test_raw_assets_land_the_demo_source(integration_instance, tmp_path) -> None:
    database = str(tmp_path / "warehouse.duckdb")
    warehouse = Warehouse(database=database)

    first = materialize(integration_instance, database)

    assert first.success
    metadata = metadata_by_table(first)
    tables = all_tables(warehouse)
    assert set(metadata) == set(RAW_CONTRACTS)
    for table, values in metadata.items():
        assert values["dagster/row_count"] == len(tables[f"raw.{table}"]) > 0
        assert values["rows_inserted"] == values["rows_loaded"] == values["rows_extracted"]
        assert (values["rows_quarantined"], values["failure_category"]) == (0, "none")
        assert (values["source"], values["sink"]) == ("demo", f"duckdb:raw.{table}")
        assert values["run_id"] == first.run_id
    assert all(check.passed for check in first.get_asset_check_evaluations())
    stages = {a.key.path[-1]: a.tags_by_key[a.key]["stage"] for a in raw_assets}
    assert stages["deployments"] == DeliveryStage.GA.tag_value
    assert stages["incidents"] == DeliveryStage.BETA.tag_value

    rerun = materialize(
        integration_instance,
        database,
        {"ops": {a.op.name: {"config": {"full_refresh": True}} for a in raw_assets}},
    )
    assert rerun.success
    for values in metadata_by_table(rerun).values():
        assert values["rows_extracted"] > 0
        assert (values["rows_inserted"], values["rows_updated"]) == (0, 0)
    assert all_tables(warehouse) == tables
