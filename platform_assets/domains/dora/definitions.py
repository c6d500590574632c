"""The DORA domain's definitions: its raw assets and their source, its quality checks,
the alerts on its metrics, its dashboards and the schedule that refreshes them. Its dbt
models are built with the platform's dbt project assets
(``platform_assets.integrations.dbt``); the schedule selects them by the domain tag their
YAML declares."""

from __future__ import annotations

import dagster as dg

from platform_assets.domains.dora.dashboards.asset import dora_dashboards
from platform_assets.domains.dora.metric_alerts import metric_alerts
from platform_assets.domains.dora.quality_checks import quality_checks
from platform_assets.domains.dora.raw_assets import DORA_LANDING, raw_assets
from platform_assets.domains.dora.refresh_schedule import DORA_REFRESH
from platform_assets.domains.dora.sources import dora_source_from_env

defs = dg.Definitions(
    assets=[*raw_assets, dora_dashboards],
    asset_checks=[*quality_checks, *metric_alerts],
    jobs=[DORA_REFRESH.job],
    schedules=[DORA_REFRESH.schedule],
    resources={DORA_LANDING.source_key: dora_source_from_env()},
)
