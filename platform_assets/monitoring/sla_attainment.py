"""SLA attainment: how far an asset kept its ``Sla`` over the trailing window.

Figures, each over ``[now - window_days, now)``:

- freshness attainment: the share of the window during which the latest materialization
  was younger than ``Sla.freshness_hours`` (time before the first known materialization
  counts as stale);
- check pass rate: passed check evaluations / all check evaluations;
- success rate: materializations / (materializations + failed attempts), where a failed
  attempt is a run that planned the asset and failed without materializing it;
- mean time to detect: failing event to alert, over the alerts that opened incidents;
- mean time to resolve: first failing event to the event that cleared the incident (the
  check passing again, freshness back to PASS, a later materialization), over incidents
  that opened and resolved in the window.

``met`` compares the first three with the Sla's targets (``freshness_attainment``,
``check_pass_rate``, ``success_rate``).
``evidence`` is False when no materialization precedes the window: the window is not
fully observed and ``met`` is False whatever the figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import dagster as dg

from platform_assets.monitoring.history import (
    AlertRecord,
    AssetHistory,
    CheckOutcome,
    HistoryRecord,
    condition_events,
    read_history,
)
from platform_assets.monitoring.incidents import IncidentTracker, TransitionKind
from platform_assets.stages.contract_metadata import METRIC_ALERT_CHECK_KEY, Sla, metadata_value


@dataclass(frozen=True)
class Attainment:
    asset_key: str
    window_start: float
    window_end: float
    freshness_attainment: float
    check_pass_rate: float | None
    """None when no check was evaluated in the window."""
    success_rate: float | None
    """None when nothing was attempted in the window."""
    mean_time_to_detect_seconds: float | None
    mean_time_to_resolve_seconds: float | None
    materializations: int
    failed_attempts: int
    check_evaluations: int
    incidents_resolved: int
    evidence: bool
    met: bool
    shortfalls: tuple[str, ...]
    """Why ``met`` is False, one sentence per missed target."""


def fresh_share(
    materialized_at: Iterable[float], freshness_seconds: float, start: float, end: float
) -> float:
    """The share of ``[start, end)`` covered by ``[m, m + freshness)`` for some
    materialization time ``m``: the time the data was fresh."""
    if end <= start:
        raise ValueError(f"empty window: start {start} is not before end {end}")
    covered = 0.0
    reach = start
    for moment in sorted(materialized_at):
        fresh_from, fresh_until = max(moment, reach), min(moment + freshness_seconds, end)
        if fresh_until > fresh_from:
            covered += fresh_until - fresh_from
            reach = fresh_until
    return covered / (end - start)


def check_pass_rate(outcomes: Sequence[CheckOutcome]) -> float | None:
    if not outcomes:
        return None
    return sum(outcome.passed for outcome in outcomes) / len(outcomes)


def success_rate(materializations: int, failed_attempts: int) -> float | None:
    attempts = materializations + failed_attempts
    return materializations / attempts if attempts else None


def mean_time_to_detect(alerts: Iterable[AlertRecord]) -> float | None:
    return _mean([a.time_to_detect_seconds for a in alerts if a.kind is TransitionKind.OPENED])


def resolution_times(history: AssetHistory) -> list[float]:
    """Seconds from first failure to clearing, per incident resolved in the window."""
    tracker = IncidentTracker()
    records: list[HistoryRecord] = [
        *history.materializations,
        *history.failed_attempts,
        *history.check_outcomes,
        *history.freshness_changes,
    ]
    times = []
    for event in condition_events(records):
        transition = tracker.observe(event)
        if transition is not None and transition.kind is TransitionKind.RESOLVED:
            times.append(event.timestamp - transition.incident.opened_at)
    return times


def summarize(history: AssetHistory, sla: Sla) -> Attainment:
    """The attainment figures of ``history`` against ``sla``."""
    materialized_at = [m.timestamp for m in history.materializations]
    if history.materialized_before_window is not None:
        materialized_at.append(history.materialized_before_window)
    freshness = fresh_share(
        materialized_at, sla.freshness.total_seconds(), history.window_start, history.window_end
    )
    checks = check_pass_rate(history.check_outcomes)
    success = success_rate(len(history.materializations), len(history.failed_attempts))
    resolved = resolution_times(history)
    evidence = history.materialized_before_window is not None
    shortfalls = []
    if not evidence:
        shortfalls.append("not enough history: no materialization before the window starts")
    for label, value, target in (
        ("freshness attainment", freshness, sla.freshness_attainment),
        ("check pass rate", checks, sla.check_pass_rate),
        ("success rate", success, sla.success_rate),
    ):
        if value is not None and value < target:
            shortfalls.append(f"{label} {value:.2%} is below the {target:.2%} target")
    return Attainment(
        asset_key=history.asset_key,
        window_start=history.window_start,
        window_end=history.window_end,
        freshness_attainment=freshness,
        check_pass_rate=checks,
        success_rate=success,
        mean_time_to_detect_seconds=mean_time_to_detect(history.alerts),
        mean_time_to_resolve_seconds=_mean(resolved),
        materializations=len(history.materializations),
        failed_attempts=len(history.failed_attempts),
        check_evaluations=len(history.check_outcomes),
        incidents_resolved=len(resolved),
        evidence=evidence,
        met=not shortfalls,
        shortfalls=tuple(shortfalls),
    )


def attainment_for(
    instance: dg.DagsterInstance,
    asset_key: dg.AssetKey,
    sla: Sla,
    now: datetime,
    *,
    check_keys: Iterable[dg.AssetCheckKey] = (),
) -> Attainment:
    """The asset's attainment over the Sla's trailing window ending at ``now``.

    Pass the asset's ``check_keys`` (``AssetsDefinition.check_keys``, or the asset node's):
    the instance cannot list an asset's checks, and without them the check pass rate is
    None (not measured).
    """
    end = now.timestamp()
    start = (now - timedelta(days=sla.window_days)).timestamp()
    return summarize(read_history(instance, asset_key, start, end, check_keys), sla)


def sla_check_keys(graph: Any) -> dict[str, list[dg.AssetCheckKey]]:
    """The checks whose evaluations count in each asset's check pass rate, by asset key
    (``raw/deployments``), from a resolved asset graph: every check but the metric alerts
    (``METRIC_ALERT_CHECK_KEY``), which report what a metric says, not whether the data is
    sound. A change failure rate above its bound is not a broken table."""
    return {
        node.key.to_user_string(): [
            key
            for key in node.check_keys
            if not metadata_value(graph.get_check_spec(key).metadata or {}, METRIC_ALERT_CHECK_KEY)
        ]
        for node in graph.asset_nodes
    }


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None
