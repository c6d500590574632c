"""The alert sensor: failed checks, late data and failed runs of staged assets become
alerts routed by the asset's delivery stage.

Open-source Dagster has no alerting on failed checks or freshness, and a failed check
does not fail its run, so a run-failure sensor never hears of it. This sensor reads the
instance's event records with a cursor and routes what it finds through the alert routes
file: POC assets are silent, Alpha notifies its owner in the log, Beta reaches the team
channel, GA pages as well (for critical conditions).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import dagster as dg

from platform_assets.environments import current_alert_routes
from platform_assets.monitoring.alert import Alert, record_alert
from platform_assets.monitoring.alert_dispatch import AlertDispatcher, PendingDelivery
from platform_assets.monitoring.alert_routes import AlertRoutes
from platform_assets.monitoring.asset_routing import routing_by_asset
from platform_assets.monitoring.history import (
    TailPosition,
    condition_events,
    read_new_records,
    start_watching,
)
from platform_assets.monitoring.incidents import Incident, IncidentTracker

DEFAULT_SENSOR_NAME = "stage_alerts"
DEFAULT_INTERVAL_SECONDS = 30
STATE_VERSION: Final = 1


@dataclass
class AlertSensorState:
    """The sensor's memory, kept in its cursor as JSON so it survives restarts.

    Dagster stores the cursor with each tick: where each event stream was read up to, which
    runs are still being followed, the open incidents, and deliveries awaiting a retry. A
    sensor restarted from its cursor neither repeats an alert nor misses an event that
    happened while it was down.
    """

    position: TailPosition
    open_incidents: list[Incident] = field(default_factory=list)
    pending: list[PendingDelivery] = field(default_factory=list)

    def to_cursor(self) -> str:
        return json.dumps(
            {
                "version": STATE_VERSION,
                "runless_cursor": self.position.runless_cursor,
                "run_status_cursors": self.position.run_status_cursors,
                "active_runs": self.position.active_runs,
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
            TailPosition(
                raw["runless_cursor"], dict(raw["run_status_cursors"]), dict(raw["active_runs"])
            ),
            [Incident.from_json(incident) for incident in raw["open_incidents"]],
            [PendingDelivery.from_json(delivery) for delivery in raw["pending"]],
        )


def build_alert_sensor(
    routes_path: Path | None = None,
    *,
    name: str = DEFAULT_SENSOR_NAME,
    minimum_interval_seconds: int = DEFAULT_INTERVAL_SECONDS,
    clock: Callable[[], float] = time.time,
) -> dg.SensorDefinition:
    """The alert sensor for the code location it is defined in.

    ``routes_path`` defaults to the environment's (``current_alert_routes()``) and is
    re-read on every tick, so editing routes needs no redeploy. ``clock`` stamps detection
    times (tests hand in a controlled one to measure time to detect exactly).
    """

    @dg.sensor(
        name=name,
        minimum_interval_seconds=minimum_interval_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING,
        owners=["team:platform"],
        description=(
            "Turns failed asset checks, freshness WARN/FAIL and failed runs of staged assets "
            "into alerts routed by delivery stage (config/alert_routes.yaml)."
        ),
    )
    def alert_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
        if context.cursor is None:
            position = start_watching(context.instance)
            return dg.SensorResult(
                cursor=AlertSensorState(position).to_cursor(),
                skip_reason=f"started watching; following {len(position.active_runs)} runs in "
                "flight",
            )
        if context.repository_def is None:
            raise dg.DagsterInvariantViolationError(
                f"sensor {name} reads asset tags from its code location's definitions"
            )
        state = AlertSensorState.from_cursor(context.cursor)
        routes = AlertRoutes.load(routes_path or current_alert_routes())
        dispatcher = AlertDispatcher(routes, context.log)
        state.pending = dispatcher.retry(state.pending)

        routing = routing_by_asset(context.repository_def)
        alerted = {
            key for key, asset in routing.items() if routes.sinks_for(asset.route, asset.owners)
        }
        # An asset demoted to POC, or removed, no longer alerts: its incidents are dropped.
        tracker = IncidentTracker(i for i in state.open_incidents if i.asset_key in alerted)
        records = [
            r for r in read_new_records(context.instance, state.position) if r.asset_key in alerted
        ]
        alerts = [
            Alert.from_transition(t, routing[t.incident.asset_key], clock())
            for t in tracker.observe_all(condition_events(records))
        ]
        state.open_incidents = tracker.open_incidents
        for alert in alerts:
            state.pending.extend(dispatcher.deliver(alert))
            record_alert(context.instance, alert)
        return dg.SensorResult(
            cursor=state.to_cursor(),
            skip_reason=(
                f"{len(records)} events, {len(alerts)} alerts, "
                f"{len(state.open_incidents)} open incidents, {len(state.pending)} deliveries "
                "to retry"
            ),
        )

    return alert_sensor
