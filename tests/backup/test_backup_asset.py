"""``ops/platform_backup`` materialized by Dagster on a real DuckDB file and instance: the
backup is on disk, complete, and the asset's row and metadata say what it wrote."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest

from platform_assets.backup.asset import PLATFORM_BACKUP_KEY, platform_backup
from platform_assets.backup.catalog import list_backups
from platform_assets.warehouse import Warehouse, WarehouseIOManager


@pytest.mark.integration(covers=["ops/platform_backup"])
def test_the_asset_takes_a_backup_and_records_it(integration_instance, tmp_path, monkeypatch):
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create schema raw")
        connection.execute("create table raw.deployments as select range as id from range(5)")
    root = tmp_path / "backups"
    monkeypatch.setenv("PLATFORM_BACKUP_DIR", str(root))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.setenv("PLATFORM_BACKUP_KEEP", "1")
    for variable in ("PLATFORM_POSTGRES_URL", "PLATFORM_DAGSTER_POSTGRES_URL"):
        monkeypatch.delenv(variable, raising=False)

    for _ in range(2):
        result = dg.materialize(
            [platform_backup],
            resources={
                "warehouse": Warehouse(database=str(warehouse)),
                "warehouse_io_manager": WarehouseIOManager(database=str(warehouse)),
            },
            instance=integration_instance,
        )
        assert result.success

    [kept] = list_backups(root)
    # the second backup holds the row the first run recorded
    assert kept.tables == {"raw.deployments": 5, "ops.platform_backup": 1}
    event = result.get_asset_materialization_events()[-1]
    metadata = event.materialization.metadata
    assert event.asset_key == PLATFORM_BACKUP_KEY
    assert metadata["backup_id"].value == kept.backup_id
    assert metadata["tables"].value == 2
    assert metadata["bytes"].value == kept.bytes > 0
    assert all(check.passed for check in result.get_asset_check_evaluations())
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        assert connection.execute("select backup_id from ops.platform_backup").fetchall() == [
            (kept.backup_id,)
        ]
