"""Every use of a private or undocumented Dagster and dagster-dbt API, in one place.

Each name below says why there is no public way. They were checked against the versions in
``CHECKED_AGAINST``; ``tests/test_compat.py`` fails when an installed version differs, so an
upgrade re-checks each use here instead of breaking at run time.

Configuration, not code: ``dagster.yaml`` names the storage class
``dagster._core.storage.event_log`` (the one-file SQLite event log); re-check it on an
upgrade too.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any, Final

import dagster as dg

# Freshness state changes have no public type or accessor in Dagster 1.13: the freshness
# daemon writes ``FreshnessStateChange`` payloads as FRESHNESS_STATE_CHANGE events.
from dagster._core.definitions.freshness import FreshnessState, FreshnessStateChange

# The run id under which Dagster stores runless events (freshness state changes, reported
# materializations and check evaluations); Dagster exposes no public name for it.
from dagster._core.instance.utils import RUNLESS_RUN_ID
from dagster_dbt import DbtCliResource, DbtProject
from packaging import version

#: The distributions whose private parts this module uses, at the versions it was read
#: against.
CHECKED_AGAINST: Final = {"dagster": "1.13.27", "dagster-dbt": "0.29.27", "dbt-core": "1.11.16"}

__all__ = [
    "CHECKED_AGAINST",
    "RUNLESS_RUN_ID",
    "DbtCoreCliResource",
    "FreshnessState",
    "FreshnessStateChange",
    "asset_event_records",
    "check_execution_history",
    "concurrency_run_ids",
    "free_concurrency_slots",
    "report_run_canceled",
    "report_run_failed",
]


def check_execution_history(
    instance: dg.DagsterInstance, check_key: dg.AssetCheckKey, *, limit: int, cursor: int | None
) -> Sequence[Any]:
    """A page of a check's executions, newest first. Check executions have no public
    accessor on the instance; the event log storage's is what the UI's check history uses."""
    return instance.event_log_storage.get_asset_check_execution_history(
        check_key, limit=limit, cursor=cursor
    )


def asset_event_records(
    instance: dg.DagsterInstance, records_filter: dg.EventRecordsFilter, *, limit: int
) -> Sequence[dg.EventLogRecord]:
    """A page of an asset's events of a type the instance has no ``fetch_*`` method for
    (freshness state changes, planned materializations), oldest first."""
    return instance.event_log_storage.get_event_records(records_filter, limit=limit, ascending=True)


def concurrency_run_ids(instance: dg.DagsterInstance) -> set[str]:
    """The runs holding or waiting for a concurrency slot. What Dagster's own monitoring
    daemon reads; there is no public API for it."""
    storage = instance.event_log_storage
    return (
        storage.get_concurrency_run_ids() if storage.supports_global_concurrency_limits else set()
    )


def free_concurrency_slots(instance: dg.DagsterInstance, run_id: str) -> None:
    """What the UI's "free concurrency slots" button calls; there is no public API for it."""
    instance.event_log_storage.free_concurrency_slots_for_run(run_id)


def report_run_failed(instance: dg.DagsterInstance, run: dg.DagsterRun, message: str) -> None:
    """How Dagster's own run monitoring ends the run of a dead worker; Dagster has no
    public API that marks a run failed."""
    instance.report_run_failed(run, message)


def report_run_canceled(instance: dg.DagsterInstance, run: dg.DagsterRun, message: str) -> None:
    """The cancellation counterpart of ``report_run_failed``, for a run being canceled."""
    instance.report_run_canceled(run, message)


class DbtCoreCliResource(DbtCliResource):
    """``DbtCliResource`` for dbt Core installed beside Dagster, without two start-up costs.

    It overrides two private members of dagster-dbt (there is no public switch for either):
    the ``dbt --version`` subprocess run before every invocation (to tell dbt Core from the
    Fusion engine), and the in-process dbt adapter built for ``fetch_column_metadata`` and
    ``fetch_row_counts``, which this platform does not use.
    """

    def __init__(self, project_dir: str | Path | DbtProject, **kwargs: Any) -> None:
        # Restates DbtCliResource's own signature: type checkers read a subclass's
        # constructor from its pydantic fields, where project_dir is only a str.
        super().__init__(project_dir=project_dir, **kwargs)

    @cached_property
    def _cli_version(self) -> version.Version:
        """The dbt Core package's version: the dbt on PATH is this package's entry point
        (``dbt_executable``), so asking it in a subprocess would tell the same."""
        return version.parse(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Any) -> Any:
        """No in-process adapter: dagster-dbt accepts an invocation without one."""
        return None
