"""One materialization of the whole DORA graph through the project's definitions.

    python benchmarks/dora_dagster_run.py OUTPUT.json

Run by ``bench_dora.py`` in a fresh interpreter per run, as a Dagster run worker would
be: the demo source's settings (``PLATFORM_DORA_DEMO_*``) are read when the definitions
are imported, so a run over a later window needs a new process anyway. The environment
carries the warehouse path, ``DAGSTER_HOME`` (a persistent instance, so the second run
sees the first one's materializations, as column stability and the cursors expect) and
the demo window. Writes the wall time of every phase, each step's time from the run's
event log, and dbt's own per-node times.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

STARTED = time.perf_counter()

import dagster as dg  # noqa: E402

from platform_assets.definitions import defs  # noqa: E402

IMPORTED = time.perf_counter()

JOB_NAME = "dora_refresh"


def _step_seconds(instance: dg.DagsterInstance, run_id: str) -> dict[str, float]:
    """Start to end of each step, from the run's own event log."""
    starts: dict[str, float] = {}
    seconds: dict[str, float] = {}
    for record in instance.all_logs(run_id):
        event = record.dagster_event
        if event is None or event.step_key is None:
            continue
        if event.event_type == dg.DagsterEventType.STEP_START:
            starts[event.step_key] = record.timestamp
        elif event.event_type in (
            dg.DagsterEventType.STEP_SUCCESS,
            dg.DagsterEventType.STEP_FAILURE,
        ):
            seconds[event.step_key] = round(record.timestamp - starts[event.step_key], 2)
    return seconds


def _duration(metadata: Any) -> float | None:
    """dagster-dbt's ``Execution Duration`` metadata, in seconds."""
    value = getattr(metadata.get("Execution Duration"), "value", None)
    return round(float(value), 2) if isinstance(value, int | float) else None


def _dbt_node_seconds(result: dg.ExecuteInProcessResult) -> dict[str, float]:
    """dbt's execution time of every model and test, from the materializations and check
    evaluations dagster-dbt recorded."""
    seconds: dict[str, float] = {}
    for event in result.get_asset_materialization_events():
        materialization = event.step_materialization_data.materialization
        duration = _duration(materialization.metadata)
        if duration is not None:
            seconds[materialization.asset_key.to_user_string()] = duration
    for evaluation in result.get_asset_check_evaluations():
        duration = _duration(evaluation.metadata)
        if duration is not None:
            seconds[f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"] = duration
    return seconds


def _row_counts(result: dg.ExecuteInProcessResult) -> dict[str, Any]:
    """What each raw asset's ingestion reported: rows inserted and updated."""
    counts: dict[str, Any] = {}
    for event in result.get_asset_materialization_events():
        materialization = event.step_materialization_data.materialization
        metadata = materialization.metadata
        if materialization.asset_key.path[0] != "raw":
            continue
        counts[materialization.asset_key.path[-1]] = {
            name: metadata[name].value
            for name in ("rows_inserted", "rows_updated", "dagster/row_count", "duration_seconds")
            if name in metadata
        }
    return counts


def run_figures(
    instance: dg.DagsterInstance, job: dg.JobDefinition, import_seconds: float
) -> tuple[dg.ExecuteInProcessResult, dict[str, Any]]:
    """Executes the job in this process and returns its result with what every run
    benchmark reports of it (the customer benchmark's run uses it too)."""
    before = time.perf_counter()
    result = job.execute_in_process(instance=instance, raise_on_error=False)
    executed = time.perf_counter()
    evaluations = result.get_asset_check_evaluations()
    return result, {
        "success": result.success,
        "import_seconds": round(import_seconds, 2),
        "execute_seconds": round(executed - before, 2),
        "steps": _step_seconds(instance, result.run_id),
        "dbt_nodes": _dbt_node_seconds(result),
        "checks": len(evaluations),
        "failed_checks": sorted(
            f"{e.asset_key.to_user_string()}:{e.check_name}" for e in evaluations if not e.passed
        ),
        "materializations": len(result.get_asset_materialization_events()),
    }


def main() -> None:
    output = Path(sys.argv[1])
    job = defs.resolve_job_def(JOB_NAME)
    with dg.DagsterInstance.get() as instance:
        result, figures = run_figures(instance, job, IMPORTED - STARTED)
        figures["raw_rows"] = _row_counts(result)
    figures["process_seconds"] = round(time.perf_counter() - STARTED, 2)
    output.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
