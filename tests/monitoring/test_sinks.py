"""Each sink against a loopback server speaking its real protocol."""

from __future__ import annotations

import json

import httpx
import pytest
from slack_sdk.errors import SlackApiError

from platform_assets.monitoring import Alert, AlertRoutes, AlertRoutesError, SinkSpec, build_sink
from platform_assets.monitoring.incidents import Severity, TransitionKind
from platform_assets.monitoring.sinks import SINK_BUILDERS
from tests.monitoring.sensor_harness import read_jsonl

ALERT = Alert(
    alert_id="0123456789abcdef",
    kind=TransitionKind.OPENED,
    asset_key="marts/orders",
    condition="check:pandera_schema",
    severity=Severity.CRITICAL,
    stage="GA",
    route="paging",
    owners=("team:orders", "orders-lead@example.com"),
    summary="check pandera_schema failed: 2 of 3 rows fail: id fails field_uniqueness",
    failing_since=1_800_000_000.0,
    event_timestamp=1_800_000_000.0,
    detected_at=1_800_000_012.5,
    run_id="run-1",
)


@pytest.mark.parametrize("kind", sorted(SINK_BUILDERS))
def test_the_routes_file_accepts_every_registered_sink_kind(kind):
    routes = AlertRoutes.from_document({"sinks": {"out": {"kind": kind}}})
    assert routes.sinks["out"].kind == kind


def test_the_routes_file_rejects_a_kind_with_no_builder_naming_the_registered_ones():
    with pytest.raises(AlertRoutesError) as error:
        AlertRoutes.from_document({"sinks": {"out": {"kind": "carrier-pigeon"}}})
    assert "'carrier-pigeon'" in str(error.value)
    assert ", ".join(sorted(SINK_BUILDERS)) in str(error.value)


def webhook(url: str, **config) -> SinkSpec:
    return SinkSpec("pager", "webhook", True, {"url": url, "backoff_seconds": 0, **config})


def test_webhook_posts_the_alert_as_json_and_retries_server_errors(http_server):
    http_server.scripted_statuses = [503, 502]
    build_sink(webhook(f"{http_server.base_url}/hooks/alerts")).send(ALERT)

    assert [r.path for r in http_server.requests] == ["/hooks/alerts"] * 3
    assert all(r.body == http_server.requests[0].body for r in http_server.requests)
    body = http_server.requests[0].body
    assert body["alert_id"] == ALERT.alert_id
    assert body["time_to_detect_seconds"] == 12.5
    assert Alert.from_dict(body) == ALERT


def test_webhook_gives_up_after_its_attempts(http_server):
    http_server.default_status = 503
    with pytest.raises(httpx.HTTPStatusError):
        build_sink(webhook(f"{http_server.base_url}/hook", attempts=2)).send(ALERT)
    assert len(http_server.requests) == 2


def test_webhook_does_not_retry_a_client_error(http_server):
    http_server.default_status = 400
    with pytest.raises(httpx.HTTPStatusError):
        build_sink(webhook(f"{http_server.base_url}/hook")).send(ALERT)
    assert len(http_server.requests) == 1


def test_webhook_url_comes_from_the_environment(http_server, monkeypatch):
    monkeypatch.setenv("PAGER_URL", f"{http_server.base_url}/from-env")
    spec = SinkSpec("pager", "webhook", True, {"url_env": "PAGER_URL", "backoff_seconds": 0})
    build_sink(spec).send(ALERT)
    assert [r.path for r in http_server.requests] == ["/from-env"]


def slack(**config) -> SinkSpec:
    return SinkSpec("team_channel", "slack", False, {"channel": "#data-alerts", **config})


def test_slack_posts_to_the_channel_with_the_bot_token(http_server, monkeypatch):
    monkeypatch.setenv("PLATFORM_SLACK_BOT_TOKEN", "xoxb-test-token")
    monkeypatch.setenv("PLATFORM_SLACK_API_URL", f"{http_server.base_url}/api/")
    http_server.answer = {"ok": True, "channel": "C1", "ts": "1800000012.000100"}
    build_sink(slack()).send(ALERT)

    [request] = http_server.requests
    assert request.path == "/api/chat.postMessage"
    assert request.headers["Authorization"] == "Bearer xoxb-test-token"
    assert request.body["channel"] == "#data-alerts"
    assert request.body["text"] == ALERT.text()
    assert "[GA] CRITICAL marts/orders" in request.body["text"]


def test_slack_raises_when_slack_refuses(http_server, monkeypatch):
    monkeypatch.setenv("PLATFORM_SLACK_BOT_TOKEN", "xoxb-test-token")
    monkeypatch.setenv("PLATFORM_SLACK_API_URL", f"{http_server.base_url}/api/")
    http_server.answer = {"ok": False, "error": "channel_not_found"}
    with pytest.raises(SlackApiError, match="channel_not_found"):
        build_sink(slack()).send(ALERT)


def test_email_is_sent_over_smtp(smtp, monkeypatch):
    monkeypatch.setenv("PLATFORM_SMTP_HOST", smtp.host)
    monkeypatch.setenv("PLATFORM_SMTP_PORT", str(smtp.port))
    spec = SinkSpec(
        "owner_mail",
        "email",
        False,
        {"from": "alerts@example.com", "to": ["orders-lead@example.com"], "starttls": False},
    )
    build_sink(spec).send(ALERT)

    [mail] = smtp.received
    assert mail.sender == "alerts@example.com"
    assert mail.recipients == ["orders-lead@example.com"]
    assert mail.message["Subject"] == ALERT.title()
    assert mail.message["X-Platform-Alert-Id"] == ALERT.alert_id
    assert "detected 12 s after the event" in mail.message.get_content()


def test_jsonl_appends_one_alert_per_line(tmp_path):
    sink = build_sink(SinkSpec("local_log", "jsonl", False, {"path": str(tmp_path / "a.jsonl")}))
    sink.send(ALERT)
    sink.send(ALERT)
    lines = read_jsonl(tmp_path / "a.jsonl")
    assert len(lines) == 2
    assert lines[0]["sink"] == "local_log" and lines[0]["alert_id"] == ALERT.alert_id


def test_an_unconfigured_sink_falls_back_to_its_log(tmp_path, monkeypatch):
    monkeypatch.delenv("PLATFORM_SLACK_BOT_TOKEN", raising=False)
    fallback = tmp_path / "team.jsonl"
    build_sink(slack(fallback_path=str(fallback))).send(ALERT)
    [logged] = read_jsonl(fallback)
    assert logged["sink"] == "team_channel"
    assert "PLATFORM_SLACK_BOT_TOKEN is not set" in logged["sink_note"]


def test_an_unconfigured_sink_without_fallback_is_an_error(monkeypatch):
    monkeypatch.delenv("PLATFORM_SLACK_BOT_TOKEN", raising=False)
    with pytest.raises(AlertRoutesError, match="PLATFORM_SLACK_BOT_TOKEN"):
        build_sink(slack())


def test_a_sink_missing_a_required_setting_is_an_error():
    with pytest.raises(AlertRoutesError, match="'channel'"):
        build_sink(SinkSpec("team_channel", "slack", False, {}))


def test_the_alert_round_trips_through_json():
    assert Alert.from_dict(json.loads(json.dumps(ALERT.to_dict()))) == ALERT
