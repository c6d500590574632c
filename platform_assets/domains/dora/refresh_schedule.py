"""Keeps the DORA assets fresh under ``dagster dev`` without anyone pressing a button.

The schedule runs every DORA asset (raw landing, then the dbt models) four times a day:
well inside the 24-hour freshness window of its Beta and GA assets, so one failed run
still leaves time for the next one before the freshness policy fails.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from platform_assets.refresh_schedules import domain_refresh

DORA_REFRESH: Final = domain_refresh(
    domain="dora",
    owners=["team:dora-metrics"],
    interval=timedelta(hours=6),
    schedule_name="dora_refresh_every_6_hours",
    description="Lands the DORA sources and rebuilds every DORA model and its checks.",
)
