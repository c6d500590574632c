"""Keeps the DORA assets fresh under ``dagster dev`` without anyone pressing a button.

The schedule runs every DORA asset (raw landing, then the dbt models) four times a day:
well inside the 24-hour freshness window of its Beta and GA assets, so one failed run
still leaves time for the next one before the freshness policy fails. A test holds the
cadence to the freshness windows of the assets it refreshes.
"""

from __future__ import annotations

from typing import Final

import dagster as dg

from platform_assets.stages.contract_metadata import DOMAIN_TAG

REFRESH_CRON: Final = "0 */6 * * *"
REFRESH_INTERVAL_HOURS: Final = 6

dora_assets = dg.AssetSelection.tag(DOMAIN_TAG, "dora")

dora_refresh_job = dg.define_asset_job(
    "dora_refresh",
    selection=dora_assets,
    description="Lands the DORA sources and rebuilds every DORA model and its checks.",
    tags={"domain": "dora"},
    owners=["team:dora-metrics"],
)

dora_refresh_schedule = dg.ScheduleDefinition(
    name="dora_refresh_every_6_hours",
    job=dora_refresh_job,
    cron_schedule=REFRESH_CRON,
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Refreshes the DORA assets four times a day, inside their freshness windows.",
    owners=["team:dora-metrics"],
)
