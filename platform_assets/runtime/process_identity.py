"""Which process is which, read from Linux's /proc.

A pid is reused once its process ends, so a process is named by its pid *and* its start
time (clock ticks after boot), within one boot of one machine and one pid namespace (a
container numbers its own processes). psutil reads the same facts, but it is not a
dependency of the platform, and /proc is all the local default (Linux) needs. Elsewhere
no identity can be taken, and nothing is ever recorded or ended.
"""

from __future__ import annotations

import os
import select
import signal
import socket
from contextlib import suppress
from dataclasses import asdict, dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Final

PROC: Final = Path("/proc")
#: A process in these states has ended; its entry lasts until its parent collects it.
ENDED_STATES: Final = frozenset({"Z", "X"})


class Liveness(Enum):
    ALIVE = "alive"
    GONE = "gone"
    #: Recorded on another machine or in another container: not visible from here.
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Machine:
    """Where pids mean something: a host, one boot of it, one pid namespace."""

    host: str
    boot_id: str
    pid_namespace: str

    @classmethod
    def current(cls) -> Machine | None:
        try:
            boot_id = (PROC / "sys/kernel/random/boot_id").read_text().strip()
            pid_namespace = os.readlink(PROC / "self/ns/pid")
        except OSError:
            return None
        return cls(host=socket.gethostname(), boot_id=boot_id, pid_namespace=pid_namespace)


@dataclass(frozen=True)
class _Stat:
    state: str
    start_ticks: int


def _stat(pid: int) -> _Stat | None:
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may itself hold spaces or ')'.
    fields = text.rpartition(")")[2].split()
    return _Stat(state=fields[0], start_ticks=int(fields[19]))


@dataclass(frozen=True)
class ProcessIdentity:
    machine: Machine
    pid: int
    start_ticks: int

    @classmethod
    def of(cls, pid: int) -> ProcessIdentity | None:
        """The identity of the running process ``pid``; None if it is gone or this is not
        Linux."""
        machine, stat = Machine.current(), _stat(pid)
        if machine is None or stat is None:
            return None
        return cls(machine=machine, pid=pid, start_ticks=stat.start_ticks)

    @classmethod
    def current(cls) -> ProcessIdentity | None:
        return cls.of(os.getpid())

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> ProcessIdentity:
        return cls(
            machine=Machine(**value["machine"]),
            pid=int(value["pid"]),
            start_ticks=int(value["start_ticks"]),
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def liveness(self) -> Liveness:
        here = Machine.current()
        if here is None or here.host != self.machine.host:
            return Liveness.UNKNOWN
        if here.boot_id != self.machine.boot_id:
            return Liveness.GONE  # this machine restarted since
        if here.pid_namespace != self.machine.pid_namespace:
            return Liveness.UNKNOWN
        stat = _stat(self.pid)
        if stat is None or stat.start_ticks != self.start_ticks or stat.state in ENDED_STATES:
            return Liveness.GONE
        return Liveness.ALIVE

    def end(self, grace_seconds: float) -> bool:
        """SIGTERM, then SIGKILL if the process outlives ``grace_seconds``. Returns
        whether it was alive. The signals go through a pidfd, which names this process
        only: a pid reused after the check is never signalled."""
        if self.liveness() is not Liveness.ALIVE:
            return False
        try:
            pidfd = os.pidfd_open(self.pid)
        except ProcessLookupError:
            return False
        try:
            if self.liveness() is not Liveness.ALIVE:
                return False  # the pid was reused between the check and the open
            with suppress(ProcessLookupError):  # it may end on its own meanwhile
                signal.pidfd_send_signal(pidfd, signal.SIGTERM)
                if not _ends_within(pidfd, grace_seconds):
                    signal.pidfd_send_signal(pidfd, signal.SIGKILL)
                    _ends_within(pidfd, grace_seconds)
            return True
        finally:
            os.close(pidfd)


def _ends_within(pidfd: int, seconds: float) -> bool:
    """A pidfd turns readable when its process ends, whoever its parent is."""
    poller = select.poll()
    poller.register(pidfd, select.POLLIN)
    return bool(poller.poll(int(seconds * 1000)))
