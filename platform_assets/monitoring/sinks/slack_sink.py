"""Posts alerts to a Slack channel with ``chat.postMessage``.

Uses slack_sdk's ``WebClient`` (what dagster-slack's ``SlackResource`` wraps) because its
API base URL is configurable: a proxy, Slack GovSlack, or a local stand-in in tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from platform_assets.monitoring.alert import Alert
from platform_assets.monitoring.alert_routes import SinkSpec
from platform_assets.monitoring.sinks.alert_sink import SinkUnavailable

TOKEN_ENV = "PLATFORM_SLACK_BOT_TOKEN"
BASE_URL_ENV = "PLATFORM_SLACK_API_URL"
TIMEOUT_SECONDS = 10


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
            timeout=TIMEOUT_SECONDS,
            retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
        )
        return cls(spec.name, channel, client)

    def send(self, alert: Alert) -> None:
        # Raises SlackApiError when Slack answers ok=false (bad channel, revoked token).
        self.client.chat_postMessage(channel=self.channel, text=alert.text())
