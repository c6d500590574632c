"""Records of the customer bronze tables held in quarantine, per source and table, still
open (the record is missing from bronze) or resolved by a later load.

Counted by record key (a record quarantined for two reasons is one record); the keys,
reasons and payloads are not shown: they hold what the source sent, personal data
included."""

from __future__ import annotations

from typing import Final

from platform_assets.domains.customer.dashboards.reading import rows
from platform_assets.domains.customer.dashboards.tables import BRONZE_TABLES
from platform_assets.warehouse import WarehouseSession

TABLE: Final = "ops.quarantine"


def figures(session: WarehouseSession) -> dict[str, object]:
    entities = ", ".join(f"'{table}'" for table in BRONZE_TABLES)
    per_table = rows(
        session,
        "select source, entity, "
        "count(distinct record_key) filter (where resolved_at is null) as open, "
        "count(distinct record_key) filter (where resolved_at is not null) as resolved "
        f"from {TABLE} where entity in ({entities}) "
        "group by source, entity order by source, entity",
    )
    return {
        "per_table": per_table,
        "open": sum(row["open"] for row in per_table),
        "resolved": sum(row["resolved"] for row in per_table),
    }
