"""The bronze customer tables: which tables, at which stage, owned by whom, and read
through the ``customer_source`` resource. The platform's raw-asset builder makes each a
staged asset; ``layer="bronze"`` lands them in schema ``bronze``, the medallion's first
layer, which the dbt silver models read as sources.

Every bronze table feeds the GA gold models, and a GA asset may not depend on a weaker
one (the stage audit's lineage rule), so all four are GA."""

from __future__ import annotations

from typing import Final

import dagster as dg

from platform_assets.domains.customer.pii_key_guard import refuse_without_configured_key
from platform_assets.domains.customer.raw_schemas import BRONZE_CONTRACTS, BRONZE_TABLE_MODELS
from platform_assets.ingestion.raw_asset import RawLanding, raw_table_asset
from platform_assets.stages import DeliveryStage, Sla

CUSTOMER_DOMAIN: Final = "customer"
CUSTOMER_OWNERS: Final = ("team:customer-data",)
CUSTOMER_RUNBOOK: Final = "docs/runbooks/customer.md"

CUSTOMER_LANDING: Final = RawLanding(
    domain=CUSTOMER_DOMAIN,
    owners=list(CUSTOMER_OWNERS),
    version="1.0.0",
    sla=Sla(freshness_hours=1),
    runbook=CUSTOMER_RUNBOOK,
    source_key="customer_source",
    layer="bronze",
    preflight=refuse_without_configured_key,
)

BRONZE_TABLES: Final = {
    "crm_contacts": "Dynamics 365 contacts as the Dataverse Web API sends them.",
    "crm_accounts": "Dynamics 365 accounts (organisations) as the Dataverse Web API sends them.",
    "spreadsheet_customers": "Customer rows of the legacy workbooks, one per sheet row.",
    "weather_daily": "Daily weather per postal area, from the primary API or the fallback.",
}


def customer_bronze_asset(table: str, description: str) -> dg.AssetsDefinition:
    return raw_table_asset(
        CUSTOMER_LANDING,
        BRONZE_CONTRACTS[table],
        BRONZE_TABLE_MODELS[table],
        DeliveryStage.GA,
        description,
    )


bronze_assets: list[dg.AssetsDefinition] = [
    customer_bronze_asset(table, description) for table, description in BRONZE_TABLES.items()
]
