"""A child process that ends with the process that started it.

When a run worker is SIGKILLed, the dbt it started would finish on its own with no
Dagster record of it, writing the warehouse and holding its lock meanwhile. Linux's
``prctl(PR_SET_PDEATHSIG)`` makes the kernel signal the child when its parent dies; it is
called through ctypes (python-prctl is not a dependency of the platform). Elsewhere only
the check that the parent is still there applies.

The signal comes when the *thread* that started the child ends: Dagster steps (and so
dagster-dbt's ``Popen``) run on the run worker's main thread.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from typing import Final

#: Set by the parent to its own pid: which parent to expect, even if the child starts
#: only after that parent is gone (it then sees its new parent, init, in getppid).
PARENT_PID_ENV: Final = "PLATFORM_PARENT_PID"
PR_SET_PDEATHSIG: Final = 1


class ParentGone(RuntimeError):
    """The process that started this one ended before it could be bound to it."""


def end_with_parent(death_signal: signal.Signals = signal.SIGTERM) -> None:
    """Binds this process to its parent: ``death_signal`` arrives when the parent dies.
    Raises ``ParentGone`` if the parent is already gone."""
    expected = int(os.environ.pop(PARENT_PID_ENV, None) or os.getppid())
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, int(death_signal), 0, 0, 0) != 0:
            error = ctypes.get_errno()
            raise OSError(error, f"prctl(PR_SET_PDEATHSIG): {os.strerror(error)}")
    # Checked after prctl: a parent that dies from here on sends the signal.
    if os.getppid() != expected:
        raise ParentGone(f"the process that started this one (pid {expected}) is gone")
