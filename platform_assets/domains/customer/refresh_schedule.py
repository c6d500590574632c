"""Keeps the customer view inside its GA freshness SLA (under one hour).

The refresh runs every customer asset (bronze landing, contact validation, the dbt
silver and gold models, identity resolution, the dashboard) every 30 minutes: a run that
fails still leaves the next one time to land before the one-hour freshness policy fails.
The retention purge runs once a day on its own schedule: it deletes, so it does not ride
along with every refresh.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

import dagster as dg

from platform_assets.domains.customer.raw_assets import CUSTOMER_OWNERS
from platform_assets.privacy.retention_asset import RETENTION_PURGE_KEY
from platform_assets.refresh_schedules import REFRESH_INTERVAL_KEY, cron_every, domain_refresh

RETENTION_INTERVAL: Final = timedelta(days=1)

retention_purge = dg.AssetSelection.assets(RETENTION_PURGE_KEY)

CUSTOMER_REFRESH: Final = domain_refresh(
    domain="customer",
    owners=CUSTOMER_OWNERS,
    interval=timedelta(minutes=30),
    schedule_name="customer_refresh_every_30_minutes",
    description="Lands the customer sources and rebuilds the customer view and its checks.",
    excluded=retention_purge,
)

retention_purge_job = dg.define_asset_job(
    "customer_retention_purge",
    selection=retention_purge,
    description="Deletes the customer rows past their retention period (config/retention.yaml).",
    tags={"domain": "customer"},
    owners=list(CUSTOMER_OWNERS),
)

retention_purge_schedule = dg.ScheduleDefinition(
    name="customer_retention_purge_daily",
    job=retention_purge_job,
    cron_schedule=cron_every(RETENTION_INTERVAL),
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Purges what is past its retention period once a day, at midnight UTC.",
    owners=list(CUSTOMER_OWNERS),
    metadata={REFRESH_INTERVAL_KEY: int(RETENTION_INTERVAL.total_seconds() // 60)},
)
