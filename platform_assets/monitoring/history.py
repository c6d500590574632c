"""The one reader of the instance's history: what happened to assets, as plain records.

Three readers share it. The alert sensor follows new events with a cursor
(``start_watching``, ``read_new_records``); the SLA attainment and the scorecard read one
asset's window (``read_history``, ``read_alerts``); the checks read a metric's past from
their asset's materialization metadata (``metric_history``). Each record knows the
``ConditionEvent`` it amounts to, so everything downstream (the incident tracker, the
attainment figures) works on plain records and can be tested with hand-written histories.

The default SQLite storage keeps each run's events in its own shard, so there is no single
cross-run cursor for check evaluations. The tail therefore follows three streams: run
status changes (to discover runs), the events of each run until it finishes, and the
runless stream (freshness state changes and events reported from outside a run). Each
stream is read one page per tick, so a backlog after downtime drains over a few ticks
instead of timing a tick out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Final, Protocol, TypeVar

import dagster as dg

from platform_assets.compat import (
    RUNLESS_RUN_ID,
    FreshnessState,
    FreshnessStateChange,
    asset_event_records,
    check_execution_history,
)
from platform_assets.monitoring.alert import ALERT_KEY, Alert
from platform_assets.monitoring.incidents import (
    FRESHNESS,
    RUN_FAILURE,
    ConditionEvent,
    Severity,
    TransitionKind,
    check_condition,
)
from platform_assets.stages.contract_metadata import metadata_value

PAGE_SIZE: Final = 1000
T = TypeVar("T")
ROW_COUNT_KEY: Final = "dagster/row_count"

FAILING_FRESHNESS = {
    FreshnessState.WARN.value: Severity.WARNING,
    FreshnessState.FAIL.value: Severity.CRITICAL,
}
#: NOT_APPLICABLE clears too: an asset whose policy was removed is no longer late.
CLEARED_FRESHNESS = frozenset({FreshnessState.PASS.value, FreshnessState.NOT_APPLICABLE.value})

WATCHED_EVENTS: Final = {
    dg.DagsterEventType.ASSET_MATERIALIZATION,
    dg.DagsterEventType.ASSET_CHECK_EVALUATION,
    dg.DagsterEventType.FRESHNESS_STATE_CHANGE,
}
RUN_STARTED_EVENT: Final = dg.DagsterEventType.RUN_START
RUN_FAILED_EVENT: Final = dg.DagsterEventType.RUN_FAILURE
IN_PROGRESS: Final = [
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]
FINISHED: Final = frozenset(
    {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}
)


@dataclass(frozen=True)
class Materialization:
    asset_key: str
    timestamp: float
    partition: str = ""
    run_id: str | None = None

    def condition_event(self) -> ConditionEvent:
        """A materialization is what clears a failed run's condition."""
        return ConditionEvent(
            self.asset_key,
            RUN_FAILURE,
            False,
            self.timestamp,
            partition=self.partition,
            run_id=self.run_id,
        )


@dataclass(frozen=True)
class FailedAttempt:
    """A run that planned to materialize the asset ended in failure without doing so."""

    asset_key: str
    timestamp: float
    run_id: str
    partition: str = ""

    def condition_event(self) -> ConditionEvent:
        where = f" (partition {self.partition})" if self.partition else ""
        return ConditionEvent(
            self.asset_key,
            RUN_FAILURE,
            True,
            self.timestamp,
            Severity.CRITICAL,
            self.partition,
            f"run {self.run_id} failed before materializing it{where}",
            self.run_id,
        )


@dataclass(frozen=True)
class CheckOutcome:
    asset_key: str
    check_name: str
    passed: bool
    timestamp: float
    severity: Severity = Severity.CRITICAL
    partition: str = ""
    description: str = ""
    run_id: str | None = None

    def condition_event(self) -> ConditionEvent:
        summary = f"check {self.check_name} failed" + (
            f": {self.description}" if self.description else ""
        )
        return ConditionEvent(
            self.asset_key,
            check_condition(self.check_name),
            not self.passed,
            self.timestamp,
            self.severity,
            self.partition,
            summary,
            self.run_id,
        )


@dataclass(frozen=True)
class FreshnessChange:
    asset_key: str
    state: str
    """PASS, WARN, FAIL, UNKNOWN or NOT_APPLICABLE, as the freshness daemon records it."""
    timestamp: float
    previous_state: str = ""

    @property
    def fresh(self) -> bool | None:
        """True on PASS/NOT_APPLICABLE, False on WARN/FAIL, None when UNKNOWN."""
        if self.state in FAILING_FRESHNESS:
            return False
        return True if self.state in CLEARED_FRESHNESS else None

    def condition_event(self) -> ConditionEvent | None:
        if self.fresh is None:
            return None
        return ConditionEvent(
            self.asset_key,
            FRESHNESS,
            not self.fresh,
            self.timestamp,
            FAILING_FRESHNESS.get(self.state, Severity.WARNING),
            summary=f"freshness {self.state} (was {self.previous_state or 'unknown'})",
        )


HistoryRecord = Materialization | FailedAttempt | CheckOutcome | FreshnessChange


@dataclass(frozen=True)
class AlertRecord:
    """An alert as history remembers it."""

    asset_key: str
    alert_id: str
    kind: TransitionKind
    condition: str
    time_to_detect_seconds: float
    detected_at: float


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


@dataclass
class TailPosition:
    """Where the tail has read each event stream up to; the alert sensor keeps it in its
    cursor."""

    runless_cursor: str
    """Event-log cursor in the runless stream (freshness changes, reported events)."""
    run_status_cursors: dict[str, str]
    """Event-log cursor per run status event type that discovers runs."""
    active_runs: dict[str, str | None] = field(default_factory=dict)
    """Runs being followed, with the event-log cursor within each (None: from the start)."""


@dataclass(frozen=True)
class MetricHistory:
    latest: float | None
    """The value on the newest materialization, None when it did not record one."""
    previous: list[float]
    """The values on the materializations before it, newest first."""


_CHECK_SEVERITY = {
    dg.AssetCheckSeverity.ERROR: Severity.CRITICAL,
    dg.AssetCheckSeverity.WARN: Severity.WARNING,
}


def record_from_entry(entry: dg.EventLogEntry) -> HistoryRecord | None:
    """The plain record for a materialization, check evaluation or freshness state change."""
    event = entry.dagster_event
    if event is None:
        return None
    data = event.event_specific_data
    if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION and event.asset_key:
        return Materialization(
            event.asset_key.to_user_string(),
            entry.timestamp,
            event.partition or "",
            entry.run_id or None,
        )
    if isinstance(data, dg.AssetCheckEvaluation):
        return CheckOutcome(
            data.asset_key.to_user_string(),
            data.check_name,
            data.passed,
            entry.timestamp,
            _CHECK_SEVERITY[data.severity],
            data.partition or "",
            data.description or "",
            entry.run_id or None,
        )
    if isinstance(data, FreshnessStateChange):
        return FreshnessChange(
            data.key.to_user_string(),
            data.new_state.value,
            data.state_change_timestamp,
            data.previous_state.value,
        )
    return None


def condition_events(records: Iterable[HistoryRecord]) -> list[ConditionEvent]:
    """The records' condition events in time order, the order the tracker must see them."""
    events = (record.condition_event() for record in records)
    return sorted((e for e in events if e is not None), key=lambda e: e.timestamp)


# One asset's window: the SLA attainment and the scorecard.


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
    materializations = _all_pages(
        lambda cursor: instance.fetch_materializations(
            in_window, limit=PAGE_SIZE, cursor=cursor, ascending=True
        )
    )
    freshness_changes = _event_records(
        instance, dg.DagsterEventType.FRESHNESS_STATE_CHANGE, asset_key, window_start, window_end
    )
    return AssetHistory(
        key,
        window_start,
        window_end,
        materializations=_of_type(Materialization, _records(materializations)),
        materialized_before_window=before[0].timestamp if before else None,
        failed_attempts=tuple(_failed_attempts(instance, asset_key, window_start, window_end)),
        check_outcomes=tuple(
            r
            for check_key in check_keys
            for r in _of_type(
                CheckOutcome, _records(_check_evaluations(instance, check_key, window_start))
            )
            if window_start <= r.timestamp < window_end
        ),
        freshness_changes=_of_type(FreshnessChange, _records(freshness_changes)),
        alerts=tuple(read_alerts(instance, asset_key, window_start, window_end)),
    )


def read_alerts(
    instance: dg.DagsterInstance, asset_key: dg.AssetKey, after: float, before: float
) -> list[AlertRecord]:
    """The alerts about ``asset_key`` recorded (``alert.record_alert``) between ``after``
    and ``before``."""
    records_filter = dg.AssetRecordsFilter(
        asset_key=asset_key, after_timestamp=after, before_timestamp=before
    )
    observations = _all_pages(
        lambda cursor: instance.fetch_observations(
            records_filter, limit=PAGE_SIZE, cursor=cursor, ascending=True
        )
    )
    alerts = []
    for record in observations:
        observation = record.event_log_entry.asset_observation
        raw = observation.metadata.get(ALERT_KEY) if observation else None
        if raw is None or not isinstance(raw.value, dict):
            continue
        alert = Alert.from_dict(raw.value)
        alerts.append(
            AlertRecord(
                alert.asset_key,
                alert.alert_id,
                alert.kind,
                alert.condition,
                alert.time_to_detect_seconds,
                alert.detected_at,
            )
        )
    return alerts


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
        page = check_execution_history(instance, check_key, limit=PAGE_SIZE, cursor=cursor)
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
        page = asset_event_records(
            instance,
            dg.EventRecordsFilter(
                event_type,
                asset_key=asset_key,
                after_timestamp=window_start,
                before_timestamp=window_end,
                after_cursor=after,
            ),
            limit=PAGE_SIZE,
        )
        yield from (record.event_log_entry for record in page)
        if len(page) < PAGE_SIZE:
            return
        after = page[-1].storage_id


# The tail of new events: the alert sensor.


def start_watching(instance: dg.DagsterInstance) -> TailPosition:
    """A position that reads from now on, plus the runs already in flight."""
    runless = instance.get_records_for_run(RUNLESS_RUN_ID, limit=1, ascending=False)
    return TailPosition(
        runless_cursor=runless.cursor,
        run_status_cursors={
            event_type.value: instance.fetch_run_status_changes(event_type, limit=1).cursor
            for event_type in (RUN_STARTED_EVENT, RUN_FAILED_EVENT)
        },
        active_runs={
            record.dagster_run.run_id: None
            for record in instance.get_run_records(dg.RunsFilter(statuses=IN_PROGRESS))
        },
    )


def read_new_records(instance: dg.DagsterInstance, position: TailPosition) -> list[HistoryRecord]:
    """The records written since the last tick; advances ``position``."""
    records = _read_runless(instance, position)
    records.extend(_discover_runs(instance, position))
    records.extend(_read_active_runs(instance, position))
    return records


def _read_runless(instance: dg.DagsterInstance, position: TailPosition) -> list[HistoryRecord]:
    page = instance.get_records_for_run(
        RUNLESS_RUN_ID, cursor=position.runless_cursor, of_type=WATCHED_EVENTS, limit=PAGE_SIZE
    )
    position.runless_cursor = page.cursor
    return list(_records(page.records))


def _discover_runs(instance: dg.DagsterInstance, position: TailPosition) -> list[HistoryRecord]:
    """Started runs are followed from their first event. A run that failed without ever
    starting (e.g. it could not be launched) has nothing to follow: its failure is read at
    once."""
    started = _status_changes(instance, position, RUN_STARTED_EVENT)
    for run_id in started:
        position.active_runs.setdefault(run_id, None)
    never_started = [
        record
        for record in _run_records(instance, _status_changes(instance, position, RUN_FAILED_EVENT))
        if record.start_time is None
    ]
    return [attempt for record in never_started for attempt in failed_attempts(instance, record)]


def _status_changes(
    instance: dg.DagsterInstance, position: TailPosition, event_type: dg.DagsterEventType
) -> list[str]:
    page = instance.fetch_run_status_changes(
        event_type,
        limit=PAGE_SIZE,
        cursor=position.run_status_cursors[event_type.value],
        ascending=True,
    )
    position.run_status_cursors[event_type.value] = page.cursor
    return [record.event_log_entry.run_id for record in page.records]


def _read_active_runs(instance: dg.DagsterInstance, position: TailPosition) -> list[HistoryRecord]:
    records: list[HistoryRecord] = []
    active = position.active_runs
    run_records = {r.dagster_run.run_id: r for r in _run_records(instance, list(active))}
    for run_id in list(active):
        run_record = run_records.get(run_id)
        if run_record is None:  # deleted while we followed it
            del active[run_id]
            continue
        # The status is read before the events: once a run is finished, all its events
        # are stored, so this page (if it is the last) holds everything it will ever log.
        finished = run_record.dagster_run.status in FINISHED
        page = instance.get_records_for_run(
            run_id, cursor=active[run_id], of_type=WATCHED_EVENTS, limit=PAGE_SIZE
        )
        active[run_id] = page.cursor
        records.extend(_records(page.records))
        if finished and not page.has_more:
            del active[run_id]
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
    pages = _all_pages(
        lambda cursor: instance.get_records_for_run(
            run_id, cursor=cursor, of_type=event_type, limit=PAGE_SIZE
        )
    )
    for record in pages:
        event = record.event_log_entry.dagster_event
        if event is None or event.asset_key is None:
            continue
        key = event.asset_key.to_user_string()
        # A single-run backfill plans a range of partitions in one event.
        subset = event.partitions_subset
        partitions = subset.get_partition_keys() if subset else [event.partition or ""]
        found.update((key, partition) for partition in partitions)
    return found


def _run_records(instance: dg.DagsterInstance, run_ids: list[str]) -> list[dg.RunRecord]:
    if not run_ids:
        return []
    return list(instance.get_run_records(dg.RunsFilter(run_ids=run_ids)))


# A metric's past: the checks.


def metric_history(
    instance: dg.DagsterInstance, asset_key: dg.AssetKey, metadata_key: str, *, window: int
) -> MetricHistory:
    """The numeric ``metadata_key`` on the newest materialization and the ``window``
    before it; materializations that did not record it are skipped. The newest is the one
    that wrote the table a check reads: it is the present, the rest is the history."""
    records = instance.fetch_materializations(asset_key, limit=window + 1).records
    values = [_numeric(record, metadata_key) for record in records]
    if not values:
        return MetricHistory(latest=None, previous=[])
    return MetricHistory(
        latest=values[0], previous=[value for value in values[1:] if value is not None]
    )


def _numeric(record: dg.EventLogRecord, metadata_key: str) -> float | None:
    materialization = record.asset_materialization
    if materialization is None:
        return None
    value = metadata_value(materialization.metadata, metadata_key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


# Shared plumbing.


class _Page(Protocol):
    """A page of records with a cursor, as every ``fetch_*`` method of the instance and
    ``get_records_for_run`` return it."""

    @property
    def records(self) -> Sequence[dg.EventLogRecord]: ...

    @property
    def cursor(self) -> str: ...

    @property
    def has_more(self) -> bool: ...


def _all_pages(fetch: Callable[[str | None], _Page]) -> Iterator[dg.EventLogRecord]:
    """Every record of a paged ``fetch_*``/``get_records_for_run`` query."""
    cursor = None
    while True:
        page = fetch(cursor)
        yield from page.records
        if not page.has_more:
            return
        cursor = page.cursor


def _records(entries: Iterable[dg.EventLogEntry | dg.EventLogRecord]) -> Iterator[HistoryRecord]:
    for item in entries:
        entry = item.event_log_entry if isinstance(item, dg.EventLogRecord) else item
        record = record_from_entry(entry)
        if record is not None:
            yield record


def _of_type(kind: type[T], records: Iterable[HistoryRecord]) -> tuple[T, ...]:
    return tuple(r for r in records if isinstance(r, kind))
