"""Delivers alerts to the sinks of their route, and keeps failed deliveries for a retry.

Paging sinks get critical alerts only (and the resolution of a critical incident), so a
freshness warning reaches the channel without waking anyone. A delivery that raises is
kept in the sensor's state and retried on later ticks instead of being lost, up to
``MAX_DELIVERY_ATTEMPTS`` times. Once a sink has failed in a tick, the tick's other alerts
for it wait for the next tick without trying: a pager that times out must not make the
tick outlast the sensor's time limit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Final

from platform_assets.monitoring.alert import Alert
from platform_assets.monitoring.alert_routes import AlertRoutes
from platform_assets.monitoring.incidents import Severity
from platform_assets.monitoring.sinks import AlertSink, SinkSpec, build_sink

#: With the sensor's 30 s interval, a sink may be down about five minutes before an
#: alert to it is given up (and logged as an error).
MAX_DELIVERY_ATTEMPTS: Final = 10


@dataclass(frozen=True)
class PendingDelivery:
    alert: Alert
    sink: str
    attempts: int
    last_error: str

    def to_json(self) -> dict[str, Any]:
        return {
            "alert": self.alert.to_dict(),
            "sink": self.sink,
            "attempts": self.attempts,
            "last_error": self.last_error,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> PendingDelivery:
        return cls(Alert.from_dict(raw["alert"]), raw["sink"], raw["attempts"], raw["last_error"])


class AlertDispatcher:
    def __init__(self, routes: AlertRoutes, log: logging.Logger) -> None:
        self._routes = routes
        self._log = log
        self._sinks: dict[str, AlertSink] = {}
        self._failed_this_tick: set[str] = set()

    def sinks_for(self, alert: Alert) -> list[SinkSpec]:
        specs = self._routes.sinks_for(alert.route, alert.owners)
        return [s for s in specs if not s.paging or alert.severity is Severity.CRITICAL]

    def deliver(self, alert: Alert) -> list[PendingDelivery]:
        """Sends ``alert`` to every sink of its route; returns the deliveries that failed."""
        failed = (self._attempt(alert, spec.name, 0) for spec in self.sinks_for(alert))
        return [pending for pending in failed if pending is not None]

    def retry(self, pending: list[PendingDelivery]) -> list[PendingDelivery]:
        still_pending = []
        for delivery in pending:
            if delivery.sink not in self._routes.sinks:
                self._log.warning(
                    f"dropping alert {delivery.alert.alert_id} for sink {delivery.sink!r}: "
                    "the sink is no longer in the routes file"
                )
                continue
            retried = self._attempt(delivery.alert, delivery.sink, delivery.attempts)
            if retried is not None:
                still_pending.append(retried)
        return still_pending

    def _attempt(self, alert: Alert, sink_name: str, attempts: int) -> PendingDelivery | None:
        if sink_name in self._failed_this_tick:
            return PendingDelivery(alert, sink_name, attempts, "sink failed earlier this tick")
        try:
            self._sink(sink_name).send(alert)
        except Exception as error:
            self._failed_this_tick.add(sink_name)
            attempts += 1
            message = f"{type(error).__name__}: {error}"
            if attempts >= MAX_DELIVERY_ATTEMPTS:
                self._log.error(
                    f"giving up on alert {alert.alert_id} ({alert.title()}) for sink "
                    f"{sink_name!r} after {attempts} attempts: {message}"
                )
                return None
            self._log.warning(
                f"alert {alert.alert_id} not delivered to {sink_name!r} (attempt {attempts}): "
                f"{message}; retrying next tick"
            )
            return PendingDelivery(alert, sink_name, attempts, message)
        return None

    def _sink(self, name: str) -> AlertSink:
        if name not in self._sinks:
            self._sinks[name] = build_sink(self._routes.sinks[name])
        return self._sinks[name]
