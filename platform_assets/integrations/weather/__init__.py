"""Daily weather per postal area: Open-Meteo's archive, a fallback provider in the same
format, and the connector that fills the primary's gaps from the fallback."""

from platform_assets.integrations.weather.connector import (
    ENTITY,
    FALLBACK_PREFIX,
    SOURCE,
    Area,
    PostalArea,
    WeatherConnector,
    WeatherCoverage,
    WeatherWindow,
)
from platform_assets.integrations.weather.open_meteo import DailyWeather, OpenMeteoArchiveClient
from platform_assets.integrations.weather.settings import (
    WeatherSettings,
    weather_connector,
    weather_settings_from_env,
)

__all__ = [
    "ENTITY",
    "FALLBACK_PREFIX",
    "SOURCE",
    "Area",
    "DailyWeather",
    "OpenMeteoArchiveClient",
    "PostalArea",
    "WeatherConnector",
    "WeatherCoverage",
    "WeatherSettings",
    "WeatherWindow",
    "weather_connector",
    "weather_settings_from_env",
]
