"""The reusable data-quality check library.

Each factory takes an asset (its stage tag decides severity and blocking) and returns a
``dg.AssetChecksDefinition`` that reads the asset's warehouse table through the
``warehouse`` resource. The evaluations behind them are pure functions over a
``WarehouseSession`` (DuckDB or PostgreSQL), usable on their own.
"""

from platform_assets.checks.data_freshness import data_freshness_check
from platform_assets.checks.outcome import CheckOutcome
from platform_assets.checks.referential_integrity import referential_integrity_check
from platform_assets.checks.row_count import row_count_bounds_check
from platform_assets.checks.target import CheckTarget
from platform_assets.checks.value_distribution import (
    accepted_values_check,
    distinct_count_check,
    value_range_check,
)
from platform_assets.checks.volume_change import volume_change_check

__all__ = [
    "CheckOutcome",
    "CheckTarget",
    "accepted_values_check",
    "data_freshness_check",
    "distinct_count_check",
    "referential_integrity_check",
    "row_count_bounds_check",
    "value_range_check",
    "volume_change_check",
]
