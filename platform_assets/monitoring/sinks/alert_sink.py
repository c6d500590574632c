"""The one interface every alert destination implements."""

from __future__ import annotations

from typing import Protocol

from platform_assets.monitoring.alert import Alert


class AlertSink(Protocol):
    """Delivers an alert or raises; the dispatcher retries a failed delivery later."""

    @property
    def name(self) -> str: ...

    def send(self, alert: Alert) -> None: ...


class SinkUnavailable(Exception):
    """The sink's secret or address is not configured in this environment."""
