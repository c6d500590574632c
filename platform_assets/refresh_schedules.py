"""A domain's refresh: one job over the domain's assets and one schedule, running by
default, at a stated interval.

Under ``dagster dev`` the Beta and GA assets must stay fresh by themselves: a freshness
policy only reports staleness, it refreshes nothing. The interval is recorded on the
schedule (``refresh_interval_minutes``), so the platform can hold every schedule to the
freshness windows of the assets it refreshes (``tests/test_refresh_schedule.py``): at
least two runs per window, so one failed run never breaches the policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

import dagster as dg

from platform_assets.stages.contract_metadata import DOMAIN_TAG

REFRESH_INTERVAL_KEY: Final = "refresh_interval_minutes"


@dataclass(frozen=True)
class DomainRefresh:
    job: dg.UnresolvedAssetJobDefinition
    schedule: dg.ScheduleDefinition


def cron_every(interval: timedelta) -> str:
    """The cron expression of a whole number of minutes that divides an hour, or of hours
    that divides a day: the only intervals cron keeps even (``*/7`` minutes restarts at
    every full hour)."""
    minutes = int(interval.total_seconds() // 60)
    if interval != timedelta(minutes=minutes) or minutes < 1:
        raise ValueError(f"a refresh interval is a whole number of minutes, not {interval}")
    if minutes < 60 and 60 % minutes == 0:
        return f"*/{minutes} * * * *"
    if minutes % 60 == 0 and 24 % (minutes // 60) == 0:
        return f"0 */{minutes // 60} * * *"
    raise ValueError(f"{interval} divides neither an hour nor a day: cron cannot keep it even")


def domain_refresh(
    *,
    domain: str,
    owners: Sequence[str],
    interval: timedelta,
    schedule_name: str,
    description: str,
    excluded: dg.AssetSelection | None = None,
) -> DomainRefresh:
    """The job ``<domain>_refresh`` over every asset tagged with ``domain`` (less
    ``excluded``: assets with a cadence of their own) and its schedule every ``interval``."""
    selection = dg.AssetSelection.tag(DOMAIN_TAG, domain)
    if excluded is not None:
        selection = selection - excluded
    job = dg.define_asset_job(
        f"{domain}_refresh",
        selection=selection,
        description=description,
        tags={DOMAIN_TAG: domain},
        owners=list(owners),
    )
    schedule = dg.ScheduleDefinition(
        name=schedule_name,
        job=job,
        cron_schedule=cron_every(interval),
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=f"Refreshes the {domain} assets every {interval}, inside their freshness "
        "windows.",
        owners=list(owners),
        metadata={REFRESH_INTERVAL_KEY: int(interval.total_seconds() // 60)},
    )
    return DomainRefresh(job=job, schedule=schedule)
