"""Dead-run recovery: a run whose worker process is gone is failed, its concurrency slots
freed and its child processes ended.

A run worker killed outright (SIGKILL, the OOM killer, a power cut) cannot report its own
end, so the run stays STARTED and keeps its `duckdb_warehouse` slot, and every later run
waits for the slot forever. Dagster's run monitoring would fail it under the daemon, but
only with a run launcher that can check its workers' health, which the local default
launcher cannot, and never for runs of `dagster asset materialize`, which no daemon
watches. The platform records each run's processes (``RunProcessRegistry``); this reads
them back and recovers the runs whose worker is gone. A run whose worker is alive, or
cannot be seen from here (another machine), is never touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import dagster as dg

from platform_assets.runtime.process_identity import Liveness, ProcessIdentity
from platform_assets.runtime.run_processes import RunProcessRegistry

#: Statuses of a run whose worker should still be running.
IN_FLIGHT: Final = frozenset(
    {dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING}
)
#: How long a child (dbt) gets to end on SIGTERM before SIGKILL.
CHILD_GRACE_SECONDS: Final = 10.0


@dataclass(frozen=True)
class RecoveredRun:
    run_id: str
    job_name: str
    worker_pid: int
    status: dg.DagsterRunStatus
    ended_children: tuple[int, ...]

    def describe(self) -> str:
        children = (
            f"; ended its child processes {', '.join(map(str, self.ended_children))}"
            if self.ended_children
            else ""
        )
        return (
            f"run {self.run_id} ({self.job_name}): worker pid {self.worker_pid} is gone; "
            f"marked {self.status.value}, concurrency slots freed{children}"
        )


def recover_dead_runs(instance: dg.DagsterInstance, *, by: str) -> list[RecoveredRun]:
    """Recovers every recorded run whose worker is gone, and forgets the records of runs
    that ended. ``by`` names the caller in the message the run's log keeps."""
    registry = RunProcessRegistry.of_instance(instance)
    recovered = []
    for run_id in registry.run_ids():
        processes = registry.processes_of(run_id)
        worker = processes.worker
        if worker is None or worker.liveness() is not Liveness.GONE:
            continue
        ended = tuple(child.pid for child in processes.children if child.end(CHILD_GRACE_SECONDS))
        run = instance.get_run_by_id(run_id)
        if run is not None and run.status in IN_FLIGHT:
            recovered.append(_end_run(instance, run, worker, ended, by))
        # The slots of a run that ended are freed by its worker, unless it died first. This
        # is what the UI's "free concurrency slots" calls; there is no public API for it.
        instance.event_log_storage.free_concurrency_slots_for_run(run_id)
        registry.forget(run_id)
    return recovered


def _end_run(
    instance: dg.DagsterInstance,
    run: dg.DagsterRun,
    worker: ProcessIdentity,
    ended_children: tuple[int, ...],
    by: str,
) -> RecoveredRun:
    canceling = run.status == dg.DagsterRunStatus.CANCELING
    status = dg.DagsterRunStatus.CANCELED if canceling else dg.DagsterRunStatus.FAILURE
    message = (
        f"The run's worker process (pid {worker.pid}) is gone without ending the run: it "
        f"was killed, or its machine restarted. {by} marked the run {status.value} and "
        "freed its concurrency slots"
        + (f", and ended its child processes {list(ended_children)}" if ended_children else "")
        + ". Rerun the assets it did not materialize."
    )
    # report_run_canceled / report_run_failed are how Dagster's own run monitoring ends
    # the runs of dead workers; Dagster has no public API that marks a run failed.
    if canceling:
        instance.report_run_canceled(run, message)
    else:
        instance.report_run_failed(run, message)
    return RecoveredRun(
        run_id=run.run_id,
        job_name=run.job_name,
        worker_pid=worker.pid,
        status=status,
        ended_children=ended_children,
    )
