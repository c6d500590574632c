"""Late data alerts: the real freshness daemon evaluates a GA asset's policy (derived from
its Sla: WARN at 1.5 h, FAIL at 2 h) with the clock moved forward, and the sensor turns
its state changes into a warning, an escalation that pages, and a resolution.

Dagster 1.13 has no public way to evaluate freshness or to shift its clock: the test runs
``FreshnessDaemon.run_iteration`` (what ``dagster dev`` runs) against a workspace loaded
from a file, under ``dagster._core.test_utils.freeze_time``, the clock Dagster's own
tests freeze.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.test_utils import freeze_time
from dagster._core.workspace.context import WorkspaceProcessContext
from dagster._core.workspace.load_target import PythonFileTarget
from dagster._daemon.freshness import FreshnessDaemon

from tests.monitoring.sensor_harness import AlertSensorHarness, Clock, read_jsonl
from tests.monitoring.staged_assets import materialize

HOUR = 3600.0
REPO_ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def freshness_daemon(instance: dg.DagsterInstance) -> Iterator[Callable[[float], None]]:
    """``evaluate_at(t)`` runs one daemon iteration as if the time were ``t``."""
    target = PythonFileTarget(
        python_file=str(Path(__file__).with_name("freshness_location.py")),
        attribute="defs",
        working_directory=str(REPO_ROOT),
        location_name="monitoring_freshness_test",
    )
    with WorkspaceProcessContext(instance, target) as workspace:

        def evaluate_at(timestamp: float) -> None:
            with freeze_time(timestamp):
                list(FreshnessDaemon().run_iteration(workspace))

        yield evaluate_at


@pytest.fixture
def location(monkeypatch, make_source):
    source = make_source("fresh_rows")
    monkeypatch.setenv("MONITORING_TEST_ROWS", str(source.path))
    return importlib.reload(importlib.import_module("tests.monitoring.freshness_location"))


def test_late_data_warns_then_pages_then_resolves(instance, location, resources, alert_logs):
    clock = Clock(0.0)
    sensor = AlertSensorHarness(
        instance, [location.fresh_rows], alert_logs.routes, resources, clock
    )
    start = time.time()
    sensor.tick()
    with freeze_time(start):
        assert materialize(instance, [location.fresh_rows], resources).success

    with freshness_daemon(instance) as evaluate_at:
        evaluate_at(start)  # UNKNOWN -> PASS: nothing to say
        clock.now = start + 60
        sensor.tick()
        assert read_jsonl(alert_logs.local_log) == []

        evaluate_at(start + 1.6 * HOUR)  # past the warn window
        clock.now = start + 1.6 * HOUR + 7
        sensor.tick()
        evaluate_at(start + 2.5 * HOUR)  # past the fail window
        clock.now = start + 2.5 * HOUR + 20
        sensor.tick()

        with freeze_time(start + 3 * HOUR):
            assert materialize(instance, [location.fresh_rows], resources).success
        evaluate_at(start + 3 * HOUR + 30)
        clock.now = start + 3 * HOUR + 35
        sensor.tick()

    def seen(path):
        return [(a["kind"], a["severity"]) for a in read_jsonl(path)]

    lifecycle = [("opened", "warning"), ("escalated", "critical"), ("resolved", "critical")]
    assert seen(alert_logs.local_log) == lifecycle
    assert seen(alert_logs.team_channel) == lifecycle
    assert seen(alert_logs.pager) == lifecycle[1:], "a warning does not page"

    opened, escalated, resolved = read_jsonl(alert_logs.team_channel)
    assert {a["condition"] for a in (opened, escalated, resolved)} == {"freshness"}
    assert opened["alert_id"] == escalated["alert_id"] == resolved["alert_id"]
    assert opened["event_timestamp"] == pytest.approx(start + 1.6 * HOUR)
    assert opened["time_to_detect_seconds"] == pytest.approx(7)
    assert escalated["time_to_detect_seconds"] == pytest.approx(20)
    assert resolved["time_to_resolve_seconds"] == pytest.approx(1.4 * HOUR + 30)
