"""A local server speaking Open-Meteo's historical weather API (``GET /v1/archive``).

It answers the daily variables for the days asked as parallel arrays, as Open-Meteo
does, and refuses (400, Open-Meteo's ``{"error": true, "reason": ...}``) a request
without the daily variables or the UTC time zone the client must ask for. It can be
told, per point, to fail (every request answered 500), to leave days out of its answer,
or to answer null values on some days. One instance plays the primary, another (another
port) the fallback.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Final

from tests.connectors.fakes.server import FakeApi, RecordedRequest, Response

DAILY: Final = "temperature_2m_max,temperature_2m_min,precipitation_sum"
Point = tuple[float, float]


def observation(point: Point, day: date, offset: float = 0.0) -> tuple[float, float, float]:
    """The weather the fake reports at ``point`` on ``day``: a value every test can compute
    (``offset`` tells the fallback's numbers from the primary's)."""
    latitude, _ = point
    maximum = round(latitude / 4 + day.day / 10 + offset, 1)
    return maximum, round(maximum - 8, 1), round(day.day % 3 * 1.5 + offset, 1)


class FakeOpenMeteo(FakeApi):
    def __init__(self, offset: float = 0.0) -> None:
        super().__init__()
        self.offset = offset
        #: Points every request for which is answered HTTP 500.
        self.failing: set[Point] = set()
        #: Days left out of the answer, per point.
        self.absent: dict[Point, set[date]] = {}
        #: Days answered with a null precipitation, per point.
        self.nulls: dict[Point, set[date]] = {}

    def route(self, request: RecordedRequest) -> Response:
        if request.path != "/v1/archive":
            return _error(404, "Not Found")
        if request.param("daily") != DAILY or request.param("timezone") != "UTC":
            return _error(400, "Parameter 'daily' and 'timezone=UTC' are required")
        point = (
            float(request.param("latitude") or "nan"),
            float(request.param("longitude") or "nan"),
        )
        if point in self.failing:
            return _error(500, "Internal Server Error")
        start = date.fromisoformat(request.param("start_date") or "")
        end = date.fromisoformat(request.param("end_date") or "")
        days = [day for day in _days(start, end) if day not in self.absent.get(point, set())]
        values = [observation(point, day, self.offset) for day in days]
        precipitation = [
            None if day in self.nulls.get(point, set()) else value[2]
            for day, value in zip(days, values, strict=True)
        ]
        return Response.json(
            {
                "latitude": point[0],
                "longitude": point[1],
                "timezone": "GMT",
                "daily_units": {"time": "iso8601", "temperature_2m_max": "°C"},
                "daily": {
                    "time": [day.isoformat() for day in days],
                    "temperature_2m_max": [value[0] for value in values],
                    "temperature_2m_min": [value[1] for value in values],
                    "precipitation_sum": precipitation,
                },
            }
        )

    def points_asked(self) -> list[tuple[str | None, str | None, str | None, str | None]]:
        """(latitude, longitude, start, end) of every archive request, in order."""
        return [
            (r.param("latitude"), r.param("longitude"), r.param("start_date"), r.param("end_date"))
            for r in self.requests_to("/v1/archive")
        ]


def _days(start: date, end: date) -> Iterable[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def _error(status: int, reason: str) -> Response:
    body = json.dumps({"error": True, "reason": reason}).encode()
    return Response(status, body, {"Content-Type": "application/json"})
