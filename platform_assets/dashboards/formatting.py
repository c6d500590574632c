"""Human-readable numbers for the dashboards: durations, rates, counts and times. The
environment (``environment.py``) installs them as template filters
(``{{ value|hours }}``); a domain's Python uses them for text it builds itself."""

from __future__ import annotations

from datetime import datetime
from typing import Final

MISSING: Final = "\u2013"  # en dash: no value


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


def instant(value: datetime | None) -> str:
    """UTC timestamps as stored, to the minute."""
    return MISSING if value is None else value.strftime("%Y-%m-%d %H:%M UTC")
