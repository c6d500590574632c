"""The alert sensor's memory, kept in its cursor as JSON so it survives restarts.

Dagster stores the cursor with each tick: where each event stream was read up to, which
runs are still being followed, the open incidents, and deliveries awaiting a retry. A
sensor restarted from its cursor neither repeats an alert nor misses an event that
happened while it was down.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Final

from platform_assets.monitoring.alert_dispatch import PendingDelivery
from platform_assets.monitoring.incident_tracker import Incident

STATE_VERSION: Final = 1


@dataclass
class AlertSensorState:
    runless_cursor: str
    """Event-log cursor in the runless stream (freshness changes, reported events)."""
    run_status_cursors: dict[str, str]
    """Event-log cursor per run status event type that discovers runs."""
    active_runs: dict[str, str | None] = field(default_factory=dict)
    """Runs being followed, with the event-log cursor within each (None: from the start)."""
    open_incidents: list[Incident] = field(default_factory=list)
    pending: list[PendingDelivery] = field(default_factory=list)

    def to_cursor(self) -> str:
        return json.dumps(
            {
                "version": STATE_VERSION,
                "runless_cursor": self.runless_cursor,
                "run_status_cursors": self.run_status_cursors,
                "active_runs": self.active_runs,
                "open_incidents": [incident.to_json() for incident in self.open_incidents],
                "pending": [delivery.to_json() for delivery in self.pending],
            },
            sort_keys=True,
        )

    @classmethod
    def from_cursor(cls, cursor: str) -> AlertSensorState:
        raw = json.loads(cursor)
        if raw.get("version") != STATE_VERSION:
            raise ValueError(
                f"alert sensor cursor has version {raw.get('version')!r}, expected "
                f"{STATE_VERSION}; reset the sensor's cursor to start watching afresh"
            )
        return cls(
            raw["runless_cursor"],
            dict(raw["run_status_cursors"]),
            dict(raw["active_runs"]),
            [Incident.from_json(incident) for incident in raw["open_incidents"]],
            [PendingDelivery.from_json(delivery) for delivery in raw["pending"]],
        )
