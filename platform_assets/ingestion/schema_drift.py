"""Schema-drift events: what a source changed in a table's shape, kept in ``ops``.

A source that adds a field, stops sending a column or changes a value's type does not
fail the load (the field is kept in ``_extras``, the column is left alone, the rows are
quarantined: see ``validation``), so without a record the change would go unnoticed
until someone reads the raw table. Each change is one row of
``ops.schema_drift_events`` per (source, entity, column, change), first and last seen,
written in the load's transaction so it exists exactly when the load does; the raw
asset's ``schema_drift`` check reads this run's rows and alerts. The table comes from
migration 0002.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final

from platform_assets.ingestion.contract import EXTRAS_COLUMN, TableContract
from platform_assets.ingestion.ops_tables import OPS_SCHEMA
from platform_assets.ingestion.validation import ValidatedBatch
from platform_assets.warehouse import Warehouse, WarehouseSession

DRIFT_EVENTS_TABLE: Final = f"{OPS_SCHEMA}.schema_drift_events"


class DriftChange(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    RETYPED = "retyped"


@dataclass(frozen=True)
class DriftEvent:
    column_name: str
    change: DriftChange
    detail: str


def drift_events(contract: TableContract, batch: ValidatedBatch) -> list[DriftEvent]:
    """The changes ``batch`` shows against ``contract``, columns in name order."""
    events = [
        DriftEvent(name, DriftChange.ADDED, f"not in the contract; kept in {EXTRAS_COLUMN}")
        for name in batch.added_columns
    ]
    required = {c.name for c in contract.columns if not c.nullable} | set(contract.key)
    events += [
        DriftEvent(
            name,
            DriftChange.REMOVED,
            "no record carried it; "
            + (
                "it is required, so the records were quarantined"
                if name in required
                else "new rows get NULL, stored values are kept"
            ),
        )
        for name in sorted(batch.absent_columns)
    ]
    kinds = {c.name: c.kind.value for c in contract.columns}
    events += [
        DriftEvent(
            name,
            DriftChange.RETYPED,
            f"expected {kinds[name]}, got "
            + ", ".join(f"{seen} ({count:,} values)" for seen, count in sorted(seen_types.items()))
            + "; those records were quarantined",
        )
        for name, seen_types in batch.retyped_columns.items()
    ]
    return events


def record_drift(
    session: WarehouseSession,
    events: list[DriftEvent],
    *,
    source: str,
    entity: str,
    run_id: str,
    seen_at: datetime,
) -> None:
    """Upserts one row per event: a change seen again keeps its first sighting and moves
    its last. The table is migration 0002's."""
    for event in events:
        session.execute(
            f"insert into {DRIFT_EVENTS_TABLE} as e values (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "on conflict (source, entity, column_name, change) do update set "
            "detail = excluded.detail, last_seen_run_id = excluded.last_seen_run_id, "
            "last_seen_at = excluded.last_seen_at",
            [
                source,
                entity,
                event.column_name,
                event.change.value,
                event.detail,
                run_id,
                seen_at,
                run_id,
                seen_at,
            ],
        )


def drift_seen_in_run(
    warehouse: Warehouse, *, source: str, entity: str, run_id: str
) -> list[dict[str, Any]]:
    """The events the run's load of (source, entity) recorded, as plain values."""
    columns = ("column_name", "change", "detail", "first_seen_run_id", "first_seen_at")
    with warehouse.connect(role="loader") as session:
        rows = session.execute(
            f"select {', '.join(columns)} from {DRIFT_EVENTS_TABLE} "
            "where source = ? and entity = ? and last_seen_run_id = ? "
            "order by change, column_name",
            [source, entity, run_id],
        ).fetchall()
    return [
        {
            **dict(zip(columns[:-1], row[:-1], strict=True)),
            "first_seen_at": row[-1].astimezone(UTC).isoformat(),
        }
        for row in rows
    ]
