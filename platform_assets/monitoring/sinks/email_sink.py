"""Sends alerts by email over SMTP (the standard library's smtplib)."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from platform_assets.monitoring.alert import Alert
from platform_assets.monitoring.alert_routes import AlertRoutesError, SinkSpec
from platform_assets.monitoring.sinks.alert_sink import SinkUnavailable

HOST_ENV = "PLATFORM_SMTP_HOST"
PORT_ENV = "PLATFORM_SMTP_PORT"
USERNAME_ENV = "PLATFORM_SMTP_USERNAME"
PASSWORD_ENV = "PLATFORM_SMTP_PASSWORD"
DEFAULT_PORT = 587
TIMEOUT_SECONDS = 10


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
        with smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username and self.password:
                smtp.login(self.username, self.password)
            smtp.send_message(message)
