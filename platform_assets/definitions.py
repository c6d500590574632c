"""The code location: every asset, check, schedule and sensor of the platform.

Runs use the in-process executor: every step writes or reads the one DuckDB file, which
one process at a time may open for writing, and the `duckdb_warehouse` pool (limit 1 in
dagster.yaml) serializes those steps across runs. The executor records each run's worker
process, so that the `dead_run_recovery` sensor (and `platform-assets runs recover`) can
fail a run whose worker was killed and free the slot it holds (docs/monitoring.md).
"""

from __future__ import annotations

import dagster as dg

from platform_assets.domains.dora.dashboards.asset import dora_dashboards
from platform_assets.domains.dora.raw_assets import raw_assets
from platform_assets.domains.dora.refresh_schedule import dora_refresh_job, dora_refresh_schedule
from platform_assets.domains.dora.sources import dora_source_from_env
from platform_assets.integrations.dbt.assets import (
    build_dbt_column_stability_check,
    dbt_project_models,
)
from platform_assets.integrations.dbt.project import dbt_executable, dbt_project
from platform_assets.integrations.dbt.resource import PlatformDbtCliResource
from platform_assets.integrations.duckdb import Warehouse, WarehouseIOManager
from platform_assets.monitoring import build_alert_sensor
from platform_assets.monitoring.scorecard_asset import stage_scorecard
from platform_assets.runtime.recording_executor import recording_run_workers
from platform_assets.runtime.sensor import build_dead_run_sensor
from platform_assets.settings import DEFAULT_WAREHOUSE, WAREHOUSE_ENV, env_or_default

warehouse_database = env_or_default(WAREHOUSE_ENV, DEFAULT_WAREHOUSE)

defs = dg.Definitions(
    assets=[*raw_assets, dbt_project_models, dora_dashboards, stage_scorecard],
    asset_checks=[build_dbt_column_stability_check(dbt_project_models)],
    jobs=[dora_refresh_job],
    schedules=[dora_refresh_schedule],
    sensors=[build_alert_sensor(), build_dead_run_sensor()],
    resources={
        "warehouse": Warehouse(database=warehouse_database),
        "warehouse_io_manager": WarehouseIOManager(database=warehouse_database),
        "dbt": PlatformDbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
        "dora_source": dora_source_from_env(),
    },
    executor=recording_run_workers(dg.in_process_executor),
)
