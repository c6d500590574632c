"""The daily backup as a staged asset: ``ops/platform_backup``.

Each run takes a backup (``snapshot.take_backup``) of the warehouse the run is configured
with, the instance and the laptop's key, keeps the newest ``PLATFORM_BACKUP_KEEP``, and
records what it wrote, one row, in ``ops.platform_backup``; the size, duration and table
count are numeric metadata too, so the asset's page charts them over time. It runs in the
warehouse's pool, so on DuckDB no writer holds the file while it reads it.
"""

# No `from __future__ import annotations`: Dagster reads the `context` annotation of an
# op's function at definition time and rejects it as a string.

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Final

import dagster as dg
import pandera.polars as pa
import polars as pl

from platform_assets.backup.snapshot import take_backup
from platform_assets.backup.sources import BackupSources, backup_root, backups_to_keep
from platform_assets.refresh_schedules import REFRESH_INTERVAL_KEY, cron_every
from platform_assets.staged_assets import staged_asset
from platform_assets.stages import DeliveryStage, Sla
from platform_assets.warehouse import Warehouse

PLATFORM_BACKUP_KEY: Final = dg.AssetKey(["ops", "platform_backup"])
BACKUP_OWNERS: Final = ("team:platform",)
BACKUP_RUNBOOK: Final = "docs/runbooks/backup-and-restore.md"
BACKUP_INTERVAL: Final = timedelta(days=1)


def _field(description: str, **checks: Any) -> Any:
    return pa.Field(description=description, metadata={"pii": False}, **checks)


class PlatformBackup(pa.DataFrameModel):
    backup_id: str = _field(
        "The backup's folder under PLATFORM_BACKUP_DIR (its UTC time).", unique=True
    )
    created_at: Annotated[pl.Datetime, "us", "UTC"] = _field("When the backup completed.")
    warehouse_dialect: str = _field("The backed-up warehouse: duckdb or postgres.")
    instance_storage: str = _field("Where the Dagster instance was kept.")
    tables: int = _field("Warehouse tables in the backup.", ge=0)
    bytes: int = _field("Bytes the backup's files hold.", ge=0)
    seconds: float = _field("Seconds the backup took.", ge=0)

    class Config:
        name = "platform_backup"


@staged_asset(
    stage=DeliveryStage.BETA,
    domain="platform",
    layer="ops",
    name=PLATFORM_BACKUP_KEY.path[-1],
    schema=PlatformBackup,
    owners=list(BACKUP_OWNERS),
    version="1.0.0",
    # daily, with a day of margin for one missed run
    sla=Sla(freshness_hours=48),
    runbook=BACKUP_RUNBOOK,
)
def platform_backup(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.Output:
    """A consistent backup of the warehouse (ingestion state included), the Dagster
    instance's storage and the laptop's pseudonym key under PLATFORM_BACKUP_DIR, the
    newest PLATFORM_BACKUP_KEEP kept; one row saying what it wrote."""
    root = backup_root()
    manifest = take_backup(BackupSources.from_environment(warehouse), root, backups_to_keep())
    frame = pl.DataFrame(
        {
            "backup_id": [manifest.backup_id],
            "created_at": [datetime.fromisoformat(manifest.created_at).astimezone(UTC)],
            "warehouse_dialect": [manifest.warehouse_dialect],
            "instance_storage": [manifest.instance_storage],
            "tables": [len(manifest.tables)],
            "bytes": [manifest.bytes],
            "seconds": [manifest.seconds],
        },
        schema={
            "backup_id": pl.String,
            "created_at": pl.Datetime("us", "UTC"),
            "warehouse_dialect": pl.String,
            "instance_storage": pl.String,
            "tables": pl.Int64,
            "bytes": pl.Int64,
            "seconds": pl.Float64,
        },
    )
    context.log.info(f"backup {manifest.backup_id} in {root / manifest.backup_id}")
    return dg.Output(
        frame,
        metadata={
            "backup_id": manifest.backup_id,
            "bytes": manifest.bytes,
            "seconds": manifest.seconds,
            "tables": len(manifest.tables),
            "backup_dir": dg.MetadataValue.path(str(root / manifest.backup_id)),
        },
    )


platform_backup_job = dg.define_asset_job(
    "platform_backup",
    selection=dg.AssetSelection.assets(PLATFORM_BACKUP_KEY),
    description="Backs up the warehouse, the Dagster instance and the laptop's pseudonym key.",
    tags={"domain": "platform"},
    owners=list(BACKUP_OWNERS),
)

platform_backup_schedule = dg.ScheduleDefinition(
    name="platform_backup_daily",
    job=platform_backup_job,
    cron_schedule=cron_every(BACKUP_INTERVAL),
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Backs the platform up once a day, at midnight UTC.",
    owners=list(BACKUP_OWNERS),
    metadata={REFRESH_INTERVAL_KEY: int(BACKUP_INTERVAL.total_seconds() // 60)},
)
