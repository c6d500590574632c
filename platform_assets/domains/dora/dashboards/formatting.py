"""Human-readable numbers for the dashboards: durations, rates, counts and dates, one
value at a time or a whole column at a time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import polars as pl

MISSING = "\u2013"  # en dash: no value
INSTANT_FORMAT = "%Y-%m-%d %H:%M UTC"


def hours(value: float | None) -> str:
    """Minutes under an hour, hours under two days, days beyond."""
    if value is None:
        return MISSING
    if value < 1:
        return f"{value * 60:.0f} min"
    if value < 48:
        return f"{value:.1f} h"
    return f"{value / 24:.1f} d"


def rate(value: float | None) -> str:
    return MISSING if value is None else f"{value * 100:.1f} %"


def number(value: float | None, decimals: int = 0) -> str:
    return MISSING if value is None else f"{value:,.{decimals}f}"


def day(value: date | datetime | None) -> str:
    return MISSING if value is None else value.strftime("%Y-%m-%d")


def instant(value: datetime | None) -> str:
    """UTC timestamps as stored, to the minute."""
    return MISSING if value is None else value.strftime(INSTANT_FORMAT)


def each(values: pl.Series, value_format: Callable[[float], str]) -> pl.Series:
    """``value_format`` of each number of a column, null where it is null. A column
    that repeats its values (rates, counts) is formatted once per distinct value;
    mostly distinct values are formatted one by one, cheaper than looking them up."""
    numbers = values.cast(pl.Float64)
    if numbers.n_unique() * 2 > len(numbers):
        return _formatted(numbers, value_format)
    # -0.0 equals 0.0 but is written '-0.0': its sign is part of the key.
    keys = pl.DataFrame({"number": numbers}).with_columns(
        negative_zero=(pl.col("number") == 0) & (1 / pl.col("number") < 0)
    )
    distinct = keys.unique(["number", "negative_zero"])
    texts = distinct.with_columns(text=_formatted(distinct["number"], value_format))
    return keys.join(
        texts, on=["number", "negative_zero"], how="left", nulls_equal=True, maintain_order="left"
    ).get_column("text")


def _formatted(numbers: pl.Series, value_format: Callable[[float], str]) -> pl.Series:
    return pl.Series(
        [None if number is None else value_format(number) for number in numbers.to_list()],
        dtype=pl.String,
    )


def durations(values: pl.Series) -> pl.Series:
    """``hours`` of each value of a column of hours."""
    return each(values, hours).fill_null(MISSING)


def tenths(value: float) -> str:
    """Coordinates, to a tenth of a pixel."""
    return f"{value:.1f}"


def instants(values: pl.Series) -> pl.Series:
    """``instant`` of each timestamp (null where there is none), formatted in one pass
    over the column: tens of thousands of ``strftime`` calls would cost more than the
    rest of a table."""
    return values.dt.strftime(INSTANT_FORMAT)


def short_day(value: date) -> str:
    """Axis labels: '10-26'."""
    return value.strftime("%m-%d")


def hours_tick(value: float) -> str:
    """Axis ticks: round hours, '48 h'."""
    return f"{value:g} h"


def rate_tick(value: float) -> str:
    return f"{value * 100:g} %"


def count_tick(value: float) -> str:
    return f"{value:g}"
