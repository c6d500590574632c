"""The dbt CLI resource, without the two start-up costs this platform has no use for.

Before every invocation dagster-dbt's ``DbtCliResource`` runs ``dbt --version`` in a
subprocess (to tell dbt Core from the Fusion engine) and builds an in-process dbt adapter
(loading every macro of the project) that serves only ``fetch_column_metadata`` and
``fetch_row_counts``. Together they cost about 4 s of every run, whatever its data
(``benchmarks/bench_dora.py`` reports the run on an empty warehouse). This platform runs
dbt Core installed beside Dagster, so the version is known from the package, and each
model reports its own columns through dbt's log (the ``log_relation_columns`` post-hook):
neither start-up cost buys anything here.

Each dbt process is also recorded as a child of its run, and told which process started it
(``PLATFORM_PARENT_PID``), so that it ends with its run worker (``platform-dbt``) and the
dead-run recovery can end it if it did not (docs/monitoring.md). Given the warehouse
resource, an invocation builds that warehouse: DuckDB or PostgreSQL (``target.py``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliInvocation, DbtProject

from platform_assets.compat import DbtCoreCliResource
from platform_assets.integrations.dbt.target import dbt_target_environment
from platform_assets.runtime.parent_death import PARENT_PID_ENV
from platform_assets.runtime.process_identity import ProcessIdentity
from platform_assets.runtime.run_processes import RunProcessRegistry
from platform_assets.warehouse import Warehouse


class PlatformDbtCliResource(DbtCoreCliResource):
    """``DbtCliResource`` for dbt Core installed in this environment, without its two
    start-up costs (``compat.DbtCoreCliResource``, where the private overrides live), that
    records the dbt process of each invocation as a child of its run and, given the
    ``warehouse``, points dbt's profile at it."""

    def __init__(self, project_dir: str | Path | DbtProject, **kwargs: Any) -> None:
        # Restated for the same reason as in DbtCoreCliResource: type checkers read each
        # subclass's constructor from its pydantic fields.
        super().__init__(project_dir=project_dir, **kwargs)

    def cli(
        self,
        args: Sequence[str],
        *,
        context: dg.OpExecutionContext | dg.AssetExecutionContext | None = None,
        warehouse: Warehouse | None = None,
        **kwargs: Any,
    ) -> DbtCliInvocation:
        children_environment = {PARENT_PID_ENV: str(os.getpid())}
        if warehouse is not None:
            children_environment.update(dbt_target_environment(warehouse))
        with _environment_for_children(children_environment):
            invocation = super().cli(args, context=context, **kwargs)
        child = ProcessIdentity.of(invocation.process.pid)
        if context is not None and child is not None:
            RunProcessRegistry.of_instance(context.instance).record_child(context.run.run_id, child)
        return invocation


@contextmanager
def _environment_for_children(values: Mapping[str, str]) -> Iterator[None]:
    """dagster-dbt hands dbt a copy of this process's environment and takes no other, so
    the variables are set around the call that starts dbt, and restored after it (a step
    starts its dbt on the run worker's main thread: no other thread reads them meanwhile)."""
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value
