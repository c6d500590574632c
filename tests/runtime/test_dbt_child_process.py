"""A dbt started by a run ends when the run's worker is killed, instead of finishing on
its own with no Dagster record; and it never starts if its parent is already gone."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import dagster as dg

from platform_assets.integrations.dbt.project import dbt_executable
from platform_assets.runtime.parent_death import PARENT_PID_ENV
from platform_assets.runtime.run_processes import RunProcessRegistry
from tests.runtime.conftest import WAIT_SECONDS, LocalInstance, wait_for
from tests.runtime.pool_signals import DBT_LOCATION, DBT_RUNNING


def running(pid: int) -> bool:
    """Whether ``pid`` is a process that has not ended (a zombie has)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def test_a_dbt_started_by_a_killed_run_ends_with_it(
    local_instance: LocalInstance, sleeping_dbt_project: Path
) -> None:
    worker = local_instance.materialize("sleeper", location=DBT_LOCATION)
    run = local_instance.run_of(worker, 0)
    dbt_pid = local_instance.signalled_pid(DBT_RUNNING)
    assert dbt_pid != worker.pid

    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=WAIT_SECONDS)

    wait_for(lambda: not running(dbt_pid), f"dbt (pid {dbt_pid}) ended with its run worker")
    registry = RunProcessRegistry.of_instance(local_instance.instance)
    assert [child.pid for child in registry.processes_of(run.run_id).children] == [dbt_pid]
    recovered = local_instance.platform_assets("runs", "recover")
    assert run.run_id in recovered.stdout, recovered.stderr
    assert local_instance.status(run.run_id) == dg.DagsterRunStatus.FAILURE


def test_platform_dbt_does_not_start_when_its_parent_is_gone(tmp_path: Path) -> None:
    gone = subprocess.Popen(["true"])
    gone.wait()

    started = subprocess.run(
        [dbt_executable(), "--version"],
        env={**os.environ, PARENT_PID_ENV: str(gone.pid)},
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS,
    )

    assert started.returncode == 1
    assert f"(pid {gone.pid}) is gone; dbt was not started" in started.stderr
    assert "installed" not in started.stdout
