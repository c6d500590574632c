"""The shape of one step's telemetry line, versioned so a log shipper's parser can tell
which fields to expect.

Bump ``SCHEMA_VERSION`` when a field is renamed, removed or changes type; adding a field
keeps the version (readers ignore what they do not know). docs/monitoring.md lists every
field ("Run telemetry").
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from typing import Any, Final, Literal

import dagster as dg

SCHEMA_VERSION: Final = 1

StepEvent = Literal["step_succeeded", "step_failed"]
StepKind = Literal["ingestion", "dbt"]

#: Failure categories of steps that are not ingestions (an ingestion names its own, from
#: ``FailureCategory``): dbt reported an error, or the step raised something no one
#: classified (the step's log has the traceback).
DBT_ERROR: Final = "dbt_error"
UNEXPECTED_ERROR: Final = "unexpected_error"
NO_FAILURE: Final = "none"


@dataclass(frozen=True)
class StepIdentity:
    """Which step of which run a line is about."""

    run_id: str
    step_key: str
    asset_keys: list[str]
    step_retries: int

    @classmethod
    def of(cls, context: dg.AssetExecutionContext) -> StepIdentity:
        return cls(
            run_id=context.run.run_id,
            step_key=str(context.op_execution_context.op_handle),
            asset_keys=sorted(key.to_user_string() for key in context.selected_asset_keys),
            step_retries=context.retry_number,
        )


@dataclass(frozen=True)
class ModelResult:
    """One dbt node a dbt step built, as dbt's ``run_results.json`` reports it."""

    unique_id: str
    asset_key: str | None
    relation: str | None
    status: str
    rows_affected: int | None
    execution_seconds: float


@dataclass(frozen=True)
class StepRecord:
    event: StepEvent
    kind: StepKind
    run_id: str
    step_key: str
    asset_keys: list[str]
    source: str | None
    sink: str | None
    duration_seconds: float
    failure_category: str = NO_FAILURE
    error: str | None = None
    rows_extracted: int | None = None
    rows_staged: int | None = None
    rows_loaded: int | None = None
    rows_final: int | None = None
    rows_inserted: int | None = None
    rows_updated: int | None = None
    rows_deleted: int | None = None
    rows_soft_deleted: int | None = None
    rows_quarantined: int | None = None
    request_retries: int = 0
    step_retries: int = 0
    manifest_path: str | None = None
    selector: str | None = None
    models: list[ModelResult] = field(default_factory=list)
    timestamp: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    schema_version: int = SCHEMA_VERSION

    @classmethod
    def for_step(cls, step: StepIdentity, **values: Any) -> StepRecord:
        return cls(
            run_id=step.run_id,
            step_key=step.step_key,
            asset_keys=step.asset_keys,
            step_retries=step.step_retries,
            **values,
        )

    def to_json(self) -> str:
        """One line: no newline inside, keys sorted so lines diff cleanly."""
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, line: str) -> StepRecord:
        """Parses a line this or a later schema version wrote; fields this version does
        not know are ignored."""
        values = _known(cls, json.loads(line))
        values["models"] = [ModelResult(**_known(ModelResult, m)) for m in values.get("models", [])]
        return cls(**values)


def _known(shape: type, values: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(shape)}
    return {name: value for name, value in values.items() if name in names}
