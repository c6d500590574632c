"""Plain records of what happened to an asset, read from Dagster event log entries.

Each record knows the ``ConditionEvent`` it amounts to. Everything downstream (the
incident tracker, the attainment figures) works on these records, so it can be tested
with hand-written histories.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import dagster as dg

# Freshness state changes have no public type or accessor in Dagster 1.13: the freshness
# daemon writes ``FreshnessStateChange`` payloads as FRESHNESS_STATE_CHANGE events.
from dagster._core.definitions.freshness import FreshnessState, FreshnessStateChange

from platform_assets.monitoring.conditions import (
    FRESHNESS,
    RUN_FAILURE,
    ConditionEvent,
    Severity,
    check_condition,
)

FAILING_FRESHNESS = {
    FreshnessState.WARN.value: Severity.WARNING,
    FreshnessState.FAIL.value: Severity.CRITICAL,
}
#: NOT_APPLICABLE clears too: an asset whose policy was removed is no longer late.
CLEARED_FRESHNESS = frozenset({FreshnessState.PASS.value, FreshnessState.NOT_APPLICABLE.value})


@dataclass(frozen=True)
class Materialization:
    asset_key: str
    timestamp: float
    partition: str = ""
    run_id: str | None = None

    def condition_event(self) -> ConditionEvent:
        """A materialization is what clears a failed run's condition."""
        return ConditionEvent(
            self.asset_key,
            RUN_FAILURE,
            False,
            self.timestamp,
            partition=self.partition,
            run_id=self.run_id,
        )


@dataclass(frozen=True)
class FailedAttempt:
    """A run that planned to materialize the asset ended in failure without doing so."""

    asset_key: str
    timestamp: float
    run_id: str
    partition: str = ""

    def condition_event(self) -> ConditionEvent:
        where = f" (partition {self.partition})" if self.partition else ""
        return ConditionEvent(
            self.asset_key,
            RUN_FAILURE,
            True,
            self.timestamp,
            Severity.CRITICAL,
            self.partition,
            f"run {self.run_id} failed before materializing it{where}",
            self.run_id,
        )


@dataclass(frozen=True)
class CheckOutcome:
    asset_key: str
    check_name: str
    passed: bool
    timestamp: float
    severity: Severity = Severity.CRITICAL
    partition: str = ""
    description: str = ""
    run_id: str | None = None

    def condition_event(self) -> ConditionEvent:
        summary = f"check {self.check_name} failed" + (
            f": {self.description}" if self.description else ""
        )
        return ConditionEvent(
            self.asset_key,
            check_condition(self.check_name),
            not self.passed,
            self.timestamp,
            self.severity,
            self.partition,
            summary,
            self.run_id,
        )


@dataclass(frozen=True)
class FreshnessChange:
    asset_key: str
    state: str
    """PASS, WARN, FAIL, UNKNOWN or NOT_APPLICABLE, as the freshness daemon records it."""
    timestamp: float
    previous_state: str = ""

    @property
    def fresh(self) -> bool | None:
        """True on PASS/NOT_APPLICABLE, False on WARN/FAIL, None when UNKNOWN."""
        if self.state in FAILING_FRESHNESS:
            return False
        return True if self.state in CLEARED_FRESHNESS else None

    def condition_event(self) -> ConditionEvent | None:
        if self.fresh is None:
            return None
        return ConditionEvent(
            self.asset_key,
            FRESHNESS,
            not self.fresh,
            self.timestamp,
            FAILING_FRESHNESS.get(self.state, Severity.WARNING),
            summary=f"freshness {self.state} (was {self.previous_state or 'unknown'})",
        )


HistoryRecord = Materialization | FailedAttempt | CheckOutcome | FreshnessChange

_CHECK_SEVERITY = {
    dg.AssetCheckSeverity.ERROR: Severity.CRITICAL,
    dg.AssetCheckSeverity.WARN: Severity.WARNING,
}


def record_from_entry(entry: dg.EventLogEntry) -> HistoryRecord | None:
    """The plain record for a materialization, check evaluation or freshness state change."""
    event = entry.dagster_event
    if event is None:
        return None
    data = event.event_specific_data
    if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION and event.asset_key:
        return Materialization(
            event.asset_key.to_user_string(),
            entry.timestamp,
            event.partition or "",
            entry.run_id or None,
        )
    if isinstance(data, dg.AssetCheckEvaluation):
        return CheckOutcome(
            data.asset_key.to_user_string(),
            data.check_name,
            data.passed,
            entry.timestamp,
            _CHECK_SEVERITY[data.severity],
            data.partition or "",
            data.description or "",
            entry.run_id or None,
        )
    if isinstance(data, FreshnessStateChange):
        return FreshnessChange(
            data.key.to_user_string(),
            data.new_state.value,
            data.state_change_timestamp,
            data.previous_state.value,
        )
    return None


def condition_events(records: Iterable[HistoryRecord]) -> list[ConditionEvent]:
    """The records' condition events in time order, the order the tracker must see them."""
    events = (record.condition_event() for record in records)
    return sorted((e for e in events if e is not None), key=lambda e: e.timestamp)
