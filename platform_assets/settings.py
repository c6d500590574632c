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

PROJECT_ROOT: Final = Path(__file__).resolve().parent.parent

WAREHOUSE_ENV: Final = "PLATFORM_WAREHOUSE_PATH"
DEFAULT_WAREHOUSE: Final = "data/warehouse.duckdb"

#: Set, the warehouse is this PostgreSQL database instead of the DuckDB file (and `make`
#: puts the Dagster instance on PostgreSQL too): docs/deployment.md.
POSTGRES_URL_ENV: Final = "PLATFORM_POSTGRES_URL"

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


def warehouse_path() -> Path:
    return resolve_path(os.environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE)


def alert_routes_path() -> Path:
    return resolve_path(os.environ.get(ALERT_ROUTES_ENV) or DEFAULT_ALERT_ROUTES)


def waivers_path() -> Path:
    return resolve_path(os.environ.get(WAIVERS_ENV) or DEFAULT_WAIVERS)
