"""``ops/customer_retention_purge`` materialized by Dagster on a real DuckDB file and a
real PostgreSQL database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import dagster as dg
import pytest

from platform_assets.integrations.postgres.grants import set_up_warehouse
from platform_assets.privacy.retention import RETENTION_CONFIG_ENV
from platform_assets.privacy.retention_asset import (
    RETENTION_PURGE_KEY,
    build_retention_purge_asset,
)
from platform_assets.warehouse import WarehouseIOManager
from platform_assets.warehouse.migrations.guard import ensure_current
from tests.privacy.customer_warehouse import table_rows


@pytest.mark.integration(covers=["ops/customer_retention_purge"])
def test_the_asset_purges_and_records_what_it_purged(
    integration_instance, any_warehouse, tmp_path, monkeypatch
) -> None:
    config = tmp_path / "retention.yaml"
    config.write_text(
        "tables:\n"
        "  ops.quarantine: {column: quarantined_at, days: 90}\n"
        "  bronze.crm_contacts: {column: _deleted_at, days: 30}\n"
        "  ops.erasure_log: {days: never}\n"
    )
    monkeypatch.setenv(RETENTION_CONFIG_ENV, str(config))
    warehouse = any_warehouse
    if warehouse.dialect == "postgres":
        # the schemas, roles and grants `platform-assets warehouse setup` makes
        with warehouse.transaction() as session:
            set_up_warehouse(session)
    now = datetime.now(UTC)
    ensure_current(warehouse)
    with warehouse.transaction() as session:
        session.execute(
            "insert into ops.quarantine (source, entity, record_key, reason, run_id, "
            "quarantined_at) values ('crm', 'contacts', 'old', 'r', 'run', ?), "
            "('crm', 'contacts', 'recent', 'r', 'run', ?)",
            [now - timedelta(days=91), now - timedelta(days=89)],
        )

    result = dg.materialize(
        [build_retention_purge_asset()],
        resources={
            "warehouse": warehouse,
            "warehouse_io_manager": WarehouseIOManager(
                database=warehouse.database, postgres_url=warehouse.postgres_url
            ),
        },
        instance=integration_instance,
    )

    assert result.success
    assert [row[2] for row in table_rows(warehouse, "ops.quarantine")] == ["recent"]
    recorded = {
        row[0]: (row[4], row[5]) for row in table_rows(warehouse, "ops.customer_retention_purge")
    }
    assert recorded == {"ops.quarantine": (1, True), "bronze.crm_contacts": (0, False)}
    [event] = result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    assert event.asset_key == RETENTION_PURGE_KEY
    assert metadata["purged_rows"].value == 1
    assert metadata["purged_rows/ops.quarantine"].value == 1
    assert all(check.passed for check in result.get_asset_check_evaluations())
