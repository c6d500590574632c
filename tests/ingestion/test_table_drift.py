"""A raw table that no longer matches its contract (a column retyped, dropped, made
optional, or an extra NOT NULL column) stops the load before anything is read or written,
as a configuration error that a retry cannot fix."""

from __future__ import annotations

import dagster as dg
import pytest

from platform_assets.domains.dora.raw_assets import raw_assets
from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.domains.dora.sources import DoraSource
from platform_assets.ingestion import FailureCategory, IngestionFailed, ingest
from platform_assets.warehouse import Warehouse, WarehouseIOManager
from platform_assets.warehouse.dialect import catalog_type
from tests.ingestion.conftest import END, all_tables, demo

CONTRACT = RAW_CONTRACTS["deployments"]


@pytest.fixture
def warehouse(any_warehouse: Warehouse) -> Warehouse:
    """Every test of this module on DuckDB and on PostgreSQL."""
    return any_warehouse


def drifted(warehouse: Warehouse, log, *statements: str) -> IngestionFailed:
    """Loads the demo deployments, applies ``statements`` to the table, loads again."""
    ingest(demo(), CONTRACT, warehouse, run_id="run-1", log=log)
    with warehouse.connect() as connection:
        for statement in statements:
            connection.execute(statement)
    before = all_tables(warehouse)
    with pytest.raises(IngestionFailed) as failure:
        ingest(demo(), CONTRACT, warehouse, run_id="run-2", log=log, full_refresh=True)
    assert all_tables(warehouse) == before
    report = failure.value.report
    assert report.failure_category is FailureCategory.CONFIGURATION
    assert not report.failure_category.transient
    assert report.extracted == 0, "nothing is read from a source for a table that cannot take it"
    return failure.value


def test_a_column_retyped_to_varchar_is_detected(warehouse, log) -> None:
    failure = drifted(warehouse, log, "alter table raw.deployments alter started_at type varchar")
    message = str(failure)
    assert "raw.deployments does not match its contract" in message
    text, timestamp = (
        catalog_type(t, warehouse.dialect) for t in ("VARCHAR", "TIMESTAMP WITH TIME ZONE")
    )
    assert f"started_at is {text}, the contract says {timestamp}" in message
    assert "docs/runbooks/dora.md" in message


def test_a_dropped_column_is_a_configuration_error(warehouse, log) -> None:
    failure = drifted(warehouse, log, "alter table raw.deployments drop column trigger_kind")
    text = catalog_type("VARCHAR", warehouse.dialect)
    assert f"trigger_kind ({text}) is missing" in str(failure)


def test_nullability_and_extra_required_columns_are_named(warehouse, log) -> None:
    failure = drifted(
        warehouse,
        log,
        "alter table raw.deployments alter finished_at drop not null",
        "alter table raw.deployments add column region varchar not null default 'eu'",
        "alter table raw.deployments alter region drop default",
        "alter table raw.deployments add column note varchar",
    )
    message = str(failure)
    assert "finished_at allows NULL, the contract says NOT NULL" in message
    assert "region is not in the contract and is NOT NULL" in message
    assert "note" not in message, "an extra nullable column takes NULL and harms nothing"


def test_the_asset_fails_once_without_retrying(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PLATFORM_DORA_DEMO_END", END.isoformat())
    monkeypatch.setenv("PLATFORM_DORA_DEMO_DAYS", "5")
    database = str(tmp_path / "warehouse.duckdb")
    warehouse = Warehouse(database=database)
    with warehouse.connect() as connection:
        connection.execute("create schema raw")
        connection.execute(CONTRACT.create_table_sql())
        connection.execute("alter table raw.deployments drop column trigger_kind")
    deployments = next(a for a in raw_assets if a.key == dg.AssetKey(["raw", "deployments"]))

    result = dg.materialize(
        [deployments],
        resources={
            "dora_source": DoraSource(),
            "warehouse": warehouse,
            "warehouse_io_manager": WarehouseIOManager(database=database),
        },
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )

    assert not result.success
    [failure] = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE]
    assert "trigger_kind (VARCHAR) is missing" in str(failure.step_failure_data.error)
    assert not [
        e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY
    ]
