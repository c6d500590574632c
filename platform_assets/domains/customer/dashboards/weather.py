"""Weather completeness per country: the share of postal area-days of the window with
an observation after the primary source and the fallback, and which source the rows
came from."""

from __future__ import annotations

from typing import Final

import duckdb

from platform_assets.domains.customer.dashboards.reading import rows

COMPLETENESS: Final = "silver.customer_weather_completeness"
DAILY: Final = "silver.customer_weather_daily"


def completeness(connection: duckdb.DuckDBPyConnection) -> dict[str, object]:
    per_country = rows(
        connection,
        "select country_code, count(*) as area_days, "
        "count(*) filter (where not is_missing) as present, "
        "count(*) filter (where is_missing) as missing, "
        "count(*) filter (where not is_missing) / count(*) as share_present "
        f"from {COMPLETENESS} group by country_code order by country_code",
    )
    area_days = sum(row["area_days"] for row in per_country)
    present = sum(row["present"] for row in per_country)
    return {
        "per_country": per_country,
        "area_days": area_days,
        "missing": area_days - present,
        "share_present": present / area_days if area_days else None,
    }


def sources(connection: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """Rows per country and weather source, with the source's share of the country."""
    return {
        "per_source": rows(
            connection,
            "select country_code, weather_source, count(*) as observations, "
            "count(*) / sum(count(*)) over (partition by country_code) as share "
            f"from {DAILY} group by country_code, weather_source "
            "order by country_code, weather_source",
        )
    }
