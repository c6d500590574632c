"""The weather providers and window, from the environment with local defaults.

The primary is Open-Meteo's public archive unless ``PLATFORM_WEATHER_PRIMARY_URL`` says
otherwise. The fallback is a second provider in the same format at
``PLATFORM_WEATHER_FALLBACK_URL`` (a self-hosted Open-Meteo, or a mirror), named by
``PLATFORM_WEATHER_FALLBACK_NAME``; with no URL there is no fallback and the gaps stay
gaps, which the completeness model reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Final

from platform_assets.ingestion import FailureCategory, SourceError
from platform_assets.ingestion.source_environment import env_int, env_text, http_client_from_env
from platform_assets.integrations.weather.connector import (
    Area,
    WeatherConnector,
    WeatherWindow,
)
from platform_assets.integrations.weather.open_meteo import OpenMeteoArchiveClient

PRIMARY_URL_ENV: Final = "PLATFORM_WEATHER_PRIMARY_URL"
DEFAULT_PRIMARY_URL: Final = "https://archive-api.open-meteo.com"
PRIMARY_NAME: Final = "open-meteo"
FALLBACK_URL_ENV: Final = "PLATFORM_WEATHER_FALLBACK_URL"
FALLBACK_NAME_ENV: Final = "PLATFORM_WEATHER_FALLBACK_NAME"
DEFAULT_FALLBACK_NAME: Final = "secondary"
AS_OF_ENV: Final = "PLATFORM_WEATHER_AS_OF"
DAYS_ENV: Final = "PLATFORM_WEATHER_DAYS"
#: Thirty days for the customer-weather mart, and five more because the archive's
#: newest days are the ones most often still missing.
DEFAULT_DAYS: Final = 35


@dataclass(frozen=True)
class WeatherSettings:
    window: WeatherWindow
    fallback_name: str
    has_fallback: bool


def weather_settings_from_env(today: date | None = None) -> WeatherSettings:
    """The window ends yesterday (UTC; ``today`` overrides the clock) unless
    ``PLATFORM_WEATHER_AS_OF`` gives its last day."""
    as_of = env_text(AS_OF_ENV)
    try:
        end = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise SourceError(
            FailureCategory.CONFIGURATION, f"{AS_OF_ENV}={as_of!r} is not a date (YYYY-MM-DD)"
        ) from None
    if end is None:
        end = (today or datetime.now(UTC).date()) - timedelta(days=1)
    days = env_int(DAYS_ENV, DEFAULT_DAYS)
    if days < 1:
        raise SourceError(FailureCategory.CONFIGURATION, f"{DAYS_ENV}={days} must be at least 1")
    return WeatherSettings(
        window=WeatherWindow(end=end, days=days),
        fallback_name=env_text(FALLBACK_NAME_ENV, DEFAULT_FALLBACK_NAME),
        has_fallback=bool(env_text(FALLBACK_URL_ENV)),
    )


@contextmanager
def weather_connector(
    areas: Iterable[Area], settings: WeatherSettings
) -> Iterator[WeatherConnector]:
    """The connector over both providers' HTTP clients, closed on exit. Retries, timeouts
    and backoff come from the ``PLATFORM_HTTP_*`` variables, as for every source."""
    headers = {"Accept": "application/json"}
    with ExitStack() as clients:
        primary = clients.enter_context(
            closing(http_client_from_env(PRIMARY_URL_ENV, headers, DEFAULT_PRIMARY_URL))
        )
        fallback = None
        if settings.has_fallback:
            fallback = OpenMeteoArchiveClient(
                clients.enter_context(closing(http_client_from_env(FALLBACK_URL_ENV, headers))),
                settings.fallback_name,
            )
        yield WeatherConnector(
            areas, settings.window, OpenMeteoArchiveClient(primary, PRIMARY_NAME), fallback
        )
