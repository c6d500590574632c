"""The dead-run sensor: under `dagster dev` (or any daemon) dead runs are recovered on
their own, within about a minute."""

from __future__ import annotations

from typing import Final

import dagster as dg

from platform_assets.runtime.recovery import recover_dead_runs

DEFAULT_SENSOR_NAME: Final = "dead_run_recovery"
DEFAULT_INTERVAL_SECONDS: Final = 60


def build_dead_run_sensor(
    *, name: str = DEFAULT_SENSOR_NAME, minimum_interval_seconds: int = DEFAULT_INTERVAL_SECONDS
) -> dg.SensorDefinition:
    @dg.sensor(
        name=name,
        minimum_interval_seconds=minimum_interval_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING,
        owners=["team:platform"],
        description=(
            "Fails runs whose worker process is gone (killed, or its machine restarted), "
            "frees their concurrency slots and ends their dbt processes, so later runs do "
            "not wait for the duckdb_warehouse slot forever (docs/monitoring.md)."
        ),
    )
    def dead_run_recovery(context: dg.SensorEvaluationContext) -> dg.SkipReason:
        recovered = recover_dead_runs(context.instance, by=f"The {name} sensor")
        for run in recovered:
            context.log.warning(run.describe())
        return dg.SkipReason(
            "; ".join(run.describe() for run in recovered) or "no run with a dead worker"
        )

    return dead_run_recovery
