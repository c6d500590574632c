"""Keeps the customer view inside its GA freshness SLA (under one hour).

The schedule refreshes every customer asset (bronze landing, contact validation, the dbt
silver and gold models, identity resolution, the dashboard) every 30 minutes: a run that
fails still leaves the next one time to land before the one-hour freshness policy fails.
The retention purge runs once a day on its own schedule: it deletes, so it does not ride
along with every refresh.
"""

from __future__ import annotations

from typing import Final

import dagster as dg

from platform_assets.privacy.retention_asset import RETENTION_PURGE_KEY
from platform_assets.stages.contract_metadata import DOMAIN_TAG

REFRESH_CRON: Final = "*/30 * * * *"
REFRESH_INTERVAL_HOURS: Final = 0.5
RETENTION_CRON: Final = "15 3 * * *"

retention_purge = dg.AssetSelection.assets(RETENTION_PURGE_KEY)
customer_assets = dg.AssetSelection.tag(DOMAIN_TAG, "customer") - retention_purge

customer_refresh_job = dg.define_asset_job(
    "customer_refresh",
    selection=customer_assets,
    description="Lands the customer sources and rebuilds the customer view and its checks.",
    tags={"domain": "customer"},
    owners=["team:customer-data"],
)

customer_refresh_schedule = dg.ScheduleDefinition(
    name="customer_refresh_every_30_minutes",
    job=customer_refresh_job,
    cron_schedule=REFRESH_CRON,
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Refreshes the customer view twice an hour, inside its one-hour freshness SLA.",
    owners=["team:customer-data"],
)

retention_purge_job = dg.define_asset_job(
    "customer_retention_purge",
    selection=retention_purge,
    description="Deletes the customer rows past their retention period (config/retention.yaml).",
    tags={"domain": "customer"},
    owners=["team:customer-data"],
)

retention_purge_schedule = dg.ScheduleDefinition(
    name="customer_retention_purge_daily",
    job=retention_purge_job,
    cron_schedule=RETENTION_CRON,
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Purges what is past its retention period once a day, at a quiet hour.",
    owners=["team:customer-data"],
)
