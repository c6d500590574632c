"""A process is named by its pid and start time on one boot of one machine: a reused pid,
a killed process not yet collected, and a restarted machine all read as gone, and a
process recorded elsewhere is never judged from here."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess

from platform_assets.runtime.process_identity import Liveness, ProcessIdentity
from tests.runtime.conftest import WAIT_SECONDS, wait_for


def this_process() -> ProcessIdentity:
    identity = ProcessIdentity.current()
    assert identity is not None
    return identity


def test_a_live_process_is_alive() -> None:
    assert this_process().liveness() is Liveness.ALIVE


def test_a_pid_now_used_by_another_process_is_not_the_recorded_one() -> None:
    recorded = dataclasses.replace(this_process(), start_ticks=this_process().start_ticks - 1)

    assert recorded.liveness() is Liveness.GONE
    assert recorded.end(grace_seconds=1) is False


def test_a_killed_process_its_parent_has_not_collected_is_gone() -> None:
    child = subprocess.Popen(["sleep", "600"])
    try:
        recorded = ProcessIdentity.of(child.pid)
        assert recorded is not None
        os.kill(child.pid, signal.SIGKILL)
        wait_for(lambda: recorded.liveness() is Liveness.GONE, "the killed child read as gone")
        assert os.path.exists(f"/proc/{child.pid}")  # a zombie until collected
    finally:
        child.kill()
        child.wait(timeout=WAIT_SECONDS)


def test_a_process_of_a_previous_boot_is_gone() -> None:
    me = this_process()
    previous_boot = dataclasses.replace(me.machine, boot_id="an earlier boot")

    assert dataclasses.replace(me, machine=previous_boot).liveness() is Liveness.GONE


def test_a_process_recorded_on_another_machine_is_never_judged_nor_ended() -> None:
    me = this_process()
    elsewhere = dataclasses.replace(me, machine=dataclasses.replace(me.machine, host="elsewhere"))

    assert elsewhere.liveness() is Liveness.UNKNOWN
    assert elsewhere.end(grace_seconds=1) is False
