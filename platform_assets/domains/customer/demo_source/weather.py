"""Daily weather for every postal area of the reference, as the weather sources land it.

Values follow the season and the latitude (warmer south, colder in winter), with day to
day noise, rain on about 40 % of days. Each (area, day) is drawn from its own keys, so a
day's weather is the same in every window that holds it. A share of rows is served by
the fallback (``FALLBACK_SHARE``) and a share of area-days is missing after both sources
(``GAP_RATE``): the gaps the completeness check must find.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Final

import polars as pl

from platform_assets.domains.customer.postal_areas import load_postal_areas
from platform_assets.ingestion.random_streams import RandomStreams

PRIMARY: Final = "open-meteo"
FALLBACK: Final = "fallback:demo-bulk"
FALLBACK_SHARE: Final = 0.08
GAP_RATE: Final = 0.01
WET_DAY_SHARE: Final = 0.4
#: Mean daily temperature at 48° N on a spring or autumn day, °C; the change per degree
#: of latitude; half the summer-winter swing.
_MEAN_AT_48N, _PER_DEGREE, _SEASONAL_SWING = 11.0, -0.5, 9.0
_WARMEST_DAY_OF_YEAR: Final = 196


def weather_daily(seed: int, start: date, end: date) -> pl.DataFrame:
    """One row per postal area and day in [start, end), less the planted gaps."""
    streams = RandomStreams(seed)
    areas = pl.DataFrame(
        [(a.country_code, a.postal_code, a.latitude) for a in load_postal_areas()],
        schema=["country_code", "postal_code", "latitude"],
        orient="row",
    ).with_row_index("area_idx")
    days = pl.DataFrame({"observed_on": pl.date_range(start, end, "1d", closed="left", eager=True)})
    grid = areas.join(days, how="cross").with_columns(
        area_idx=pl.col("area_idx").cast(pl.Int64),
        day_key=pl.col("observed_on").cast(pl.Int64),
    )
    keys = (pl.col("area_idx"), pl.col("day_key"))
    season = (
        2 * math.pi * (pl.col("observed_on").dt.ordinal_day() - _WARMEST_DAY_OF_YEAR) / 365.25
    ).cos()
    mean = _MEAN_AT_48N + _PER_DEGREE * (pl.col("latitude") - 48) + _SEASONAL_SWING * season
    daily = mean + 6 * (streams.uniform("weather_anomaly", *keys) - 0.5)
    temperature_max = daily + 3 + 2 * streams.uniform("weather_max", *keys)
    spread = 5 + 5 * streams.uniform("weather_spread", *keys)
    rain = -4 * (1 - streams.uniform("weather_rain_amount", *keys)).log()
    return (
        grid.filter(streams.uniform("weather_gap", *keys) >= GAP_RATE)
        .with_columns(temperature_max_c=temperature_max.round(1))
        .select(
            "country_code",
            "postal_code",
            "observed_on",
            "temperature_max_c",
            temperature_min_c=(pl.col("temperature_max_c") - spread).round(1),
            precipitation_mm=pl.when(streams.uniform("weather_wet", *keys) < WET_DAY_SHARE)
            .then(rain.round(1))
            .otherwise(0.0),
            weather_source=pl.when(streams.uniform("weather_fallback", *keys) < FALLBACK_SHARE)
            .then(pl.lit(FALLBACK))
            .otherwise(pl.lit(PRIMARY)),
        )
    )
