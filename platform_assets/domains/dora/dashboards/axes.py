"""The chart axes' labels and ticks; the numbers in the pages' text are the dashboards
library's (``platform_assets.dashboards.formatting``)."""

from __future__ import annotations

from datetime import date


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
