"""The tables the dashboard reads, as warehouse names and as the asset keys that build
them (the dashboard's upstream dependencies)."""

from __future__ import annotations

from typing import Final

import dagster as dg

#: The domain's bronze tables: their loads are the quarantine's entities and the last
#: loads' figures.
BRONZE_TABLES: Final = ("crm_contacts", "crm_accounts", "spreadsheet_customers", "weather_daily")
BRONZE_KEYS: Final = tuple(dg.AssetKey(["bronze", table]) for table in BRONZE_TABLES)


def asset_key(qualified_name: str) -> dg.AssetKey:
    """``silver.customer_records`` → ``silver/customer_records``: the platform names an
    asset after the schema and table it writes."""
    return dg.AssetKey(qualified_name.split("."))
