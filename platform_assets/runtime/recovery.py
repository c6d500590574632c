"""Dead-run recovery: a run whose worker process is gone is failed, its concurrency slots
freed and its child processes ended.

A run worker killed outright (SIGKILL, the OOM killer, a power cut) cannot report its own
end, so the run stays STARTED and keeps its `duckdb_warehouse` slot, and every later run
waits for the slot forever. Dagster's run monitoring fails such a run only with a run
launcher that checks its workers' health, which the local default launcher does not;
under `dagster dev` the code server fails the run of a worker it sees die but leaves its
slots held; and nothing watches the runs of `dagster asset materialize` at all. The
platform records each run's processes (``RunProcessRegistry``); this reads them back and
recovers the runs whose worker is gone. A run whose worker is alive, or cannot be seen
from here (another machine), is never touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import dagster as dg

from platform_assets import compat
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
    """What recovery did for one run whose worker is gone."""

    run_id: str
    worker_pid: int
    #: The status recovery gave the run; None if the run had already ended (under
    #: `dagster dev` the code server fails the run of a worker it sees die, but leaves its
    #: slots held).
    marked: dg.DagsterRunStatus | None
    freed_slots: bool
    ended_children: tuple[int, ...]

    def describe(self) -> str:
        done = [f"marked {self.marked.value}"] if self.marked else []
        if self.freed_slots:
            done.append("concurrency slots freed")
        if self.ended_children:
            done.append(f"ended its child processes {', '.join(map(str, self.ended_children))}")
        return f"run {self.run_id}: worker pid {self.worker_pid} is gone; {', '.join(done)}"


def recover_dead_runs(instance: dg.DagsterInstance, *, by: str) -> list[RecoveredRun]:
    """Recovers every recorded run whose worker is gone, and forgets the records of runs
    that ended. ``by`` names the caller in the message the run's log keeps. Returns what
    was done, run by run; a run that needed nothing is left out."""
    registry = RunProcessRegistry.of_instance(instance)
    in_pools = compat.concurrency_run_ids(instance)
    recovered = []
    for run_id in registry.run_ids():
        processes = registry.processes_of(run_id)
        worker = processes.worker
        if worker is None or worker.liveness() is not Liveness.GONE:
            continue
        ended_children = tuple(
            child.pid for child in processes.children if child.end(CHILD_GRACE_SECONDS)
        )
        run = instance.get_run_by_id(run_id)
        marked = (
            _end_run(instance, run, worker, ended_children, by)
            if run is not None and run.status in IN_FLIGHT
            else None
        )
        if run_id in in_pools:
            compat.free_concurrency_slots(instance, run_id)
        registry.forget(run_id)
        if marked or run_id in in_pools or ended_children:
            recovered.append(
                RecoveredRun(
                    run_id=run_id,
                    worker_pid=worker.pid,
                    marked=marked,
                    freed_slots=run_id in in_pools,
                    ended_children=ended_children,
                )
            )
    return recovered


def _end_run(
    instance: dg.DagsterInstance,
    run: dg.DagsterRun,
    worker: ProcessIdentity,
    ended_children: tuple[int, ...],
    by: str,
) -> dg.DagsterRunStatus:
    canceling = run.status == dg.DagsterRunStatus.CANCELING
    status = dg.DagsterRunStatus.CANCELED if canceling else dg.DagsterRunStatus.FAILURE
    message = (
        f"The run's worker process (pid {worker.pid}) is gone without ending the run: it "
        f"was killed, or its machine restarted. {by} marked the run {status.value} and "
        "freed its concurrency slots"
        + (f", and ended its child processes {list(ended_children)}" if ended_children else "")
        + ". Rerun the assets it did not materialize."
    )
    if canceling:
        compat.report_run_canceled(instance, run, message)
    else:
        compat.report_run_failed(instance, run, message)
    return status
