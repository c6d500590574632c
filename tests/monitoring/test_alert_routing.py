"""A failed check reaches the sinks its asset's delivery stage asks for, and no others."""

from __future__ import annotations

import time

from platform_assets.stages import DeliveryStage
from tests.monitoring.sensor_harness import AlertSensorHarness, read_jsonl
from tests.monitoring.staged_assets import OWNERS, SCHEMA_CHECK, materialize, rows_asset


def test_failed_checks_are_routed_by_stage(instance, resources, alert_logs, make_source):
    stages = {
        "poc_rows": DeliveryStage.POC,
        "alpha_rows": DeliveryStage.ALPHA,
        "beta_rows": DeliveryStage.BETA,
        "ga_rows": DeliveryStage.GA,
    }
    sources = {name: make_source(name) for name in stages}
    assets = [rows_asset(name, stage, sources[name]) for name, stage in stages.items()]
    sensor = AlertSensorHarness(instance, assets, alert_logs.routes, resources)
    sensor.tick()  # the first tick starts watching from now

    for source in sources.values():
        source.duplicated()
    failed_at = time.time()
    result = materialize(instance, assets, resources)
    assert not result.success, "Beta and GA key checks block, so the run fails"
    sensor.tick()
    detected_by = time.time()

    def alerted(path):
        return sorted(a["asset_key"] for a in read_jsonl(path))

    assert alerted(alert_logs.local_log) == ["raw/alpha_rows", "raw/beta_rows", "raw/ga_rows"]
    assert alerted(alert_logs.team_channel) == ["raw/beta_rows", "raw/ga_rows"]
    assert alerted(alert_logs.pager) == ["raw/ga_rows"]

    by_asset = {a["asset_key"]: a for a in read_jsonl(alert_logs.local_log)}
    assert by_asset["raw/alpha_rows"]["severity"] == "warning", "Alpha checks only warn"
    assert by_asset["raw/alpha_rows"]["route"] == "owner-notice"
    assert by_asset["raw/ga_rows"]["severity"] == "critical"
    assert by_asset["raw/ga_rows"]["stage"] == "GA"
    for alert in by_asset.values():
        assert alert["kind"] == "opened"
        assert alert["condition"] == SCHEMA_CHECK
        assert alert["owners"] == list(OWNERS)
        assert "2 of 3 rows fail" in alert["summary"]
        assert failed_at <= alert["event_timestamp"] <= alert["detected_at"] <= detected_by
        assert alert["time_to_detect_seconds"] == (alert["detected_at"] - alert["event_timestamp"])


def test_a_failed_run_alerts_for_the_assets_it_failed_to_materialize(
    instance, resources, alert_logs, make_source
):
    sources = {name: make_source(name) for name in ("poc_rows", "alpha_rows")}
    assets = [
        rows_asset("poc_rows", DeliveryStage.POC, sources["poc_rows"]),
        rows_asset("alpha_rows", DeliveryStage.ALPHA, sources["alpha_rows"]),
    ]
    sensor = AlertSensorHarness(instance, assets, alert_logs.routes, resources)
    sensor.tick()
    for source in sources.values():
        source.remove()
    run = materialize(instance, assets, resources)
    assert not run.success
    sensor.tick()

    alerts = read_jsonl(alert_logs.local_log)
    assert [(a["asset_key"], a["condition"], a["run_id"]) for a in alerts] == [
        ("raw/alpha_rows", "run_failure", run.run_id)
    ]
    assert alerts[0]["event_timestamp"] == instance.get_run_record_by_id(run.run_id).end_time
    assert read_jsonl(alert_logs.team_channel) == []


def test_a_ga_failure_reaches_slack_email_and_the_pager(
    instance, resources, tmp_path, make_source, http_server, smtp, monkeypatch
):
    monkeypatch.setenv("PLATFORM_SLACK_BOT_TOKEN", "xoxb-test-token")
    monkeypatch.setenv("PLATFORM_SLACK_API_URL", f"{http_server.base_url}/slack/api/")
    monkeypatch.setenv("PAGER_URL", f"{http_server.base_url}/pager")
    monkeypatch.setenv("PLATFORM_SMTP_HOST", smtp.host)
    monkeypatch.setenv("PLATFORM_SMTP_PORT", str(smtp.port))
    routes = tmp_path / "routes.yaml"
    routes.write_text(
        """\
sinks:
  team_channel: {kind: slack, channel: "#orders"}
  owner_mail: {kind: email, from: alerts@example.com, to: [orders-lead@example.com],
               starttls: false}
  pager: {kind: webhook, paging: true, url_env: PAGER_URL}
routes:
  paging: {sinks: [team_channel, owner_mail, pager]}
"""
    )
    source = make_source("orders")
    asset = rows_asset("orders", DeliveryStage.GA, source)
    sensor = AlertSensorHarness(instance, [asset], routes, resources)
    sensor.tick()
    source.duplicated()
    materialize(instance, [asset], resources)
    sensor.tick()

    slack_post, page = sorted(http_server.requests, key=lambda r: r.path, reverse=True)
    assert slack_post.path == "/slack/api/chat.postMessage"
    assert slack_post.body["channel"] == "#orders"
    assert slack_post.body["text"].startswith("[GA] CRITICAL raw/orders: check pandera_schema")
    assert page.path == "/pager"
    assert (page.body["asset_key"], page.body["kind"]) == ("raw/orders", "opened")
    [mail] = smtp.received
    assert mail.recipients == ["orders-lead@example.com"]
    assert f"alert id: {page.body['alert_id']}" in mail.message.get_content()
