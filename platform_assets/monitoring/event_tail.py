"""Reads what happened since the sensor's last tick, on any Dagster storage.

The default SQLite storage keeps each run's events in its own shard, so there is no
single cross-run cursor for check evaluations. The tail therefore follows three streams:
run status changes (to discover runs), the events of each run until it finishes, and the
runless stream (freshness state changes and events reported from outside a run). Each
stream is read one page per tick, so a backlog after downtime drains over a few ticks
instead of timing a tick out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import dagster as dg

# The run id under which Dagster stores runless events (freshness state changes, reported
# materializations and check evaluations); Dagster exposes no public name for it.
from dagster._core.instance.utils import RUNLESS_RUN_ID

from platform_assets.monitoring.history_records import (
    FailedAttempt,
    HistoryRecord,
    record_from_entry,
)
from platform_assets.monitoring.sensor_state import AlertSensorState

PAGE_SIZE: Final = 1000
WATCHED_EVENTS: Final = {
    dg.DagsterEventType.ASSET_MATERIALIZATION,
    dg.DagsterEventType.ASSET_CHECK_EVALUATION,
    dg.DagsterEventType.FRESHNESS_STATE_CHANGE,
}
RUN_START: Final = dg.DagsterEventType.RUN_START
RUN_FAILURE: Final = dg.DagsterEventType.RUN_FAILURE
IN_PROGRESS: Final = [
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]
FINISHED: Final = frozenset(
    {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}
)


def start_watching(instance: dg.DagsterInstance) -> AlertSensorState:
    """A fresh state that reads from now on, plus the runs already in flight."""
    runless = instance.get_records_for_run(RUNLESS_RUN_ID, limit=1, ascending=False)
    return AlertSensorState(
        runless_cursor=runless.cursor,
        run_status_cursors={
            event_type.value: instance.fetch_run_status_changes(event_type, limit=1).cursor
            for event_type in (RUN_START, RUN_FAILURE)
        },
        active_runs={
            record.dagster_run.run_id: None
            for record in instance.get_run_records(dg.RunsFilter(statuses=IN_PROGRESS))
        },
    )


def read_new_records(instance: dg.DagsterInstance, state: AlertSensorState) -> list[HistoryRecord]:
    """The records written since the last tick; advances the cursors in ``state``."""
    records = _read_runless(instance, state)
    records.extend(_discover_runs(instance, state))
    records.extend(_read_active_runs(instance, state))
    return records


def _read_runless(instance: dg.DagsterInstance, state: AlertSensorState) -> list[HistoryRecord]:
    page = instance.get_records_for_run(
        RUNLESS_RUN_ID, cursor=state.runless_cursor, of_type=WATCHED_EVENTS, limit=PAGE_SIZE
    )
    state.runless_cursor = page.cursor
    return _records(record.event_log_entry for record in page.records)


def _discover_runs(instance: dg.DagsterInstance, state: AlertSensorState) -> list[HistoryRecord]:
    """Started runs are followed from their first event. A run that failed without ever
    starting (e.g. it could not be launched) has nothing to follow: its failure is read at
    once."""
    started = _status_changes(instance, state, RUN_START)
    for run_id in started:
        state.active_runs.setdefault(run_id, None)
    never_started = [
        record
        for record in _run_records(instance, _status_changes(instance, state, RUN_FAILURE))
        if record.start_time is None
    ]
    return [attempt for record in never_started for attempt in failed_attempts(instance, record)]


def _status_changes(
    instance: dg.DagsterInstance, state: AlertSensorState, event_type: dg.DagsterEventType
) -> list[str]:
    page = instance.fetch_run_status_changes(
        event_type,
        limit=PAGE_SIZE,
        cursor=state.run_status_cursors[event_type.value],
        ascending=True,
    )
    state.run_status_cursors[event_type.value] = page.cursor
    return [record.event_log_entry.run_id for record in page.records]


def _read_active_runs(instance: dg.DagsterInstance, state: AlertSensorState) -> list[HistoryRecord]:
    records: list[HistoryRecord] = []
    run_records = {r.dagster_run.run_id: r for r in _run_records(instance, list(state.active_runs))}
    for run_id in list(state.active_runs):
        run_record = run_records.get(run_id)
        if run_record is None:  # deleted while we followed it
            del state.active_runs[run_id]
            continue
        # The status is read before the events: once a run is finished, all its events
        # are stored, so this page (if it is the last) holds everything it will ever log.
        finished = run_record.dagster_run.status in FINISHED
        page = instance.get_records_for_run(
            run_id, cursor=state.active_runs[run_id], of_type=WATCHED_EVENTS, limit=PAGE_SIZE
        )
        state.active_runs[run_id] = page.cursor
        records.extend(_records(record.event_log_entry for record in page.records))
        if finished and not page.has_more:
            del state.active_runs[run_id]
            records.extend(failed_attempts(instance, run_record))
    return records


def failed_attempts(instance: dg.DagsterInstance, run_record: dg.RunRecord) -> list[FailedAttempt]:
    """The asset partitions a failed run planned and did not materialize."""
    run = run_record.dagster_run
    if run.status is not dg.DagsterRunStatus.FAILURE:
        return []
    planned = _asset_partitions(
        instance, run.run_id, dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED
    )
    done = _asset_partitions(instance, run.run_id, dg.DagsterEventType.ASSET_MATERIALIZATION)
    failed_at = run_record.end_time or run_record.update_timestamp.timestamp()
    return [
        FailedAttempt(asset_key, failed_at, run.run_id, partition)
        for asset_key, partition in sorted(planned - done)
    ]


def _asset_partitions(
    instance: dg.DagsterInstance, run_id: str, event_type: dg.DagsterEventType
) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    cursor = None
    while True:
        page = instance.get_records_for_run(
            run_id, cursor=cursor, of_type=event_type, limit=PAGE_SIZE
        )
        for record in page.records:
            event = record.event_log_entry.dagster_event
            if event is None or event.asset_key is None:
                continue
            key = event.asset_key.to_user_string()
            # A single-run backfill plans a range of partitions in one event.
            subset = event.partitions_subset
            partitions = subset.get_partition_keys() if subset else [event.partition or ""]
            found.update((key, partition) for partition in partitions)
        if not page.has_more:
            return found
        cursor = page.cursor


def _run_records(instance: dg.DagsterInstance, run_ids: list[str]) -> list[dg.RunRecord]:
    if not run_ids:
        return []
    return list(instance.get_run_records(dg.RunsFilter(run_ids=run_ids)))


def _records(entries: Iterator[dg.EventLogEntry]) -> list[HistoryRecord]:
    return [record for record in map(record_from_entry, entries) if record is not None]
