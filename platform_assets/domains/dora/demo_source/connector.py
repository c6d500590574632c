"""The bundled demo source as a Connector: deterministic activity for several services.

Same seed and same window give identical records; the window ends at ``end`` (by default
today's UTC date at 00:00, so every run on a given day sees the same data) and reaches
back ``days``. The cursor is the latest time a returned record's state appeared, so an
incremental pull returns only records that are new or changed since (a pull request
merged, an incident resolved).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property

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

    @cached_property
    def _activity(self) -> dict[str, pl.DataFrame]:
        return generate(self._window)

    def extract(self, entity: str, cursor: str | None) -> Iterator[RecordBatch]:
        frame = self._activity[entity]
        if cursor is not None:
            frame = frame.filter(pl.col(VISIBLE_AT) > datetime.fromisoformat(cursor))
        if frame.height == 0:
            return
        newest = frame.select(pl.col(VISIBLE_AT).max()).item()
        yield RecordBatch(records=frame.drop(VISIBLE_AT), cursor=newest.isoformat())
