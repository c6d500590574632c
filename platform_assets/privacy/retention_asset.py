"""The retention purge as a staged asset: ``ops/customer_retention_purge``.

Each run purges what is past its retention (``retention.purge_expired_rows``) and writes
what it purged, one row per configured table, to ``ops.customer_retention_purge``; the
counts are numeric metadata too, so the asset's page charts them over time. The customer
domain schedules it daily.
"""

# No `from __future__ import annotations`: Dagster reads the `context` annotation of an
# op's function at definition time and rejects it as a string.

from collections.abc import Sequence
from typing import Annotated, Any, Final

import dagster as dg
import pandera.polars as pa
import polars as pl

from platform_assets.privacy.retention import (
    load_retention_policies,
    purge_expired_rows,
    retention_config_path,
)
from platform_assets.staged_assets import staged_asset
from platform_assets.stages import DeliveryStage, Sla
from platform_assets.warehouse import Warehouse

RETENTION_PURGE_KEY: Final = dg.AssetKey(["ops", "customer_retention_purge"])


def _field(description: str, **checks: Any) -> Any:
    return pa.Field(description=description, metadata={"pii": False}, **checks)


class RetentionPurge(pa.DataFrameModel):
    table_name: str = _field("The purged table, as `schema.table`.", unique=True)
    retention_column: str = _field("The timestamp or date column retention counts from.")
    retention_days: int = _field("Days a row is kept after its retention column.", ge=1)
    cutoff: Annotated[pl.Datetime, "us", "UTC"] = _field(
        "Rows whose retention column is before this instant were purged (UTC)."
    )
    purged_rows: int = _field("Rows purged by this run.", ge=0)
    table_present: bool = _field("Whether the warehouse holds the table yet.")

    class Config:
        name = "customer_retention_purge"


def build_retention_purge_asset(
    *,
    stage: DeliveryStage = DeliveryStage.BETA,
    owners: Sequence[str] = ("team:customer-data",),
    runbook: str = "docs/runbooks/customer.md",
) -> dg.AssetsDefinition:
    @staged_asset(
        stage=stage,
        domain="customer",
        layer="ops",
        name=RETENTION_PURGE_KEY.path[-1],
        schema=RetentionPurge,
        owners=list(owners),
        version="1.0.0",
        # daily, with a day of margin for one missed run
        sla=Sla(freshness_hours=48),
        runbook=runbook,
    )
    def customer_retention_purge(
        context: dg.AssetExecutionContext, warehouse: Warehouse
    ) -> dg.Output:
        """Purges the customer domain's rows past their retention period (config/
        retention.yaml, PLATFORM_RETENTION_CONFIG) in one transaction; one row per
        configured table with what this run purged."""
        config = retention_config_path()
        counts = purge_expired_rows(warehouse, load_retention_policies(config))
        frame = pl.DataFrame(
            {
                "table_name": [c.table for c in counts],
                "retention_column": [c.column for c in counts],
                "retention_days": [c.days for c in counts],
                "cutoff": [c.cutoff for c in counts],
                "purged_rows": [c.rows for c in counts],
                "table_present": [c.present for c in counts],
            },
            schema={
                "table_name": pl.String,
                "retention_column": pl.String,
                "retention_days": pl.Int64,
                "cutoff": pl.Datetime("us", "UTC"),
                "purged_rows": pl.Int64,
                "table_present": pl.Boolean,
            },
        )
        context.log.info(f"retention purge per {config}: {frame['purged_rows'].sum()} row(s)")
        return dg.Output(
            frame,
            metadata={
                "purged_rows": int(frame["purged_rows"].sum()),
                **{f"purged_rows/{c.table}": c.rows for c in counts},
            },
        )

    return customer_retention_purge
