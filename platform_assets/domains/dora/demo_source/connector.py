"""The bundled demo source as a Connector: deterministic activity for several services.

Same seed and same window give identical records; the window ends at ``end`` (by default
today's UTC date at 00:00, so every run on a given day sees the same data) and reaches
back ``days``. The cursor is the latest time a returned record's state appeared, so an
incremental pull returns only records that are new or changed since (a pull request
merged, an incident resolved).

Like an API that serves a changes feed, an incremental pull does not cost the whole
history: records do not depend on the window, and a record's state appears at most
``SETTLING`` after its anchor (the release or incident it belongs to), so the activity
from ``SETTLING`` before the cursor's day holds every record the cursor has not seen.
The activity of a window is generated once per process: the raw assets of one run pull
their entities from the same generation. A full read is the window, not everything the
source ever had (records age out of it), so it is no snapshot and deletes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Final

import polars as pl

from platform_assets.domains.dora.demo_source.activity import (
    SOURCE,
    VISIBLE_AT,
    ActivityWindow,
    generate,
)
from platform_assets.domains.dora.demo_source.catalog import BASE_SERVICES
from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.ingestion import RecordBatch, RequestStats
from platform_assets.ingestion.cursor_checks import timestamp_problem

#: The longest a record's state takes to appear after its anchor: deployments finish
#: within the hour of their release, an incident caused by one is resolved within a day,
#: an unrelated one within 50 hours. (Tested against the whole window's records.)
SETTLING: Final = timedelta(days=3)


@dataclass(frozen=True)
class DemoSettings:
    seed: int = 7
    #: Multiplies the number of services (8 at scale 1). About 200 gives a million
    #: deployment commits over 90 days.
    scale: float = 1.0
    days: int = 90
    end: date | None = None

    def window(self) -> ActivityWindow:
        end_day = self.end or datetime.now(UTC).date()
        end = datetime.combine(end_day, time(), tzinfo=UTC)
        return ActivityWindow(
            seed=self.seed,
            start=end - timedelta(days=self.days),
            end=end,
            service_count=max(1, round(len(BASE_SERVICES) * self.scale)),
        )


class DemoConnector:
    """Generates every raw DORA entity; needs no configuration and no network."""

    source_id = SOURCE
    entities = frozenset(RAW_CONTRACTS)

    def __init__(self, settings: DemoSettings | None = None) -> None:
        self._window = (settings or DemoSettings()).window()
        self.request_stats = RequestStats()

    def extract(self, entity: str, cursor: str | None) -> Iterator[RecordBatch]:
        if cursor is None:
            frame = _activity(self._window)[entity]
        else:
            seen_until = datetime.fromisoformat(cursor)
            frame = _activity(self._window_after(seen_until))[entity]
            frame = frame.filter(pl.col(VISIBLE_AT) > seen_until)
        if frame.height == 0:
            return
        newest = frame.select(pl.col(VISIBLE_AT).max()).item()
        yield RecordBatch(records=frame.drop(VISIBLE_AT), cursor=newest.isoformat())

    def check_cursor(self, entity: str, cursor: str) -> str | None:
        """A record's time, not after the window's end: the demo never reaches further,
        so a later cursor was not written by it."""
        return timestamp_problem(cursor, what="the demo cursor", latest=self._window.end)

    def _window_after(self, seen_until: datetime) -> ActivityWindow:
        """The part of the window that holds every record whose state appeared after
        ``seen_until``. It starts at a midnight, so the cursors of all entities (a few
        minutes apart after a run) share one generation."""
        day = datetime.combine(seen_until.astimezone(UTC).date(), time(), tzinfo=UTC)
        return replace(self._window, start=max(self._window.start, day - SETTLING))


@lru_cache(maxsize=1)
def _activity(window: ActivityWindow) -> dict[str, pl.DataFrame]:
    return generate(window)
