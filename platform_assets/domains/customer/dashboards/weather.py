"""Weather completeness per country: the share of postal area-days of the window with
an observation after the primary source and the fallback, and which source the rows
came from."""

from __future__ import annotations

from typing import Final

from platform_assets.domains.customer.dashboards.reading import rows
from platform_assets.warehouse import WarehouseSession

COMPLETENESS: Final = "silver.customer_weather_completeness"
DAILY: Final = "silver.customer_weather_daily"


def completeness(session: WarehouseSession) -> dict[str, object]:
    per_country = rows(
        session,
        "select country_code, count(*) as area_days, "
        "count(*) filter (where not is_missing) as present, "
        "count(*) filter (where is_missing) as missing, "
        # a double division: PostgreSQL divides integers into an integer
        "count(*) filter (where not is_missing)::double precision / count(*) as share_present "
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


def sources(session: WarehouseSession) -> dict[str, object]:
    """Rows per country and weather source, with the source's share of the country."""
    return {
        "per_source": rows(
            session,
            "select country_code, weather_source, count(*) as observations, "
            "count(*)::double precision / sum(count(*)) over (partition by country_code) as share "
            f"from {DAILY} group by country_code, weather_source "
            "order by country_code, weather_source",
        )
    }
