"""The customer domain's definitions: its bronze assets and their sources, the contact
validation, identity resolution, the data-quality dashboard, the retention purge, and the
schedules that keep them fresh. Its dbt models (silver and gold) are built with the
platform's dbt project assets; the refresh job selects them by their domain tag."""

from __future__ import annotations

import dagster as dg

from platform_assets.domains.customer.contact_validation import contact_validation
from platform_assets.domains.customer.dashboards.asset import customer_data_quality
from platform_assets.domains.customer.identity_resolution.assets import (
    customer_identity_resolution,
)
from platform_assets.domains.customer.raw_assets import CUSTOMER_LANDING, bronze_assets
from platform_assets.domains.customer.refresh_schedule import (
    CUSTOMER_REFRESH,
    retention_purge_job,
    retention_purge_schedule,
)
from platform_assets.domains.customer.retention import customer_retention_purge
from platform_assets.domains.customer.sources import customer_source_from_env

defs = dg.Definitions(
    assets=[
        *bronze_assets,
        contact_validation,
        customer_identity_resolution,
        customer_data_quality,
        customer_retention_purge,
    ],
    jobs=[CUSTOMER_REFRESH.job, retention_purge_job],
    schedules=[CUSTOMER_REFRESH.schedule, retention_purge_schedule],
    resources={CUSTOMER_LANDING.source_key: customer_source_from_env()},
)
