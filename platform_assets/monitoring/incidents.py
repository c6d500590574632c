"""Conditions and incidents: what monitoring watches, and how a stream of it becomes alerts.

Check evaluations, freshness state changes, failed runs and materializations all reduce to
a ``ConditionEvent`` (a condition on an asset failing or clearing), so the alert sensor and
the SLA attainment read history the same way. The ``IncidentTracker`` turns those events
into incidents: one open incident per (asset, condition), however many partitions or runs
keep failing, closed when every failing partition has cleared. A backfill that fails fifty
partitions opens one incident, not fifty. Pure: the alert sensor feeds it live events, the
SLA attainment feeds it history.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

FRESHNESS: Final = "freshness"
RUN_FAILURE: Final = "run_failure"
CHECK_PREFIX: Final = "check:"


def check_condition(check_name: str) -> str:
    """Each check is its own condition: two failing checks on one asset are two alerts."""
    return f"{CHECK_PREFIX}{check_name}"


class Severity(StrEnum):
    """Paging sinks hear only about critical conditions; a warning never wakes anyone."""

    WARNING = "warning"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return 1 if self is Severity.CRITICAL else 0


@dataclass(frozen=True)
class ConditionEvent:
    """At ``timestamp`` the ``condition`` on ``asset_key`` (one ``partition`` of it; ``""``
    for an unpartitioned asset) was seen failing, or seen cleared when ``failing`` is False."""

    asset_key: str
    condition: str
    failing: bool
    timestamp: float
    severity: Severity = Severity.CRITICAL
    partition: str = ""
    summary: str = ""
    run_id: str | None = None


class TransitionKind(StrEnum):
    OPENED = "opened"
    ESCALATED = "escalated"
    RESOLVED = "resolved"


@dataclass
class Incident:
    incident_id: str
    asset_key: str
    condition: str
    severity: Severity
    opened_at: float
    """Timestamp of the first failing event."""
    failing: dict[str, float] = field(default_factory=dict)
    """Failing partitions (``""`` when unpartitioned) and since when each has failed."""
    summary: str = ""
    run_id: str | None = None
    occurrences: int = 1
    """Failing events folded into this incident instead of alerting again."""

    def to_json(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "severity": self.severity.value}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Incident:
        return cls(**{**raw, "severity": Severity(raw["severity"])})


@dataclass(frozen=True)
class Transition:
    kind: TransitionKind
    incident: Incident
    """A snapshot of the incident after the event."""
    event: ConditionEvent


def incident_id(asset_key: str, condition: str, opened_at: float) -> str:
    """Stable across sensor restarts, so a receiver can de-duplicate a re-sent alert."""
    digest = hashlib.sha256(f"{asset_key}|{condition}|{opened_at!r}".encode())
    return digest.hexdigest()[:16]


class IncidentTracker:
    def __init__(self, open_incidents: Iterable[Incident] = ()) -> None:
        self._open = {(i.asset_key, i.condition): i for i in open_incidents}

    @property
    def open_incidents(self) -> list[Incident]:
        return list(self._open.values())

    def observe(self, event: ConditionEvent) -> Transition | None:
        """The transition ``event`` causes, or None when it changes nothing worth telling."""
        key = (event.asset_key, event.condition)
        incident = self._open.get(key)
        if event.failing:
            if incident is None:
                incident = Incident(
                    incident_id(event.asset_key, event.condition, event.timestamp),
                    event.asset_key,
                    event.condition,
                    event.severity,
                    event.timestamp,
                    {event.partition: event.timestamp},
                    event.summary,
                    event.run_id,
                )
                self._open[key] = incident
                return self._transition(TransitionKind.OPENED, incident, event)
            incident.failing.setdefault(event.partition, event.timestamp)
            incident.occurrences += 1
            if event.severity.rank > incident.severity.rank:
                incident.severity = event.severity
                incident.summary, incident.run_id = event.summary, event.run_id
                return self._transition(TransitionKind.ESCALATED, incident, event)
            return None
        if incident is None:
            return None
        failing_since = incident.failing.get(event.partition)
        # A clearing event older than the failure it would clear is stale news.
        if failing_since is None or event.timestamp < failing_since:
            return None
        del incident.failing[event.partition]
        if incident.failing:
            return None
        del self._open[key]
        return self._transition(TransitionKind.RESOLVED, incident, event)

    def observe_all(self, events: Iterable[ConditionEvent]) -> list[Transition]:
        """The transitions a batch of events causes. An incident opened in the batch is
        reported with every partition failing by the batch's end: a backfill that failed
        fifty partitions since the last tick opens one alert that names all fifty."""
        transitions = [t for t in map(self.observe, events) if t is not None]
        return [
            dataclasses.replace(t, incident=self._refreshed(t.incident))
            if t.kind is TransitionKind.OPENED
            else t
            for t in transitions
        ]

    def _refreshed(self, snapshot: Incident) -> Incident:
        current = self._open.get((snapshot.asset_key, snapshot.condition))
        if current is None or current.incident_id != snapshot.incident_id:
            return snapshot
        return dataclasses.replace(
            snapshot, failing=dict(current.failing), occurrences=current.occurrences
        )

    @staticmethod
    def _transition(kind: TransitionKind, incident: Incident, event: ConditionEvent) -> Transition:
        snapshot = dataclasses.replace(incident, failing=dict(incident.failing))
        return Transition(kind, snapshot, event)
