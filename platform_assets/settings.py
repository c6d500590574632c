"""Configuration from the environment, with safe local defaults.

Values are handed to resources as ``dg.EnvVar`` when the variable is set, so the Dagster
UI shows where they came from; otherwise the embedded default applies and the project
runs on a fresh clone with nothing configured.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

import dagster as dg

#: Where the project's files are (config/, dbt_project/, docs/runbooks/): the checkout,
#: or where an installed package's image lays them out (PLATFORM_PROJECT_ROOT; the
#: Dockerfile sets it, since an installed package's parent folder is site-packages).
PROJECT_ROOT_ENV: Final = "PLATFORM_PROJECT_ROOT"
PROJECT_ROOT: Final = Path(
    os.environ.get(PROJECT_ROOT_ENV) or Path(__file__).resolve().parent.parent
).resolve()

#: The environment a process runs as (dev, staging, prod; config/environments.yaml):
#: the one variable that selects the warehouse, the instance, the dbt target, the alert
#: routes and what is deployed (docs/environments.md).
ENVIRONMENT_ENV: Final = "PLATFORM_ENV"
DEFAULT_ENVIRONMENT: Final = "dev"
ENVIRONMENTS_FILE_ENV: Final = "PLATFORM_ENVIRONMENTS_FILE"
DEFAULT_ENVIRONMENTS_FILE: Final = "config/environments.yaml"

#: The one folder everything the platform writes locally lives under: the DuckDB
#: warehouse, dashboards, alert logs, the laptop's pseudonym key, logs and backups.
DATA_DIR_ENV: Final = "PLATFORM_DATA_DIR"
DEFAULT_DATA_DIR: Final = "data"

WAREHOUSE_ENV: Final = "PLATFORM_WAREHOUSE_PATH"
WAREHOUSE_FILE_NAME: Final = "warehouse.duckdb"

#: Set, the warehouse is this PostgreSQL database instead of the DuckDB file (and `make`
#: puts the Dagster instance on PostgreSQL too): docs/deployment.md.
POSTGRES_URL_ENV: Final = "PLATFORM_POSTGRES_URL"
#: The Dagster instance's database; unset, the instance shares the warehouse's server
#: and database (``POSTGRES_URL_ENV``).
DAGSTER_POSTGRES_URL_ENV: Final = "PLATFORM_DAGSTER_POSTGRES_URL"

ALERT_ROUTES_ENV: Final = "PLATFORM_ALERT_ROUTES"
DEFAULT_ALERT_ROUTES: Final = "config/alert_routes.yaml"

WAIVERS_ENV: Final = "PLATFORM_WAIVERS"
DEFAULT_WAIVERS: Final = "config/waivers.yaml"

#: Every asset that writes the DuckDB file runs in this pool; dagster.yaml limits it to
#: one step at a time because DuckDB lets one process at a time open the file for writing.
#: PostgreSQL takes concurrent writers: there the assets have no pool and a run's steps
#: run in parallel (the multiprocess executor, platform_assets/definitions.py).
WAREHOUSE_POOL: Final[str | None] = None if os.environ.get(POSTGRES_URL_ENV) else "duckdb_warehouse"


def env_or_default(name: str, default: str) -> str | dg.EnvVar:
    return dg.EnvVar(name) if os.environ.get(name) else default


def resolve_path(value: str) -> Path:
    """Relative paths are relative to the project root, wherever the process started."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def data_dir() -> Path:
    """``PLATFORM_DATA_DIR``, else ``data/`` in the project."""
    return resolve_path(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)


def data_path(value: str | Path) -> Path:
    """Where the platform writes ``value``: an absolute path as given, a relative one
    under the data root, so one variable moves everything it writes."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else data_dir() / path


def warehouse_path() -> Path:
    """``PLATFORM_WAREHOUSE_PATH``, else ``warehouse.duckdb`` under the data root."""
    configured = os.environ.get(WAREHOUSE_ENV)
    return resolve_path(configured) if configured else data_path(WAREHOUSE_FILE_NAME)


def alert_routes_path() -> Path:
    """``PLATFORM_ALERT_ROUTES``, else config/alert_routes.yaml. An environment may name
    its own file: ``environments.current_alert_routes()`` reads it."""
    return resolve_path(os.environ.get(ALERT_ROUTES_ENV) or DEFAULT_ALERT_ROUTES)


def environment_name() -> str:
    return os.environ.get(ENVIRONMENT_ENV) or DEFAULT_ENVIRONMENT


def environments_file() -> Path:
    return resolve_path(os.environ.get(ENVIRONMENTS_FILE_ENV) or DEFAULT_ENVIRONMENTS_FILE)


def waivers_path() -> Path:
    return resolve_path(os.environ.get(WAIVERS_ENV) or DEFAULT_WAIVERS)
