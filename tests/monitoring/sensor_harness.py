"""Evaluates the alert sensor tick by tick, the way the daemon does: the cursor each tick
returns is what the next tick starts from, and a restart is a new sensor definition
handed the stored cursor."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg

from platform_assets.monitoring import build_alert_sensor


@dataclass
class Clock:
    """The detection clock handed to the sensor, so time to detect is exact in tests."""

    now: float

    def __call__(self) -> float:
        return self.now


class AlertSensorHarness:
    def __init__(
        self,
        instance: dg.DagsterInstance,
        assets: Sequence[dg.AssetsDefinition],
        routes_path: Path,
        resources: dict[str, object],
        clock: Clock | None = None,
        cursor: str | None = None,
    ) -> None:
        self.instance = instance
        self.assets = list(assets)
        self.resources = resources
        self.routes_path = routes_path
        self.clock = clock
        self.cursor = cursor
        self.sensor = build_alert_sensor(routes_path, clock=clock or time.time)
        self.definitions = dg.Definitions(
            assets=self.assets, sensors=[self.sensor], resources=resources
        )

    def tick(self) -> dg.SensorResult:
        context = dg.build_sensor_context(
            instance=self.instance, cursor=self.cursor, definitions=self.definitions
        )
        result = self.sensor(context)
        assert isinstance(result, dg.SensorResult)
        assert result.cursor is not None
        self.cursor = result.cursor
        return result

    def restarted(self) -> AlertSensorHarness:
        """A new sensor definition (as after a daemon or code-location restart) resuming
        from the cursor Dagster stored."""
        return AlertSensorHarness(
            self.instance, self.assets, self.routes_path, self.resources, self.clock, self.cursor
        )


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def check_evaluated_at(instance: dg.DagsterInstance, run_id: str, check_name: str) -> float:
    """When ``check_name`` was evaluated in the run: the failing (or clearing) event."""
    [entry] = [
        entry
        for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
        if entry.dagster_event is not None
        and entry.dagster_event.event_specific_data.check_name == check_name  # type: ignore[union-attr]
    ]
    return entry.timestamp


def skip_message(result: dg.SensorResult) -> str:
    return (result.skip_reason.skip_message or "") if result.skip_reason else ""
