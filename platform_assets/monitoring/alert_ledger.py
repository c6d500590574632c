"""Records every alert in the instance, as an observation of the asset it is about.

The instance's history then says when each problem was detected, not only when it
happened: the SLA attainment reads mean time to detect from here, and the asset's page
in the UI lists its alerts and plots time to detect (numeric metadata is charted).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

import dagster as dg

from platform_assets.monitoring.alert import Alert
from platform_assets.monitoring.incident_tracker import TransitionKind

ALERT_KEY: Final = "platform/alert"
TIME_TO_DETECT_KEY: Final = "platform/alert_time_to_detect_seconds"
PAGE_SIZE: Final = 500


@dataclass(frozen=True)
class AlertRecord:
    """An alert as history remembers it."""

    asset_key: str
    alert_id: str
    kind: TransitionKind
    condition: str
    time_to_detect_seconds: float
    detected_at: float


def record_alert(instance: dg.DagsterInstance, alert: Alert) -> None:
    instance.report_runless_asset_event(
        dg.AssetObservation(
            asset_key=dg.AssetKey.from_user_string(alert.asset_key),
            description=alert.title(),
            metadata={
                ALERT_KEY: dg.MetadataValue.json(alert.to_dict()),
                TIME_TO_DETECT_KEY: dg.MetadataValue.float(alert.time_to_detect_seconds),
            },
        )
    )


def read_alerts(
    instance: dg.DagsterInstance, asset_key: dg.AssetKey, after: float, before: float
) -> list[AlertRecord]:
    """The alerts about ``asset_key`` recorded between ``after`` and ``before``."""
    alerts = []
    for entry in _observations(instance, asset_key, after, before):
        observation = entry.asset_observation
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


def _observations(
    instance: dg.DagsterInstance, asset_key: dg.AssetKey, after: float, before: float
) -> Iterator[dg.EventLogEntry]:
    records_filter = dg.AssetRecordsFilter(
        asset_key=asset_key, after_timestamp=after, before_timestamp=before
    )
    cursor = None
    while True:
        result = instance.fetch_observations(
            records_filter, limit=PAGE_SIZE, cursor=cursor, ascending=True
        )
        yield from (record.event_log_entry for record in result.records)
        if not result.has_more:
            return
        cursor = result.cursor
