"""A code location of two assets in the warehouse pool, run by the platform's own
executor (the one ``platform_assets.definitions`` declares), so a run of it is a run of
the platform as far as the pool and the run-worker record go.

``slot_holder`` takes the pool's one slot, says so in a file, and keeps it until the test
writes the release file; ``next_writer`` needs the same slot and ends at once."""

from __future__ import annotations

import os
import time
from pathlib import Path

import dagster as dg

from platform_assets import definitions as platform_location
from platform_assets.settings import WAREHOUSE_POOL
from tests.runtime.pool_signals import HOLDING, RELEASE, SIGNALS_ENV

#: A slot holder nobody releases ends by itself, so a broken test leaves no process behind.
HOLD_LIMIT_SECONDS = 120.0

signals = Path(os.environ[SIGNALS_ENV])


@dg.asset(pool=WAREHOUSE_POOL)
def slot_holder() -> None:
    (signals / HOLDING).write_text(str(os.getpid()))
    deadline = time.monotonic() + HOLD_LIMIT_SECONDS
    while not (signals / RELEASE).exists():
        if time.monotonic() > deadline:
            raise dg.Failure("the test never released the slot")
        time.sleep(0.1)


@dg.asset(pool=WAREHOUSE_POOL)
def next_writer() -> None:
    """Needs the slot ``slot_holder`` keeps."""


defs = dg.Definitions(assets=[slot_holder, next_writer], executor=platform_location.defs.executor)
