"""Reads one asset's history over a window from the instance into plain records.

The only part of the SLA attainment that touches Dagster; the figures are computed from
its ``AssetHistory`` by pure functions (``sla_attainment``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final

import dagster as dg

from platform_assets.monitoring.alert_ledger import AlertRecord, read_alerts
from platform_assets.monitoring.event_tail import failed_attempts
from platform_assets.monitoring.history_records import (
    CheckOutcome,
    FailedAttempt,
    FreshnessChange,
    Materialization,
    record_from_entry,
)

PAGE_SIZE: Final = 1000


@dataclass(frozen=True)
class AssetHistory:
    asset_key: str
    window_start: float
    window_end: float
    materializations: tuple[Materialization, ...] = ()
    """Materializations inside the window, oldest first."""
    materialized_before_window: float | None = None
    """The latest materialization before the window, if any: history reaches back past
    the window's start, and the data's age at that start is known."""
    failed_attempts: tuple[FailedAttempt, ...] = ()
    check_outcomes: tuple[CheckOutcome, ...] = ()
    freshness_changes: tuple[FreshnessChange, ...] = ()
    alerts: tuple[AlertRecord, ...] = ()


def read_history(
    instance: dg.DagsterInstance,
    asset_key: dg.AssetKey,
    window_start: float,
    window_end: float,
    check_keys: Iterable[dg.AssetCheckKey] = (),
) -> AssetHistory:
    key = asset_key.to_user_string()
    in_window = dg.AssetRecordsFilter(
        asset_key=asset_key, after_timestamp=window_start, before_timestamp=window_end
    )
    before = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=asset_key, before_timestamp=window_start), limit=1
    ).records
    return AssetHistory(
        key,
        window_start,
        window_end,
        materializations=tuple(
            r
            for r in _records(_materializations(instance, in_window))
            if isinstance(r, Materialization)
        ),
        materialized_before_window=before[0].timestamp if before else None,
        failed_attempts=tuple(_failed_attempts(instance, asset_key, window_start, window_end)),
        check_outcomes=tuple(
            r
            for check_key in check_keys
            for r in _records(_check_evaluations(instance, check_key, window_start))
            if isinstance(r, CheckOutcome) and window_start <= r.timestamp < window_end
        ),
        freshness_changes=tuple(
            r
            for r in _records(
                _event_records(
                    instance,
                    dg.DagsterEventType.FRESHNESS_STATE_CHANGE,
                    asset_key,
                    window_start,
                    window_end,
                )
            )
            if isinstance(r, FreshnessChange)
        ),
        alerts=tuple(read_alerts(instance, asset_key, window_start, window_end)),
    )


def _materializations(
    instance: dg.DagsterInstance, records_filter: dg.AssetRecordsFilter
) -> Iterator[dg.EventLogEntry]:
    cursor = None
    while True:
        page = instance.fetch_materializations(
            records_filter, limit=PAGE_SIZE, cursor=cursor, ascending=True
        )
        yield from (record.event_log_entry for record in page.records)
        if not page.has_more:
            return
        cursor = page.cursor


def _failed_attempts(
    instance: dg.DagsterInstance, asset_key: dg.AssetKey, window_start: float, window_end: float
) -> list[FailedAttempt]:
    """Runs that planned the asset in the window and failed without materializing it."""
    planned = _event_records(
        instance,
        dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED,
        asset_key,
        window_start,
        window_end,
    )
    run_ids = sorted({entry.run_id for entry in planned})
    if not run_ids:
        return []
    key = asset_key.to_user_string()
    return sorted(
        (
            attempt
            for run_record in instance.get_run_records(dg.RunsFilter(run_ids=run_ids))
            for attempt in failed_attempts(instance, run_record)
            if attempt.asset_key == key and window_start <= attempt.timestamp < window_end
        ),
        key=lambda attempt: attempt.timestamp,
    )


def _check_evaluations(
    instance: dg.DagsterInstance, check_key: dg.AssetCheckKey, window_start: float
) -> Iterator[dg.EventLogEntry]:
    """Newest first, until the executions predate the window."""
    cursor = None
    while True:
        # Check executions have no public accessor on the instance; the storage's is used.
        page = instance.event_log_storage.get_asset_check_execution_history(
            check_key, limit=PAGE_SIZE, cursor=cursor
        )
        for execution in page:
            if execution.create_timestamp < window_start:
                return
            if execution.event is not None:
                yield execution.event
        if len(page) < PAGE_SIZE:
            return
        cursor = page[-1].id


def _event_records(
    instance: dg.DagsterInstance,
    event_type: dg.DagsterEventType,
    asset_key: dg.AssetKey,
    window_start: float,
    window_end: float,
) -> Iterator[dg.EventLogEntry]:
    """Asset events that have no ``fetch_*`` method on the instance, oldest first."""
    after: int | None = None
    while True:
        page = instance.event_log_storage.get_event_records(
            dg.EventRecordsFilter(
                event_type,
                asset_key=asset_key,
                after_timestamp=window_start,
                before_timestamp=window_end,
                after_cursor=after,
            ),
            limit=PAGE_SIZE,
            ascending=True,
        )
        yield from (record.event_log_entry for record in page)
        if len(page) < PAGE_SIZE:
            return
        after = page[-1].storage_id


def _records(entries: Iterable[dg.EventLogEntry]) -> Iterator[object]:
    for entry in entries:
        record = record_from_entry(entry)
        if record is not None:
            yield record
