"""What one ingestion did, as materialization metadata, as a structured log line and as
the step's run telemetry line (``platform_assets.telemetry``).

Numeric values are emitted as numeric metadata, so the asset page plots them over time
(rows loaded, quarantined, retries) with no extra work.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import dagster as dg
import polars as pl

from platform_assets.ingestion.failure import FailureCategory
from platform_assets.ingestion.http_client import RequestStats
from platform_assets.ingestion.redaction import redact_token_shapes
from platform_assets.telemetry.record import StepEvent, StepIdentity, StepRecord

QUARANTINE_SAMPLE_SIZE = 5
#: Reasons named in a failure message: enough to act on, short enough to read.
TOP_REASONS = 3


@dataclass
class IngestionReport:
    run_id: str
    source: str
    sink: str
    entity: str
    cursor_before: str | None
    cursor_after: str | None = None
    extracted: int = 0
    loaded: int = 0
    inserted: int = 0
    updated: int = 0
    quarantined: int = 0
    quarantined_new: int = 0
    quarantine_resolved: int = 0
    duplicates: int = 0
    suppressed: int = 0
    """Records of erased people, dropped before validation (counted in ``extracted``)."""
    soft_deleted: int = 0
    """Rows marked deleted: reported deleted by the source, or missing from a re-read."""
    restored: int = 0
    """Rows marked deleted earlier that the source returned again."""
    staged: int = 0
    """Rows handed to the merge: validated, deduplicated and not suppressed."""
    deleted: int = 0
    """Rows removed outright. A load never hard-deletes (only retention and erasure do),
    so this stays 0 for ingestion; it is reported so every step has the same counts."""
    columns_added: int = 0
    """Source columns the contract does not know, kept in ``_extras`` (schema drift)."""
    columns_removed: int = 0
    """Contract columns the source stopped sending (schema drift)."""
    rows_retyped: int = 0
    """Rows quarantined because a column's type changed at the source."""
    cursor_recovery: str | None = None
    """Why the stored cursor was discarded for a full re-read, when it was unusable."""
    table_rows: int | None = None
    requests: RequestStats = field(default_factory=RequestStats)
    failure_category: FailureCategory = FailureCategory.NONE
    error: str | None = None
    duration_seconds: float = 0.0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    quarantine_sample: list[dict[str, str]] = field(default_factory=list)
    cursor_held_back: str | None = None
    """Why the stored cursor stayed before records this run quarantined."""
    cursor_passed_quarantine: int = 0
    """Quarantined records the cursor moved past because the operator asked it to."""

    @property
    def unchanged(self) -> int:
        return self.loaded - self.inserted - self.updated

    @property
    def quarantined_share(self) -> float:
        return min(1.0, self.quarantined / self.extracted) if self.extracted else 0.0

    def quarantine_summary(self) -> str:
        """``3 of 4 records quarantined (75%): missing required column x (3)``, the most
        frequent reasons first."""
        reasons = ", ".join(
            f"{reason} ({count:,})"
            for reason, count in list(self.quarantine_reasons.items())[:TOP_REASONS]
        )
        return (
            f"{self.quarantined:,} of {self.extracted:,} records quarantined "
            f"({self.quarantined_share:.0%}): {reasons}"
        )

    def note_quarantine(self, quarantined: pl.DataFrame) -> None:
        """Counts quarantined records by kind of reason (the text before the offending
        value), and keeps a few examples for the materialization."""
        self.quarantined = quarantined.height
        kinds: Counter[str] = Counter()
        for reason in quarantined.get_column("reason").to_list():
            for part in reason.split("; "):
                kinds[part.split(":")[0].split(" '")[0].split(" (")[0]] += 1
        self.quarantine_reasons = dict(kinds.most_common())
        self.quarantine_sample = (
            quarantined.select("record_key", "reason").head(QUARANTINE_SAMPLE_SIZE).to_dicts()
        )
        if self.quarantined and self.failure_category is FailureCategory.NONE:
            self.failure_category = FailureCategory.MALFORMED_PAYLOAD

    def fields(self) -> dict[str, Any]:
        """Plain values, for logs."""
        return {
            "run_id": self.run_id,
            "source": self.source,
            "sink": self.sink,
            "entity": self.entity,
            "cursor_before": self.cursor_before,
            "cursor_after": self.cursor_after,
            "rows_extracted": self.extracted,
            "rows_staged": self.staged,
            "rows_loaded": self.loaded,
            "rows_deleted": self.deleted,
            "rows_final": self.table_rows,
            "columns_added": self.columns_added,
            "columns_removed": self.columns_removed,
            "rows_retyped": self.rows_retyped,
            "cursor_recovery": self.cursor_recovery,
            "rows_inserted": self.inserted,
            "rows_updated": self.updated,
            "rows_unchanged": self.unchanged,
            "rows_quarantined": self.quarantined,
            "rows_quarantined_new": self.quarantined_new,
            "quarantine_resolved": self.quarantine_resolved,
            "quarantined_share": round(self.quarantined_share, 4),
            "cursor_held_back": self.cursor_held_back,
            "cursor_passed_quarantine": self.cursor_passed_quarantine,
            "rows_deduplicated": self.duplicates,
            "rows_suppressed": self.suppressed,
            "rows_soft_deleted": self.soft_deleted,
            "rows_restored": self.restored,
            "requests": self.requests.requests,
            "retries": self.requests.retries,
            "retries_by_reason": dict(self.requests.retries_by_reason),
            "retry_wait_seconds": round(self.requests.waited_seconds, 3),
            "failure_category": self.failure_category.value,
            "error": self.error,
            "duration_seconds": round(self.duration_seconds, 3),
            "quarantine_reasons": self.quarantine_reasons,
        }

    def log_line(self, event: str) -> str:
        return json.dumps({"event": event, **self.fields()}, default=str, sort_keys=True)

    def step_record(self, step: StepIdentity, event: StepEvent) -> StepRecord:
        """The step's telemetry line: the same counts as ``fields()``, under the names
        every kind of step shares. ``rows_final`` is unknown when the load failed."""
        return StepRecord.for_step(
            step,
            event=event,
            kind="ingestion",
            source=self.source,
            sink=self.sink,
            duration_seconds=round(self.duration_seconds, 3),
            failure_category=self.failure_category.value,
            error=redact_token_shapes(self.error) if self.error else None,
            rows_extracted=self.extracted,
            rows_staged=self.staged,
            rows_loaded=self.loaded,
            rows_final=self.table_rows,
            rows_inserted=self.inserted,
            rows_updated=self.updated,
            rows_deleted=self.deleted,
            rows_soft_deleted=self.soft_deleted,
            rows_quarantined=self.quarantined,
            request_retries=self.requests.retries,
        )

    def metadata(self) -> dict[str, dg.MetadataValue]:
        values = self.fields()
        metadata: dict[str, dg.MetadataValue] = {}
        for key, value in values.items():
            if value is None:
                continue
            if isinstance(value, dict):
                metadata[key] = dg.MetadataValue.json(value)
            elif isinstance(value, int):
                metadata[key] = dg.MetadataValue.int(value)
            elif isinstance(value, float):
                metadata[key] = dg.MetadataValue.float(value)
            else:
                metadata[key] = dg.MetadataValue.text(str(value))
        if self.quarantine_sample:
            metadata["quarantine_sample"] = dg.MetadataValue.json(self.quarantine_sample)
        if self.table_rows is not None:
            metadata["dagster/row_count"] = dg.MetadataValue.int(self.table_rows)
        return metadata
