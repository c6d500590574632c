"""An executor that records which process runs each run before its first step.

Wrapping the executor is the one place Dagster's public API runs code in the run worker
for every run, whatever started it (`dagster asset materialize`, the UI, a schedule) and
whatever its steps need: resources initialize only for the steps that require them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dagster as dg

from platform_assets.runtime.process_identity import ProcessIdentity
from platform_assets.runtime.run_processes import RunProcessRegistry


class _RecordingExecutor(dg.Executor):
    def __init__(self, inner: dg.Executor) -> None:
        self._inner = inner

    def execute(self, plan_context: Any, execution_plan: Any) -> Iterator[dg.DagsterEvent]:
        worker = ProcessIdentity.current()
        if worker is not None:
            registry = RunProcessRegistry.of_instance(plan_context.instance)
            registry.record_worker(plan_context.run_id, worker)
        yield from self._inner.execute(plan_context, execution_plan)

    @property
    def retries(self) -> Any:
        return self._inner.retries


def recording_run_workers(executor_def: dg.ExecutorDefinition) -> dg.ExecutorDefinition:
    """``executor_def`` (same name, config and requirements), recording each run's
    worker process in the instance's ``RunProcessRegistry`` so that a worker that dies
    without ending its run can be told from one that is still working."""
    create_inner = executor_def.executor_creation_fn
    if create_inner is None:
        raise ValueError(f"executor {executor_def.name!r} has no creation function to wrap")

    def create(init_context: dg.InitExecutorContext) -> dg.Executor:
        return _RecordingExecutor(create_inner(init_context))

    return dg.ExecutorDefinition(
        name=executor_def.name,
        config_schema=executor_def.config_schema.as_field(),
        requirements=executor_def.get_requirements,
        executor_creation_fn=create,
        description=executor_def.description,
    )
