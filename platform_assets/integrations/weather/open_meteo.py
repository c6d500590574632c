"""The Open-Meteo historical weather API (``/v1/archive``): daily observations at a point.

The answer holds the daily variables as parallel arrays (``daily.time``,
``daily.temperature_2m_max``, ...), a value being null where the provider has none yet.
Both the primary provider and the fallback speak this shape (the fallback is a second
Open-Meteo-compatible deployment, see docs/connectors/weather.md), so one client serves
both, each under its own name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from platform_assets.ingestion import (
    FailureCategory,
    RequestStats,
    ResilientHttpClient,
    SourceError,
)

ARCHIVE_PATH: Final = "/v1/archive"
#: Open-Meteo's daily variables, in the order of the landing columns they fill.
DAILY_VARIABLES: Final = ("temperature_2m_max", "temperature_2m_min", "precipitation_sum")


@dataclass(frozen=True)
class DailyWeather:
    observed_on: date
    temperature_max_c: float | None
    temperature_min_c: float | None
    precipitation_mm: float | None

    @property
    def complete(self) -> bool:
        """Every variable present: a day with any of them null is a gap to fill."""
        return None not in (self.temperature_max_c, self.temperature_min_c, self.precipitation_mm)


class OpenMeteoArchiveClient:
    """Daily weather from one provider in the Open-Meteo archive format; ``name`` is how
    its rows are labelled."""

    def __init__(self, client: ResilientHttpClient, name: str) -> None:
        self._client = client
        self.name = name

    @property
    def stats(self) -> RequestStats:
        return self._client.stats

    def daily(
        self, latitude: float, longitude: float, start: date, end: date
    ) -> list[DailyWeather]:
        """The days from ``start`` to ``end`` the provider answered (it may leave some out).
        Raises SourceError when the request fails after retries or the answer is not in
        the archive's shape."""
        params = {
            "latitude": repr(latitude),
            "longitude": repr(longitude),
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "daily": ",".join(DAILY_VARIABLES),
            "timezone": "UTC",
        }
        return _daily_rows(self.name, self._client.get_json(ARCHIVE_PATH, params))


def _daily_rows(provider: str, payload: Any) -> list[DailyWeather]:
    daily = payload.get("daily") if isinstance(payload, dict) else None
    if not isinstance(daily, dict):
        raise _malformed(provider, "no `daily` object")
    names = ("time", *DAILY_VARIABLES)
    arrays: list[Any] = [daily.get(name) for name in names]
    # A series gone or renamed at the source is named, so the failure says what changed.
    lacking = [
        name for name, values in zip(names, arrays, strict=True) if not isinstance(values, list)
    ]
    if lacking:
        raise _malformed(provider, f"`daily` has no {', '.join(lacking)} list")
    if len(set(map(len, arrays))) > 1:
        raise _malformed(
            provider, f"`daily` needs `time` and {', '.join(DAILY_VARIABLES)} of equal length"
        )
    try:
        return [
            DailyWeather(date.fromisoformat(day), *(_number(value) for value in values))
            for day, *values in zip(*arrays, strict=True)
        ]
    except (TypeError, ValueError) as error:
        raise _malformed(provider, str(error)) from None


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{value!r} is not a number")
    return float(value)


def _malformed(provider: str, why: str) -> SourceError:
    return SourceError(
        FailureCategory.MALFORMED_PAYLOAD, f"weather provider {provider}: {why} in the answer"
    )
