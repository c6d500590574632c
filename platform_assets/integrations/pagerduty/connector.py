"""The PagerDuty REST API's incidents as a Connector for ``incidents``.

Pages by ``offset``/``limit`` while the response says ``more``. The cursor is the
creation time from which to list again: the oldest incident still open (so that its
resolution is picked up), else the newest one seen.

The incidents API filters on creation time only, so an incident changed at the source
after the cursor passed it (retitled, re-prioritised, resolved after being read as
resolved elsewhere) would never be read again. Each incremental pull therefore starts a
look-back window before the cursor; the idempotent merge makes re-reading safe, and
only what changed is updated.

A read without a cursor (the first, a full refresh, a recovery from a bad cursor) lists
every incident of the configured services (``date_range=all``), so it is a snapshot of
the table: an incident it no longer returns (deleted, or of a service no longer
configured) is soft-deleted. PagerDuty reports no deletions to an incremental read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from platform_assets.ingestion import (
    RecordBatch,
    RequestStats,
    ResilientHttpClient,
    SnapshotScope,
    offset_pages,
)
from platform_assets.ingestion.cursor_checks import timestamp_problem
from platform_assets.ingestion.payload_fields import field, get, present

SOURCE: Final = "pagerduty"
PAGE_SIZE: Final = 100
#: PagerDuty media type for REST API v2; the token goes in ``Authorization``.
ACCEPT: Final = "application/vnd.pagerduty+json;version=2"
DEFAULT_LOOKBACK: Final = timedelta(days=30)


@dataclass(frozen=True)
class PagerDutySettings:
    service_ids: tuple[str, ...] = ()
    #: How far before the cursor each incremental pull starts, so that recent incidents
    #: changed at the source are read again.
    lookback: timedelta = DEFAULT_LOOKBACK

    def __post_init__(self) -> None:
        if self.lookback < timedelta(0):
            raise ValueError("lookback must not be negative")


def auth_headers(token: str) -> dict[str, str]:
    headers = {"Accept": ACCEPT}
    if token:
        headers["Authorization"] = f"Token token={token}"
    return headers


def incident_record(incident: Any) -> dict[str, Any]:
    resolved = get(incident, "status") == "resolved"
    resolved_at = get(incident, "resolved_at") or (
        get(incident, "last_status_change_at") if resolved else None
    )
    record = {
        "incident_id": field(incident, "id"),
        "service": field(incident, "service", "summary"),
        "title": field(incident, "title"),
        "created_at": field(incident, "created_at"),
        "resolved_at": resolved_at if resolved else None,
        "severity": get(incident, "priority", "summary") or get(incident, "urgency"),
        "source": SOURCE,
        "caused_by_deployment_id": None,
        "root_cause_sha": None,
    }
    return present(record)


class PagerDutyConnector:
    source_id = SOURCE
    entities = frozenset({"incidents"})

    def __init__(self, client: ResilientHttpClient, settings: PagerDutySettings) -> None:
        self._client = client
        self._settings = settings

    @property
    def request_stats(self) -> RequestStats:
        return self._client.stats

    def extract(self, entity: str, cursor: str | None) -> Iterator[RecordBatch]:
        params: dict[str, Any] = {"time_zone": "UTC", "sort_by": "created_at:asc"}
        if cursor:
            params["since"] = self._since(cursor)
        else:
            params["date_range"] = "all"
        snapshot = None if cursor else SnapshotScope()
        if self._settings.service_ids:
            params["service_ids[]"] = list(self._settings.service_ids)
        oldest_open: tuple[datetime, str] | None = None
        newest: tuple[datetime, str] | None = None
        for incidents in offset_pages(self._client, "/incidents", "incidents", params, PAGE_SIZE):
            records = [incident_record(incident) for incident in incidents]
            for record in records:
                created = _time(record.get("created_at"))
                if created is None:
                    continue
                stamp = (created, record["created_at"])
                if record["resolved_at"] is None:
                    oldest_open = min(oldest_open, stamp) if oldest_open else stamp
                newest = max(newest, stamp) if newest else stamp
            reached = oldest_open or newest
            yield RecordBatch(
                records=records, cursor=reached[1] if reached else cursor, snapshot=snapshot
            )

    def check_cursor(self, entity: str, cursor: str) -> str | None:
        """An incident's creation time, at most now: listing from a later one returns
        nothing until then."""
        return timestamp_problem(cursor, what="the PagerDuty cursor")

    def _since(self, cursor: str) -> str:
        """The look-back window before the cursor, in the cursor's ISO form with ``Z``."""
        reached = _time(cursor)
        if reached is None:
            return cursor
        start = (reached - self._settings.lookback).astimezone(UTC)
        return start.isoformat().replace("+00:00", "Z")


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
