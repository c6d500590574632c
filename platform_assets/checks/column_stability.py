"""Column stability: Beta and GA promise consumers that column names and types hold.

Compares the columns a materialization wrote with the previous materialization's. A
removed column, a rename (seen as a removal plus an addition) or a narrowing type change
fails; an added column or a widening type change passes with a note.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import dagster as dg

from platform_assets.stages.contract_metadata import (
    COLUMN_SCHEMA_KEY,
    COLUMN_STABILITY_CHECK_KEY,
    metadata_value,
)
from platform_assets.stages.delivery_stage import DeliveryStage

COLUMN_STABILITY_CHECK_NAME = "column_stability"

# Each family is ordered narrow to wide; a change within a family towards the right is a
# widening. Polars and DuckDB spellings both appear because Python assets report Polars
# types and dbt models report the warehouse's.
_TYPE_FAMILIES: tuple[tuple[str, ...], ...] = (
    (
        "int8",
        "tinyint",
        "int16",
        "smallint",
        "int32",
        "integer",
        "int",
        "int64",
        "bigint",
        "int128",
        "hugeint",
    ),
    ("uint8", "utinyint", "uint16", "usmallint", "uint32", "uinteger", "uint64", "ubigint"),
    ("float32", "float", "real", "float64", "double"),
    ("date", "datetime", "timestamp"),
)
_WIDTH_RANKS = {
    "int8": 0,
    "tinyint": 0,
    "int16": 1,
    "smallint": 1,
    "int32": 2,
    "integer": 2,
    "int": 2,
    "int64": 3,
    "bigint": 3,
    "int128": 4,
    "hugeint": 4,
    "uint8": 0,
    "utinyint": 0,
    "uint16": 1,
    "usmallint": 1,
    "uint32": 2,
    "uinteger": 2,
    "uint64": 3,
    "ubigint": 3,
    "float32": 0,
    "float": 0,
    "real": 0,
    "float64": 1,
    "double": 1,
    "date": 0,
    "datetime": 1,
    "timestamp": 1,
}


def _base_type(type_name: str) -> str:
    """``Datetime(time_unit='us', time_zone='UTC')`` and ``TIMESTAMP WITH TIME ZONE`` both
    reduce to their family member; parameters other than width are compared verbatim."""
    return type_name.split("(")[0].split(" ")[0].strip().lower()


def _family(base: str) -> int | None:
    for index, family in enumerate(_TYPE_FAMILIES):
        if base in family:
            return index
    return None


def is_widening(previous: str, current: str) -> bool:
    if previous == current:
        return True
    old, new = _base_type(previous), _base_type(current)
    if old == new:
        # Same base type with other parameters (time zone, precision): a real change.
        return False
    old_family, new_family = _family(old), _family(new)
    if old_family is None or old_family != new_family:
        # Integers widen into wide floats without loss of meaning.
        return old_family in (0, 1) and new in ("float64", "double")
    return _WIDTH_RANKS[new] > _WIDTH_RANKS[old]


@dataclass(frozen=True)
class ColumnChanges:
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    narrowed: list[str] = field(default_factory=list)
    widened: list[str] = field(default_factory=list)

    @property
    def breaking(self) -> bool:
        return bool(self.removed or self.narrowed)


def compare_columns(previous: dict[str, str], current: dict[str, str]) -> ColumnChanges:
    removed = [name for name in previous if name not in current]
    added = [name for name in current if name not in previous]
    narrowed: list[str] = []
    widened: list[str] = []
    for name in previous.keys() & current.keys():
        if previous[name] == current[name]:
            continue
        change = f"{name}: {previous[name]} -> {current[name]}"
        (widened if is_widening(previous[name], current[name]) else narrowed).append(change)
    return ColumnChanges(removed, added, sorted(narrowed), sorted(widened))


def columns_of(schema: dg.TableSchema) -> dict[str, str]:
    return {column.name: column.type for column in schema.columns}


def column_stability_spec(asset_key: dg.AssetKey, stage: DeliveryStage) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        name=COLUMN_STABILITY_CHECK_NAME,
        asset=asset_key,
        description="Fails when a column is removed or renamed or its type narrows since the "
        "previous materialization.",
        blocking=stage.checks_block,
        metadata={COLUMN_STABILITY_CHECK_KEY: True},
    )


def previous_columns(instance: dg.DagsterInstance, asset_key: dg.AssetKey) -> dict[str, str] | None:
    """The columns recorded by the asset's latest materialization, or None for a first one."""
    event = instance.get_latest_materialization_event(asset_key)
    materialization = event.asset_materialization if event else None
    if materialization is None:
        return None
    schema = metadata_value(materialization.metadata, COLUMN_SCHEMA_KEY)
    return columns_of(schema) if isinstance(schema, dg.TableSchema) else None


def column_stability_result(
    previous: dict[str, str] | None,
    current: dict[str, str],
    *,
    stage: DeliveryStage,
    asset_key: dg.AssetKey | None = None,
) -> dg.AssetCheckResult:
    if previous is None:
        return dg.AssetCheckResult(
            passed=True,
            asset_key=asset_key,
            check_name=COLUMN_STABILITY_CHECK_NAME,
            severity=stage.check_severity,
            description=f"First recorded columns ({len(current)}): nothing to compare with.",
            metadata={"columns": len(current)},
        )
    changes = compare_columns(previous, current)
    notes = []
    if changes.removed:
        renamed_hint = " (a rename shows as a removal plus an addition)" if changes.added else ""
        notes.append(f"removed {', '.join(changes.removed)}{renamed_hint}")
    if changes.narrowed:
        notes.append(f"type changed incompatibly: {'; '.join(changes.narrowed)}")
    if changes.added:
        notes.append(f"added {', '.join(changes.added)}")
    if changes.widened:
        notes.append(f"widened {'; '.join(changes.widened)}")
    summary = "; ".join(notes) if notes else "columns unchanged"
    if changes.breaking:
        summary += ". Consumers rely on these columns at this stage: restore them, or version "
        summary += "the asset and migrate consumers."
    return dg.AssetCheckResult(
        passed=not changes.breaking,
        asset_key=asset_key,
        check_name=COLUMN_STABILITY_CHECK_NAME,
        severity=stage.check_severity,
        description=summary,
        metadata={
            "columns": len(current),
            "removed": dg.MetadataValue.json(changes.removed),
            "added": dg.MetadataValue.json(changes.added),
            "narrowed": dg.MetadataValue.json(changes.narrowed),
            "widened": dg.MetadataValue.json(changes.widened),
        },
    )
