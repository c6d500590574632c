"""The customer domain's retention purge: the platform's purge asset (``privacy``), owned
by the customer team and run daily by its own schedule (``refresh_schedule``)."""

from __future__ import annotations

from typing import Final

from platform_assets.domains.customer.raw_assets import CUSTOMER_OWNERS, CUSTOMER_RUNBOOK
from platform_assets.privacy.retention_asset import build_retention_purge_asset

customer_retention_purge: Final = build_retention_purge_asset(
    owners=CUSTOMER_OWNERS, runbook=CUSTOMER_RUNBOOK
)
