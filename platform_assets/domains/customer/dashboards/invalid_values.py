"""Invalid values per source, column and reason, from the silver data-quality table.

Counts only: the table holds a keyed digest of each value, never the value, and the
page shows neither (erasure relies on the page holding no personal value)."""

from __future__ import annotations

from typing import Final

from platform_assets.domains.customer.dashboards.reading import rows
from platform_assets.warehouse import WarehouseSession

TABLE: Final = "silver.customer_data_quality_issues"


def figures(session: WarehouseSession) -> dict[str, object]:
    [totals] = rows(
        session,
        f"select count(*) as issues, count(distinct source_record_id) as records from {TABLE}",
    )
    return {
        **totals,
        "per_source": rows(
            session,
            f"select source_system, count(*) as issues, "
            f"count(distinct source_record_id) as records "
            f"from {TABLE} group by source_system order by source_system",
        ),
        "per_reason": rows(
            session,
            f"select source_system, column_name, reason, count(*) as issues from {TABLE} "
            "group by source_system, column_name, reason "
            "order by issues desc, source_system, column_name, reason",
        ),
    }
