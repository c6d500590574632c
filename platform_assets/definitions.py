"""The code location: every domain's definitions, merged with the platform's own.

A domain is a folder, ``platform_assets/domains/<name>/``, whose ``definitions`` module
exposes ``defs``. The domains are discovered by iterating that package, not listed here,
so adding one touches nothing outside its folders. The module (not the package's
``__init__``) holds ``defs`` so that importing a domain's schemas or demo source does not
build its whole definitions.

Why not Dagster's components (``dg.load_from_defs_folder``): it needs a ``dg`` project
(``[tool.dg]`` in pyproject.toml) and loads every module of the defs folder, collecting
each top-level Dagster object it finds, so a domain's helper modules (its demo source,
its dashboard renderer) would be imported and scanned on every load, and an object
re-exported by two modules would be found twice. The domains here are plain Python
packages that build their own ``Definitions``; discovery needs ``pkgutil`` and one
``Definitions.merge``, and keeps each domain's declarations in Python where the type
checker sees them.

The platform's own part: the dbt project's assets (every domain's models, one manifest),
the stage scorecard, the alert and dead-run sensors, the warehouse and dbt resources and
the executor. Runs use the in-process executor: every step writes or reads the one DuckDB
file, which one process at a time may open for writing, and the `duckdb_warehouse` pool
(limit 1 in dagster.yaml) serializes those steps across runs. On PostgreSQL, which takes
concurrent writers, there is no pool and runs use the multiprocess executor, so the steps
the graph allows run in parallel. The executor records each
run's worker process, so that the `dead_run_recovery` sensor (and `platform-assets runs
recover`) can fail a run whose worker was killed and free the slot it holds
(docs/monitoring.md).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from types import ModuleType

import dagster as dg

import platform_assets.domains
from platform_assets.audit.scorecard_asset import stage_scorecard
from platform_assets.backup.asset import (
    platform_backup,
    platform_backup_job,
    platform_backup_schedule,
)
from platform_assets.deployment import deployed
from platform_assets.environments import current_environment
from platform_assets.integrations.dbt.assets import (
    build_dbt_column_stability_checks,
    dbt_project_models,
)
from platform_assets.integrations.dbt.project import dbt_executable, dbt_project
from platform_assets.integrations.dbt.resource import PlatformDbtCliResource
from platform_assets.monitoring import build_alert_sensor
from platform_assets.runtime.recording_executor import recording_run_workers
from platform_assets.runtime.sensor import build_dead_run_sensor
from platform_assets.settings import POSTGRES_URL_ENV
from platform_assets.warehouse import Warehouse, WarehouseIOManager


def domain_definitions(domains: ModuleType = platform_assets.domains) -> list[dg.Definitions]:
    """The ``defs`` of every domain package under ``domains``, by name."""
    return [
        importlib.import_module(f"{domains.__name__}.{found.name}.definitions").defs
        for found in sorted(pkgutil.iter_modules(domains.__path__), key=lambda m: m.name)
        if found.ispkg
    ]


#: Steps in parallel processes, forked from a server that has imported the code location
#: once: a spawned process per step imports Dagster, dbt and the definitions again, about
#: 2.5 s of CPU for each of a run's ~200 steps, longer than most steps themselves.
PARALLEL_STEPS: dg.ExecutorDefinition = recording_run_workers(dg.multiprocess_executor).configured(
    {"start_method": {"forkserver": {"preload_modules": ["platform_assets.definitions"]}}},
    name="multiprocess",
)


def platform_definitions() -> dg.Definitions:
    """What every code location of the platform carries, whatever its domains."""
    warehouse_database, postgres_url = current_environment().warehouse_settings()
    return dg.Definitions(
        assets=[dbt_project_models, stage_scorecard, platform_backup],
        asset_checks=build_dbt_column_stability_checks(dbt_project_models),
        sensors=[build_alert_sensor(), build_dead_run_sensor()],
        jobs=[platform_backup_job],
        schedules=[platform_backup_schedule],
        resources={
            "warehouse": Warehouse(database=warehouse_database, postgres_url=postgres_url),
            "warehouse_io_manager": WarehouseIOManager(
                database=warehouse_database, postgres_url=postgres_url
            ),
            "dbt": PlatformDbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
        },
        executor=PARALLEL_STEPS
        if os.environ.get(POSTGRES_URL_ENV)
        else recording_run_workers(dg.in_process_executor),
    )


def code_location(domains: ModuleType = platform_assets.domains) -> dg.Definitions:
    """Everything, cut down to the delivery stages the current environment deploys
    (PLATFORM_ENV; in prod no POC asset: docs/environments.md)."""
    everything = dg.Definitions.merge(platform_definitions(), *domain_definitions(domains))
    return deployed(everything, current_environment())


defs = code_location()
