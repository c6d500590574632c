"""One alert per (asset, condition) however often it fails, a resolution notice when it
clears, and a cursor that carries all of it across sensor restarts."""

from __future__ import annotations

import pytest

from platform_assets.monitoring.history import read_alerts
from platform_assets.stages import DeliveryStage
from tests.monitoring.scenarios import open_schema_alert
from tests.monitoring.sensor_harness import (
    AlertSensorHarness,
    Clock,
    check_evaluated_at,
    read_jsonl,
    skip_message,
)
from tests.monitoring.staged_assets import SCHEMA_CHECK, materialize, rows_asset


def kinds(path):
    return [(a["asset_key"], a["condition"], a["kind"]) for a in read_jsonl(path)]


def test_repeated_failures_alert_once_and_resolve_once(
    instance, resources, alert_logs, make_source
):
    alert = open_schema_alert(instance, resources, alert_logs.routes, make_source)
    source, asset, sensor, first = alert.source, alert.asset, alert.sensor, alert.failed_run
    materialize(instance, [asset], resources)  # fails the same check again...
    materialize(instance, [asset], resources)
    sensor.tick()  # ...and the channel hears nothing new
    source.healthy()
    passed = materialize(instance, [asset], resources)
    assert passed.success
    sensor.tick()

    expected = [
        ("raw/ga_rows", SCHEMA_CHECK, "opened"),
        ("raw/ga_rows", SCHEMA_CHECK, "resolved"),
    ]
    assert kinds(alert_logs.team_channel) == expected
    assert kinds(alert_logs.pager) == expected, "a paged incident is resolved on the pager too"
    opened, resolved = read_jsonl(alert_logs.team_channel)
    assert opened["alert_id"] == resolved["alert_id"]
    assert resolved["failures_seen"] == 3
    check_times = [
        check_evaluated_at(instance, run.run_id, "pandera_schema") for run in (first, passed)
    ]
    assert resolved["failing_since"] == check_times[0]
    assert resolved["event_timestamp"] == check_times[1]
    assert resolved["time_to_resolve_seconds"] == pytest.approx(check_times[1] - check_times[0])


def test_a_backfill_failing_many_partitions_opens_one_alert(
    instance, resources, alert_logs, make_source
):
    source = make_source("daily_rows")
    partitions = ["2026-11-01", "2026-11-02", "2026-11-03"]
    asset = rows_asset("daily_rows", DeliveryStage.BETA, source, partitions=partitions)
    sensor = AlertSensorHarness(instance, [asset], alert_logs.routes, resources)
    sensor.tick()

    source.remove()
    for partition in partitions:
        assert not materialize(instance, [asset], resources, partition).success
    sensor.tick()
    source.healthy()
    materialize(instance, [asset], resources, partitions[0])
    materialize(instance, [asset], resources, partitions[1])
    sensor.tick()
    assert kinds(alert_logs.team_channel) == [("raw/daily_rows", "run_failure", "opened")]
    [opened] = read_jsonl(alert_logs.team_channel)
    assert opened["failing_partitions"] == partitions, "one alert naming every failed partition"

    materialize(instance, [asset], resources, partitions[2])
    sensor.tick()
    assert kinds(alert_logs.team_channel)[-1] == ("raw/daily_rows", "run_failure", "resolved")


def test_a_restarted_sensor_neither_repeats_nor_loses_alerts(
    instance, resources, alert_logs, make_source
):
    sources = {name: make_source(name) for name in ("orders", "customers")}
    assets = [rows_asset(name, DeliveryStage.BETA, sources[name]) for name in sources]
    orders, customers = assets
    sensor = AlertSensorHarness(instance, assets, alert_logs.routes, resources)
    sensor.tick()
    sources["orders"].duplicated()
    materialize(instance, [orders], resources)
    sensor.tick()
    assert kinds(alert_logs.team_channel) == [("raw/orders", SCHEMA_CHECK, "opened")]

    # The daemon stops; meanwhile orders fails again and customers fails for the first time.
    materialize(instance, [orders], resources)
    sources["customers"].duplicated()
    materialize(instance, [customers], resources)
    restarted = sensor.restarted()
    restarted.tick()
    restarted.tick()

    assert kinds(alert_logs.team_channel) == [
        ("raw/orders", SCHEMA_CHECK, "opened"),
        ("raw/customers", SCHEMA_CHECK, "opened"),
    ]
    # The open incident survived the restart: it still resolves.
    sources["orders"].healthy()
    materialize(instance, [orders], resources)
    restarted.restarted().tick()
    assert kinds(alert_logs.team_channel)[-1] == ("raw/orders", SCHEMA_CHECK, "resolved")


def test_undelivered_alerts_are_retried_on_later_ticks(
    instance, resources, tmp_path, make_source, http_server
):
    routes = tmp_path / "webhook_routes.yaml"
    routes.write_text(
        f"""\
sinks:
  pager: {{kind: webhook, paging: true, url: "{http_server.base_url}/events", attempts: 1}}
routes:
  team-channel: {{sinks: [pager]}}
"""
    )
    sources = {name: make_source(name) for name in ("orders", "customers")}
    assets = [rows_asset(name, DeliveryStage.BETA, sources[name]) for name in sources]
    sensor = AlertSensorHarness(instance, assets, routes, resources)
    sensor.tick()
    for source in sources.values():
        source.duplicated()
    materialize(instance, assets, resources)

    http_server.default_status = 503
    assert "2 deliveries to retry" in skip_message(sensor.tick())
    assert len(http_server.requests) == 1, "after a failure the tick stops calling the sink"
    sensor = sensor.restarted()  # pending deliveries survive a restart
    assert "2 deliveries to retry" in skip_message(sensor.tick())
    assert len(http_server.requests) == 2
    http_server.default_status = 200
    assert "0 deliveries to retry" in skip_message(sensor.tick())
    sensor.tick()

    delivered = [request.body for request in http_server.requests[2:]]
    assert sorted(body["asset_key"] for body in delivered) == ["raw/customers", "raw/orders"]
    assert all(body["kind"] == "opened" for body in delivered)
    first_try = http_server.requests[0].body
    assert first_try in delivered, "the retried alert is the same alert, with the same id"


def test_alerts_are_recorded_in_the_instance_with_their_time_to_detect(
    instance, resources, alert_logs, make_source
):
    source = make_source("orders")
    asset = rows_asset("orders", DeliveryStage.BETA, source)
    clock = Clock(0.0)
    sensor = AlertSensorHarness(instance, [asset], alert_logs.routes, resources, clock)
    sensor.tick()
    source.duplicated()
    run = materialize(instance, [asset], resources)
    failed_at = check_evaluated_at(instance, run.run_id, "pandera_schema")
    clock.now = failed_at + 42.0
    sensor.tick()

    [alert] = read_alerts(instance, asset.key, failed_at - 1, failed_at + 3600)
    assert alert.condition == SCHEMA_CHECK
    assert alert.time_to_detect_seconds == pytest.approx(42.0)
    assert read_jsonl(alert_logs.team_channel)[0]["time_to_detect_seconds"] == pytest.approx(42.0)


def test_a_run_that_failed_before_starting_alerts_too(instance, resources, alert_logs, make_source):
    source = make_source("orders")
    asset = rows_asset("orders", DeliveryStage.BETA, source)
    sensor = AlertSensorHarness(instance, [asset], alert_logs.routes, resources)
    sensor.tick()
    job = sensor.definitions.resolve_implicit_global_asset_job_def()
    # What a run launcher does when it cannot launch: the run is failed, never started.
    run = instance.create_run_for_job(job_def=job, asset_selection=frozenset({asset.key}))
    instance.report_run_failed(run)
    sensor.tick()

    [alert] = read_jsonl(alert_logs.team_channel)
    assert (alert["condition"], alert["run_id"]) == ("run_failure", run.run_id)
