"""Human-readable numbers for the page, used as template filters (``{{ value|number }}``).

A copy of the generic part of the DORA dashboards' formatting: a domain may not import
another, and these belong in a shared dashboards library (reported to the lead)."""

from __future__ import annotations

from datetime import datetime
from typing import Final

MISSING: Final = "\u2013"  # en dash: no value


def number(value: float | None, decimals: int = 0) -> str:
    return MISSING if value is None else f"{value:,.{decimals}f}"


def rate(value: float | None) -> str:
    return MISSING if value is None else f"{value * 100:.1f} %"


def instant(value: datetime | None) -> str:
    """UTC timestamps, to the minute."""
    return MISSING if value is None else value.strftime("%Y-%m-%d %H:%M UTC")
