"""Invalid values per source, column and reason, from the silver data-quality table.

Counts only: the table holds a keyed digest of each value, never the value, and the
page shows neither (erasure relies on the page holding no personal value)."""

from __future__ import annotations

from typing import Final

import duckdb

from platform_assets.domains.customer.dashboards.reading import rows

TABLE: Final = "silver.customer_data_quality_issues"


def figures(connection: duckdb.DuckDBPyConnection) -> dict[str, object]:
    [totals] = rows(
        connection,
        f"select count(*) as issues, count(distinct source_record_id) as records from {TABLE}",
    )
    return {
        **totals,
        "per_source": rows(
            connection,
            f"select source_system, count(*) as issues, "
            f"count(distinct source_record_id) as records "
            f"from {TABLE} group by source_system order by source_system",
        ),
        "per_reason": rows(
            connection,
            f"select source_system, column_name, reason, count(*) as issues from {TABLE} "
            "group by all order by issues desc, source_system, column_name, reason",
        ),
    }
