"""Histories the monitoring tests build on either instance backend (the SQLite default of
conftest.py, PostgreSQL in test_postgres_instance.py): real runs of one GA asset watched
by the alert sensor."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

# Test-only: Dagster has no public way to move its clock, and attainment is history.
from dagster._core.test_utils import freeze_time

from platform_assets.stages import DeliveryStage
from tests.monitoring.sensor_harness import AlertSensorHarness, Clock
from tests.monitoring.staged_assets import RowSource, materialize, rows_asset

HOUR = 3600.0


@dataclass(frozen=True)
class OpenedAlert:
    source: RowSource
    asset: dg.AssetsDefinition
    sensor: AlertSensorHarness
    failed_run: dg.ExecuteInProcessResult


def open_schema_alert(
    instance: dg.DagsterInstance,
    resources: dict[str, object],
    routes: Path,
    make_source: Callable[[str], RowSource],
) -> OpenedAlert:
    """``ga_rows`` watched by the sensor, then materialized from a source with a duplicate
    key: its schema check fails and the next tick opens the alert."""
    source = make_source("ga_rows")
    asset = rows_asset("ga_rows", DeliveryStage.GA, source)
    sensor = AlertSensorHarness(instance, [asset], routes, resources)
    sensor.tick()
    source.duplicated()
    failed_run = materialize(instance, [asset], resources)
    sensor.tick()
    return OpenedAlert(source, asset, sensor, failed_run)


def run_attainment_scenario(
    instance: dg.DagsterInstance,
    resources: dict[str, object],
    routes: Path,
    make_source: Callable[[str], RowSource],
) -> tuple[dg.AssetsDefinition, datetime]:
    """Materializes ``orders`` at -24 h (before the 24-hour window: evidence), 01:00
    (healthy), 05:00 (the run fails: alert 30 s later), 06:00 (materialized, the key check
    fails: alert 45 s later) and 07:00 (the check passes again). Returns the asset and the
    end of the window."""
    source = make_source("orders")
    asset = rows_asset("orders", DeliveryStage.GA, source)
    now = time.time()
    window_start = now - 20 * HOUR
    clock = Clock(now)
    sensor = AlertSensorHarness(instance, [asset], routes, resources, clock)
    sensor.tick()

    def at(hours: float, rows: Callable[[], object], detected_after: float) -> None:
        rows()
        with freeze_time(window_start + hours * HOUR):
            materialize(instance, [asset], resources)
        clock.now = window_start + hours * HOUR + detected_after
        sensor.tick()

    at(-24, source.healthy, 1)
    at(1, source.healthy, 1)
    at(5, source.remove, 30)
    at(6, source.duplicated, 45)
    at(7, source.healthy, 10)
    return asset, datetime.fromtimestamp(window_start + 24 * HOUR, UTC)
