"""Alert sinks: the destinations an alert can go to, and the one registry of their kinds.

Each kind is a class with a ``name``, a ``send(alert)`` that raises when delivery fails
(the dispatcher retries it later), and a ``from_spec(spec)`` that reads its keys from the
routes file and its secrets from the environment variables the spec names.
``SINK_BUILDERS`` is the only list of kinds: the routes file accepts exactly these, and
``build_sink`` builds them.

A sink whose secret or address is not set in this environment falls back to a local JSONL
log when the spec names a ``fallback_path``, so the shipped routes work on a fresh clone;
without one, the missing setting is an error.
"""

from __future__ import annotations

import json
import smtplib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Final, Protocol

import dagster as dg
import httpx
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from platform_assets.monitoring.alert import Alert
from platform_assets.owner_only import owner_only_directory, owner_only_opener
from platform_assets.settings import data_path


class AlertRoutesError(ValueError):
    """The routes file cannot be used; the message says which entry and why."""


@dataclass(frozen=True)
class SinkSpec:
    name: str
    kind: str
    paging: bool = False
    config: Mapping[str, Any] = field(default_factory=dict)

    def setting(self, key: str, default: Any = None) -> Any:
        return self.config.get(key, default)

    def required(self, key: str) -> Any:
        value = self.config.get(key)
        if value in (None, "", []):
            raise AlertRoutesError(f"sink {self.name!r} ({self.kind}) needs {key!r}")
        return value

    def from_env(self, key: str, default_variable: str) -> str | None:
        """The value of the environment variable the sink's ``key`` names (or
        ``default_variable``); None when that variable is unset or empty."""
        return dg.EnvVar(str(self.config.get(key, default_variable))).get_value() or None


class AlertSink(Protocol):
    """Delivers an alert or raises; the dispatcher retries a failed delivery later."""

    @property
    def name(self) -> str: ...

    def send(self, alert: Alert) -> None: ...


class SinkUnavailable(Exception):
    """The sink's secret or address is not configured in this environment."""


# jsonl: the local alert log, one JSON object per line. The default sink, so alerts are
# visible on a fresh clone with no account anywhere, and the fallback for a sink whose
# secret is not configured here.

DEFAULT_ALERT_LOG = "alerts.jsonl"


@dataclass(frozen=True)
class JsonlSink:
    name: str
    path: Path
    note: str | None = None
    """Why this log stands in for another sink, when it does."""

    @classmethod
    def from_spec(cls, spec: SinkSpec) -> JsonlSink:
        return cls(spec.name, data_path(str(spec.setting("path", DEFAULT_ALERT_LOG))))

    def send(self, alert: Alert) -> None:
        record = {"sink": self.name, **alert.to_dict()}
        if self.note:
            record["sink_note"] = self.note
        owner_only_directory(self.path.parent)
        with open(self.path, "a", encoding="utf-8", opener=owner_only_opener) as log:
            log.write(json.dumps(record, sort_keys=True) + "\n")


# slack: chat.postMessage through slack_sdk's WebClient (what dagster-slack's SlackResource
# wraps), because its API base URL is configurable: a proxy, Slack GovSlack, or a local
# stand-in in tests.

TOKEN_ENV = "PLATFORM_SLACK_BOT_TOKEN"
BASE_URL_ENV = "PLATFORM_SLACK_API_URL"
SLACK_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class SlackSink:
    name: str
    channel: str
    client: WebClient

    @classmethod
    def from_spec(cls, spec: SinkSpec) -> SlackSink:
        channel = str(spec.required("channel"))
        token = spec.from_env("token_env", TOKEN_ENV)
        if token is None:
            raise SinkUnavailable(f"{spec.setting('token_env', TOKEN_ENV)} is not set")
        client = WebClient(
            token=token,
            base_url=spec.from_env("base_url_env", BASE_URL_ENV) or WebClient.BASE_URL,
            timeout=SLACK_TIMEOUT_SECONDS,
            retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
        )
        return cls(spec.name, channel, client)

    def send(self, alert: Alert) -> None:
        # Raises SlackApiError when Slack answers ok=false (bad channel, revoked token).
        self.client.chat_postMessage(channel=self.channel, text=alert.text())


# email: SMTP through the standard library's smtplib.

HOST_ENV = "PLATFORM_SMTP_HOST"
PORT_ENV = "PLATFORM_SMTP_PORT"
USERNAME_ENV = "PLATFORM_SMTP_USERNAME"
PASSWORD_ENV = "PLATFORM_SMTP_PASSWORD"
DEFAULT_PORT = 587
SMTP_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class EmailSink:
    name: str
    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    starttls: bool = True
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_spec(cls, spec: SinkSpec) -> EmailSink:
        recipients = spec.required("to")
        recipients = (recipients,) if isinstance(recipients, str) else tuple(recipients)
        host = spec.from_env("host_env", HOST_ENV)
        if host is None:
            raise SinkUnavailable(f"{spec.setting('host_env', HOST_ENV)} is not set")
        port = spec.from_env("port_env", PORT_ENV) or DEFAULT_PORT
        try:
            port_number = int(port)
        except ValueError as error:
            raise AlertRoutesError(
                f"sink {spec.name!r}: SMTP port {port!r} is not a number"
            ) from error
        return cls(
            spec.name,
            host,
            port_number,
            str(spec.required("from")),
            recipients,
            bool(spec.setting("starttls", True)),
            spec.from_env("username_env", USERNAME_ENV),
            spec.from_env("password_env", PASSWORD_ENV),
        )

    def send(self, alert: Alert) -> None:
        message = EmailMessage()
        message["Subject"] = alert.title()
        message["From"] = self.sender
        message["To"] = ", ".join(self.recipients)
        message["X-Platform-Alert-Id"] = alert.alert_id
        message.set_content(alert.text())
        with smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username and self.password:
                smtp.login(self.username, self.password)
            smtp.send_message(message)


# webhook: POSTs each alert as JSON to a URL (a pager's events API, a chat webhook, a
# ticketing bridge). A 5xx answer or a network error is retried with backoff; a 4xx is
# not, since sending the same request again cannot fix it.

URL_ENV = "PLATFORM_ALERT_WEBHOOK_URL"
DEFAULT_ATTEMPTS = 3
DEFAULT_BACKOFF_SECONDS = 0.5
WEBHOOK_TIMEOUT_SECONDS = 5.0


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
        with httpx.Client(timeout=WEBHOOK_TIMEOUT_SECONDS) as client:
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


SINK_BUILDERS: Final[dict[str, Callable[[SinkSpec], AlertSink]]] = {
    "jsonl": JsonlSink.from_spec,
    "slack": SlackSink.from_spec,
    "email": EmailSink.from_spec,
    "webhook": WebhookSink.from_spec,
}


def build_sink(spec: SinkSpec) -> AlertSink:
    builder = SINK_BUILDERS.get(spec.kind)
    if builder is None:
        raise AlertRoutesError(f"sink {spec.name!r}: no builder for kind {spec.kind!r}")
    try:
        return builder(spec)
    except SinkUnavailable as unavailable:
        fallback = spec.setting("fallback_path")
        if not fallback:
            raise AlertRoutesError(
                f"sink {spec.name!r} ({spec.kind}) cannot be used: {unavailable}; set it, or "
                "give the sink a fallback_path"
            ) from unavailable
        note = f"{spec.kind} sink not configured here ({unavailable}); logged instead"
        return JsonlSink(spec.name, data_path(str(fallback)), note)
