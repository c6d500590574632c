"""Daily weather per postal area as a Connector for ``weather_daily``.

For each postal area (its centroid) and each day of the window, the primary provider is
asked first. Where it fails (a 5xx after retries, a timeout, a refusal) or leaves a gap (a
day missing from its answer, or a day with a null value), the fallback is asked for the
span of the gaps, and its complete days fill them. Each row says where it came from in
``weather_source``. A day neither provides completely is left out and counted: the silver
completeness model reports every area x day that is missing.

There is no cursor: every run re-reads the whole window, which the merge makes
idempotent (an unchanged day is not rewritten), and a day the primary filled late
replaces the fallback's. It costs one request per area and run (two where there are
gaps), which is simpler than tracking the last complete day of every area.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final, Protocol

import polars as pl

from platform_assets.ingestion import AcceptsAnyCursor, RecordBatch, RequestStats, SourceError
from platform_assets.integrations.weather.open_meteo import DailyWeather, OpenMeteoArchiveClient

SOURCE: Final = "weather"
ENTITY: Final = "weather_daily"
FALLBACK_PREFIX: Final = "fallback:"
RECORD_SCHEMA: Final = pl.Schema(
    {
        "country_code": pl.String(),
        "postal_code": pl.String(),
        "observed_on": pl.Date(),
        "temperature_max_c": pl.Float64(),
        "temperature_min_c": pl.Float64(),
        "precipitation_mm": pl.Float64(),
        "weather_source": pl.String(),
    }
)

log = logging.getLogger(__name__)

#: A row in ``RECORD_SCHEMA``'s column order.
_Row = tuple[str, str, date, float | None, float | None, float | None, str]


class Area(Protocol):
    """A postal area and its centroid, where its weather is observed: the domain's
    reference rows (``load_postal_areas()``) fit as they are."""

    @property
    def country_code(self) -> str: ...
    @property
    def postal_code(self) -> str: ...
    @property
    def latitude(self) -> float: ...
    @property
    def longitude(self) -> float: ...


@dataclass(frozen=True)
class PostalArea:
    country_code: str
    postal_code: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class WeatherWindow:
    """The ``days`` days ending on ``end``, both ends included."""

    end: date
    days: int

    def __post_init__(self) -> None:
        if self.days < 1:
            raise ValueError("a weather window needs at least one day")

    @property
    def start(self) -> date:
        return self.end - timedelta(days=self.days - 1)

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=offset) for offset in range(self.days)]


@dataclass
class WeatherCoverage:
    """What one extract found: days per provider, days missing after both, and the areas
    each provider failed for."""

    primary_days: int = 0
    fallback_days: int = 0
    missing_days: int = 0
    primary_failed_areas: int = 0
    fallback_failed_areas: int = 0


class WeatherConnector(AcceptsAnyCursor):
    """Keeps no cursor: every run re-reads the window."""

    source_id = SOURCE
    entities = frozenset({ENTITY})

    def __init__(
        self,
        areas: Iterable[Area],
        window: WeatherWindow,
        primary: OpenMeteoArchiveClient,
        fallback: OpenMeteoArchiveClient | None,
    ) -> None:
        self._areas = tuple(areas)
        self._window = window
        self._primary = primary
        self._fallback = fallback
        self.coverage = WeatherCoverage()
        self._last_primary_error: SourceError | None = None

    @property
    def request_stats(self) -> RequestStats:
        providers = [self._primary, *([self._fallback] if self._fallback else [])]
        total = RequestStats()
        for provider in providers:
            total.requests += provider.stats.requests
            total.retries += provider.stats.retries
            total.waited_seconds += provider.stats.waited_seconds
            total.retries_by_reason += provider.stats.retries_by_reason
        return total

    def extract(self, entity: str, cursor: str | None) -> Iterator[RecordBatch]:
        self.coverage = WeatherCoverage()
        self._last_primary_error = None
        for area in self._areas:
            rows = self._area_rows(area)
            if rows:
                frame = pl.DataFrame(rows, schema=RECORD_SCHEMA, orient="row")
                yield RecordBatch(records=frame.sort("observed_on"), cursor=None)
        # A total outage must fail the run (and alert), not pass for a dry month.
        failure = self._last_primary_error
        if (
            failure is not None
            and self.coverage.primary_failed_areas == len(self._areas)
            and not self.coverage.fallback_days
        ):
            raise SourceError(
                failure.category,
                f"no weather at all: the primary {self._primary.name} failed for every area "
                f"(the last: {failure}) and "
                + ("the fallback had none" if self._fallback else "no fallback is configured"),
            )

    def _area_rows(self, area: Area) -> list[_Row]:
        """The area's days: the primary's complete ones, the fallback's in the gaps."""
        try:
            primary = _complete_days(self._primary, area, self._window.start, self._window.end)
        except SourceError as error:
            log.warning(
                "weather for %s: primary %s failed: %s", _label(area), self._primary.name, error
            )
            self.coverage.primary_failed_areas += 1
            self._last_primary_error = error
            primary = {}
        gaps = [day for day in self._window.dates() if day not in primary]
        fallback = self._fill(area, gaps)
        missing = [day for day in gaps if day not in fallback]
        if missing:
            log.warning(
                "weather for %s: %d of %d days missing after the fallback (%s to %s)",
                _label(area), len(missing), self._window.days, missing[0], missing[-1],
            )  # fmt: skip
        self.coverage.primary_days += len(primary)
        self.coverage.fallback_days += len(fallback)
        self.coverage.missing_days += len(missing)
        rows = _rows(area, primary, self._primary.name)
        if self._fallback is not None:
            rows += _rows(area, fallback, FALLBACK_PREFIX + self._fallback.name)
        return rows

    def _fill(self, area: Area, gaps: list[date]) -> dict[date, DailyWeather]:
        """The fallback's complete days among ``gaps``, asked for the span they cover."""
        if not gaps or self._fallback is None:
            return {}
        try:
            found = _complete_days(self._fallback, area, gaps[0], gaps[-1])
        except SourceError as error:
            log.warning(
                "weather for %s: fallback %s failed: %s", _label(area), self._fallback.name, error
            )
            self.coverage.fallback_failed_areas += 1
            return {}
        return {day: found[day] for day in gaps if day in found}


def _label(area: Area) -> str:
    return f"{area.country_code} {area.postal_code}"


def _complete_days(
    provider: OpenMeteoArchiveClient, area: Area, start: date, end: date
) -> dict[date, DailyWeather]:
    """The days from ``start`` to ``end`` the provider has every value for."""
    answered = provider.daily(area.latitude, area.longitude, start, end)
    return {
        day.observed_on: day for day in answered if day.complete and start <= day.observed_on <= end
    }


def _rows(area: Area, days: dict[date, DailyWeather], source: str) -> list[_Row]:
    return [
        (
            area.country_code,
            area.postal_code,
            day.observed_on,
            day.temperature_max_c,
            day.temperature_min_c,
            day.precipitation_mm,
            source,
        )
        for day in days.values()
    ]
