"""The ingestion figures of each bronze table's last load, from the materialization the
ingestion reported to the Dagster instance: the report is there already, as numeric
metadata, so the warehouse does not need a copy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

import dagster as dg

from platform_assets.domains.customer.dashboards.tables import BRONZE_KEYS

#: The ingestion report's counts shown per load (metadata key, column heading).
FIGURES: Final = (
    ("rows_extracted", "extracted"),
    ("rows_loaded", "loaded"),
    ("rows_inserted", "inserted"),
    ("rows_updated", "updated"),
    ("rows_quarantined", "quarantined"),
    ("rows_suppressed", "suppressed"),
    ("rows_soft_deleted", "soft-deleted"),
)


@dataclass(frozen=True)
class LastLoad:
    """A bronze table's last materialization; ``loaded_at`` None before the first."""

    table: str
    loaded_at: datetime | None
    figures: tuple[int | None, ...]


def last_loads(instance: dg.DagsterInstance) -> list[LastLoad]:
    return [_last_load(instance, key) for key in BRONZE_KEYS]


def _last_load(instance: dg.DagsterInstance, key: dg.AssetKey) -> LastLoad:
    table = key.to_user_string()
    event = instance.get_latest_materialization_event(key)
    materialization = event.asset_materialization if event else None
    if event is None or materialization is None:
        return LastLoad(table, None, (None,) * len(FIGURES))
    metadata = materialization.metadata
    return LastLoad(
        table,
        datetime.fromtimestamp(event.timestamp, UTC),
        tuple(_count(metadata.get(name)) for name, _ in FIGURES),
    )


def _count(value: dg.MetadataValue | None) -> int | None:
    """Only integer values: a figure a load did not report stays empty."""
    return value.value if isinstance(value, dg.IntMetadataValue) else None
