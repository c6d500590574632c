"""An alert: one transition of an incident (opened, escalated, resolved) as sinks see it.

The alert id is the incident's, so a receiver can pair a resolution with its alert and
drop a duplicate; the time to detect (failing event to alert) travels with every alert.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import dagster as dg

from platform_assets.monitoring.asset_routing import AssetRouting
from platform_assets.monitoring.incidents import Severity, Transition, TransitionKind

ALERT_KEY: Final = "platform/alert"
TIME_TO_DETECT_KEY: Final = "platform/alert_time_to_detect_seconds"
#: Alerts list at most this many failing partitions; the count is always complete.
PARTITIONS_SHOWN = 10


@dataclass(frozen=True)
class Alert:
    alert_id: str
    kind: TransitionKind
    asset_key: str
    condition: str
    severity: Severity
    stage: str | None
    route: str | None
    owners: tuple[str, ...]
    summary: str
    failing_since: float
    event_timestamp: float
    """When the event behind this alert happened (the failure, or the recovery)."""
    detected_at: float
    """When the sensor emitted the alert."""
    failing_partitions: tuple[str, ...] = ()
    failing_partition_count: int = 0
    failures_seen: int = 1
    """Failing events folded into this incident so far (repeats do not alert again)."""
    run_id: str | None = None

    @classmethod
    def from_transition(
        cls, transition: Transition, routing: AssetRouting, detected_at: float
    ) -> Alert:
        incident, event = transition.incident, transition.event
        partitions = sorted(p for p in incident.failing if p)
        return cls(
            alert_id=incident.incident_id,
            kind=transition.kind,
            asset_key=incident.asset_key,
            condition=incident.condition,
            severity=incident.severity,
            stage=routing.stage.label if routing.stage is not None else None,
            route=routing.route,
            owners=routing.owners,
            summary=incident.summary,
            failing_since=incident.opened_at,
            event_timestamp=event.timestamp,
            detected_at=detected_at,
            failing_partitions=tuple(partitions[:PARTITIONS_SHOWN]),
            failing_partition_count=len(partitions),
            failures_seen=incident.occurrences,
            run_id=event.run_id,
        )

    @property
    def time_to_detect_seconds(self) -> float:
        return max(0.0, self.detected_at - self.event_timestamp)

    @property
    def time_to_resolve_seconds(self) -> float | None:
        if self.kind is not TransitionKind.RESOLVED:
            return None
        return max(0.0, self.event_timestamp - self.failing_since)

    def title(self) -> str:
        stage = f"[{self.stage}] " if self.stage else ""
        if self.kind is TransitionKind.RESOLVED:
            return f"{stage}RESOLVED {self.asset_key}: {self.condition}"
        return f"{stage}{self.severity.value.upper()} {self.asset_key}: {self.summary}"

    def text(self) -> str:
        lines = [
            self.title(),
            f"asset: {self.asset_key} (stage {self.stage or 'none'}, owners "
            f"{', '.join(self.owners) or 'none'})",
            f"condition: {self.condition}, {self.kind.value}, severity {self.severity.value}",
            f"failing since: {_iso(self.failing_since)}",
            f"detected {self.time_to_detect_seconds:.0f} s after the event at "
            f"{_iso(self.event_timestamp)}",
        ]
        if self.time_to_resolve_seconds is not None:
            lines.append(f"resolved after {self.time_to_resolve_seconds / 60:.1f} min")
        if self.failing_partition_count:
            lines.append(
                f"failing partitions ({self.failing_partition_count}): "
                + ", ".join(self.failing_partitions)
            )
        if self.failures_seen > 1:
            lines.append(f"failures seen: {self.failures_seen}")
        if self.run_id:
            lines.append(f"run: {self.run_id}")
        lines.append(f"alert id: {self.alert_id}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            **dataclasses.asdict(self),
            "kind": self.kind.value,
            "severity": self.severity.value,
            "owners": list(self.owners),
            "failing_partitions": list(self.failing_partitions),
            "time_to_detect_seconds": self.time_to_detect_seconds,
            "time_to_resolve_seconds": self.time_to_resolve_seconds,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Alert:
        fields = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in raw.items() if k in fields}
        return cls(
            **{
                **values,
                "kind": TransitionKind(raw["kind"]),
                "severity": Severity(raw["severity"]),
                "owners": tuple(raw["owners"]),
                "failing_partitions": tuple(raw["failing_partitions"]),
            }
        )


def record_alert(instance: dg.DagsterInstance, alert: Alert) -> None:
    """Records the alert in the instance, as an observation of the asset it is about.

    The instance's history then says when each problem was detected, not only when it
    happened: the SLA attainment reads mean time to detect from here, and the asset's page
    in the UI lists its alerts and plots time to detect (numeric metadata is charted).
    """
    instance.report_runless_asset_event(
        dg.AssetObservation(
            asset_key=dg.AssetKey.from_user_string(alert.asset_key),
            description=alert.title(),
            metadata={
                ALERT_KEY: dg.MetadataValue.json(alert.to_dict()),
                TIME_TO_DETECT_KEY: dg.MetadataValue.float(alert.time_to_detect_seconds),
            },
        )
    )


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")
