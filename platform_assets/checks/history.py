"""An asset's own past, read from the metadata of its materializations on the instance.

The newest materialization is the one that wrote the table a check reads: it is the
present, and the history is what came before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import dagster as dg

from platform_assets.stages.contract_metadata import metadata_value

ROW_COUNT_KEY: Final = "dagster/row_count"


@dataclass(frozen=True)
class MetricHistory:
    latest: float | None
    """The value on the newest materialization, None when it did not record one."""
    previous: list[float]
    """The values on the materializations before it, newest first."""


def metric_history(
    instance: dg.DagsterInstance, asset_key: dg.AssetKey, metadata_key: str, *, window: int
) -> MetricHistory:
    """The numeric ``metadata_key`` on the newest materialization and the ``window``
    before it; materializations that did not record it are skipped."""
    records = instance.fetch_materializations(asset_key, limit=window + 1).records
    values = [_numeric(record, metadata_key) for record in records]
    if not values:
        return MetricHistory(latest=None, previous=[])
    return MetricHistory(
        latest=values[0], previous=[value for value in values[1:] if value is not None]
    )


def _numeric(record: dg.EventLogRecord, metadata_key: str) -> float | None:
    materialization = record.asset_materialization
    if materialization is None:
        return None
    value = metadata_value(materialization.metadata, metadata_key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
