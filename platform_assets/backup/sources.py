"""What a backup holds and where it goes, from the same environment every other command
reads (docs/environments.md): the warehouse (``PLATFORM_WAREHOUSE_PATH`` or
``PLATFORM_POSTGRES_URL``), the Dagster instance (SQLite under ``DAGSTER_HOME``, or
``PLATFORM_DAGSTER_POSTGRES_URL`` / ``PLATFORM_POSTGRES_URL`` when it is on PostgreSQL),
the laptop's pseudonym key beside the warehouse, and ``PLATFORM_BACKUP_DIR``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from platform_assets.backup.catalog import BackupError
from platform_assets.integrations.dbt.pii_key import KEY_FILE_NAME
from platform_assets.settings import (
    DAGSTER_POSTGRES_URL_ENV,
    POSTGRES_URL_ENV,
    data_path,
    resolve_path,
    warehouse_path,
)
from platform_assets.warehouse import Warehouse

BACKUP_DIR_ENV: Final = "PLATFORM_BACKUP_DIR"
DEFAULT_BACKUP_DIR: Final = "backups"
BACKUP_KEEP_ENV: Final = "PLATFORM_BACKUP_KEEP"
DEFAULT_BACKUP_KEEP: Final = 7
DAGSTER_HOME_ENV: Final = "DAGSTER_HOME"


@dataclass(frozen=True)
class BackupSources:
    """``dagster_home``: the instance's SQLite files and dagster.yaml (None when the
    instance is on PostgreSQL, ``instance_postgres_url``); ``key_file``: the laptop's
    pseudonym key, backed up when it exists."""

    warehouse: Warehouse
    dagster_home: Path | None
    instance_postgres_url: str | None
    key_file: Path

    @classmethod
    def from_environment(cls, warehouse: Warehouse | None = None) -> BackupSources:
        """``warehouse``: a run's resource, else the one the environment configures."""
        if warehouse is None:
            warehouse = Warehouse(
                database=str(warehouse_path()), postgres_url=os.environ.get(POSTGRES_URL_ENV, "")
            )
        postgres_url = warehouse.postgres_url
        instance_url = os.environ.get(DAGSTER_POSTGRES_URL_ENV) or postgres_url or None
        home = os.environ.get(DAGSTER_HOME_ENV)
        if instance_url is None and not home:
            raise BackupError(
                f"{DAGSTER_HOME_ENV} is not set, so there is no Dagster instance to back up or "
                "restore: set it to the instance's folder (`make` uses .dagster_home), or "
                f"{DAGSTER_POSTGRES_URL_ENV} when the instance is on PostgreSQL"
            )
        return cls(
            warehouse=warehouse,
            dagster_home=resolve_path(home) if instance_url is None and home else None,
            instance_postgres_url=instance_url,
            key_file=(warehouse_path() if postgres_url else warehouse.path).parent / KEY_FILE_NAME,
        )


def backup_root() -> Path:
    """``PLATFORM_BACKUP_DIR``, else ``backups`` under the data root."""
    configured = os.environ.get(BACKUP_DIR_ENV)
    return resolve_path(configured) if configured else data_path(DEFAULT_BACKUP_DIR)


def backups_to_keep(override: int | None = None) -> int:
    """``override``, else ``PLATFORM_BACKUP_KEEP``, else 7; at least one."""
    raw = str(override) if override is not None else os.environ.get(BACKUP_KEEP_ENV)
    if raw is None or raw == "":
        return DEFAULT_BACKUP_KEEP
    try:
        keep = int(raw)
    except ValueError:
        keep = 0
    if keep < 1:
        raise BackupError(
            f"backups to keep is {raw!r}: set {BACKUP_KEEP_ENV} (or --keep) to a whole number "
            "of at least 1"
        )
    return keep
