"""A run whose worker is SIGKILLed while it holds the `duckdb_warehouse` slot is found
dead, failed, and its slot freed, so the run waiting for the slot proceeds; a live run is
never touched."""

from __future__ import annotations

import os
import signal
import subprocess

import dagster as dg

from platform_assets.definitions import defs as platform_defs
from platform_assets.runtime.process_identity import ProcessIdentity
from platform_assets.runtime.run_processes import RunProcessRegistry
from platform_assets.runtime.sensor import DEFAULT_SENSOR_NAME
from tests.runtime.conftest import WAIT_SECONDS, LocalInstance, wait_for
from tests.runtime.pool_signals import HOLDING

BLOCKED = "Step blocked by limit for pool duckdb_warehouse"


def test_a_killed_run_is_failed_its_slot_freed_and_the_waiting_run_proceeds(
    local_instance: LocalInstance,
) -> None:
    holder = local_instance.materialize("slot_holder")
    dead_run = local_instance.run_of(holder, 0)
    assert local_instance.signalled_pid(HOLDING) == holder.pid
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=WAIT_SECONDS)

    # What the issue saw: the dead run stays STARTED, keeps the slot, and the next run waits.
    assert local_instance.status(dead_run.run_id) == dg.DagsterRunStatus.STARTED
    assert local_instance.slot_holders() == [dead_run.run_id]
    waiting = local_instance.materialize("next_writer")
    waiting_run = local_instance.run_of(waiting, 1)
    wait_for(
        lambda: BLOCKED in local_instance.engine_messages(waiting_run.run_id),
        "the second run blocked on the pool",
    )
    assert waiting.poll() is None

    recovered = local_instance.platform_assets("runs", "recover")

    assert recovered.returncode == 0, recovered.stderr
    assert dead_run.run_id in recovered.stdout
    assert local_instance.status(dead_run.run_id) == dg.DagsterRunStatus.FAILURE
    assert dead_run.run_id not in local_instance.slot_holders()
    local_instance.wait_for_success(waiting)
    assert local_instance.status(waiting_run.run_id) == dg.DagsterRunStatus.SUCCESS


def test_a_live_run_is_never_touched(local_instance: LocalInstance) -> None:
    holder = local_instance.materialize("slot_holder")
    live_run = local_instance.run_of(holder, 0)
    local_instance.signalled_pid(HOLDING)

    recovered = local_instance.platform_assets("runs", "recover")

    assert recovered.returncode == 0, recovered.stderr
    assert live_run.run_id not in recovered.stdout
    assert holder.poll() is None
    assert local_instance.status(live_run.run_id) == dg.DagsterRunStatus.STARTED
    assert local_instance.slot_holders() == [live_run.run_id]
    local_instance.release_the_slot()
    local_instance.wait_for_success(holder)
    assert local_instance.status(live_run.run_id) == dg.DagsterRunStatus.SUCCESS


def test_the_code_locations_sensor_recovers_a_dead_run_and_ends_its_children(
    local_instance: LocalInstance,
) -> None:
    holder = local_instance.materialize("slot_holder")
    dead_run = local_instance.run_of(holder, 0)
    local_instance.signalled_pid(HOLDING)
    # Stands for a dbt that outlived its worker: recorded as the run's child, as the dbt
    # resource records the dbt it starts.
    child = subprocess.Popen(["sleep", "600"], start_new_session=True)
    local_instance.processes.append(child)
    child_identity = ProcessIdentity.of(child.pid)
    assert child_identity is not None
    RunProcessRegistry.of_instance(local_instance.instance).record_child(
        dead_run.run_id, child_identity
    )
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=WAIT_SECONDS)

    (sensor,) = [s for s in platform_defs.sensors or () if s.name == DEFAULT_SENSOR_NAME]
    result = sensor(dg.build_sensor_context(instance=local_instance.instance))

    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    assert isinstance(result, dg.SkipReason)
    assert dead_run.run_id in (result.skip_message or "")
    assert str(child.pid) in (result.skip_message or "")
    assert child.wait(timeout=WAIT_SECONDS) == -signal.SIGTERM
    assert local_instance.status(dead_run.run_id) == dg.DagsterRunStatus.FAILURE
    assert local_instance.slot_holders() == []


def test_the_slots_of_a_run_failed_without_its_worker_are_freed(
    local_instance: LocalInstance,
) -> None:
    """Under `dagster dev` the code server fails the run of a worker it sees die, as this
    test does, but leaves the run's slot held."""
    holder = local_instance.materialize("slot_holder")
    dead_run = local_instance.run_of(holder, 0)
    local_instance.signalled_pid(HOLDING)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=WAIT_SECONDS)
    local_instance.instance.report_run_failed(dead_run)
    assert local_instance.slot_holders() == [dead_run.run_id]

    recovered = local_instance.platform_assets("runs", "recover")

    assert recovered.returncode == 0, recovered.stderr
    expected = f"run {dead_run.run_id}: worker pid {holder.pid} is gone; concurrency slots freed"
    assert expected in recovered.stdout.splitlines()
    assert local_instance.slot_holders() == []
    assert local_instance.status(dead_run.run_id) == dg.DagsterRunStatus.FAILURE
