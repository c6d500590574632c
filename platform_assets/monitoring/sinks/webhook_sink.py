"""POSTs each alert as JSON to a URL (a pager's events API, a chat webhook, a ticketing
bridge). A 5xx answer or a network error is retried with backoff; a 4xx is not, since
sending the same request again cannot fix it."""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from platform_assets.monitoring.alert import Alert
from platform_assets.monitoring.alert_routes import SinkSpec
from platform_assets.monitoring.sinks.alert_sink import SinkUnavailable

URL_ENV = "PLATFORM_ALERT_WEBHOOK_URL"
DEFAULT_ATTEMPTS = 3
DEFAULT_BACKOFF_SECONDS = 0.5
TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class WebhookSink:
    name: str
    url: str
    attempts: int = DEFAULT_ATTEMPTS
    backoff_seconds: float = DEFAULT_BACKOFF_SECONDS

    @classmethod
    def from_spec(cls, spec: SinkSpec) -> WebhookSink:
        url = spec.setting("url") or spec.from_env("url_env", URL_ENV)
        if not url:
            raise SinkUnavailable(f"{spec.setting('url_env', URL_ENV)} is not set")
        return cls(
            spec.name,
            str(url),
            int(spec.setting("attempts", DEFAULT_ATTEMPTS)),
            float(spec.setting("backoff_seconds", DEFAULT_BACKOFF_SECONDS)),
        )

    def send(self, alert: Alert) -> None:
        with httpx.Client(timeout=TIMEOUT_SECONDS) as client:
            for attempt in range(1, self.attempts + 1):
                try:
                    response = client.post(self.url, json=alert.to_dict())
                except httpx.TransportError:
                    if attempt == self.attempts:
                        raise
                else:
                    if response.status_code < 500 or attempt == self.attempts:
                        response.raise_for_status()
                        return
                time.sleep(self.backoff_seconds * 2 ** (attempt - 1))
