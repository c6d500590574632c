"""The ``schema_drift`` check of a raw asset: the load saw its source change shape.

Nothing of a drifting source is lost (extra fields land in ``_extras``, a removed
column keeps its stored values, retyped values are quarantined), so the load succeeds
and the change would stay unseen. The check fails, with WARN severity, while a load
records an added, removed or retyped column that the contract has not adopted; the
``stage_alerts`` sensor routes the failure by the asset's stage like any failed check.
It passes again once the contract matches what the source sends (a migration adds the
column, then the contract: docs/schema-evolution.md).
"""

from __future__ import annotations

from typing import Any, Final

import dagster as dg

from platform_assets.ingestion.schema_drift import DRIFT_EVENTS_TABLE

SCHEMA_DRIFT_CHECK: Final = "schema_drift"


def schema_drift_spec(asset_key: dg.AssetKey) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        name=SCHEMA_DRIFT_CHECK,
        asset=asset_key,
        description=(
            "The source sends the columns and types of the table's contract: no field "
            f"added, no column removed, no type changed ({DRIFT_EVENTS_TABLE})."
        ),
    )


def schema_drift_result(
    events: list[dict[str, Any]], asset_key: dg.AssetKey
) -> dg.AssetCheckResult:
    """``events``: the rows of the drift table this load recorded."""
    changes = "; ".join(f"{e['change']} {e['column_name']}: {e['detail']}" for e in events)
    description = (
        f"the source changed shape: {changes}. Adopt the change with a migration and the "
        "contract (docs/schema-evolution.md)"
        if events
        else "the source sends the contract's columns and types"
    )
    return dg.AssetCheckResult(
        passed=not events,
        asset_key=asset_key,
        check_name=SCHEMA_DRIFT_CHECK,
        severity=dg.AssetCheckSeverity.WARN,
        description=description,
        metadata={
            "columns_drifted": dg.MetadataValue.int(len(events)),
            "events": dg.MetadataValue.json(events),
        },
    )
