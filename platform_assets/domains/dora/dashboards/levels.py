"""Performance level badges: each service's level per metric and report year.

Levels come from the marts (``agg_dora_performance_levels``, and
``agg_deployment_frequency_level`` for deployment frequency), which label the measured
value with each State of DevOps report's published bands. A value that sits in a gap of
a year's bands is labelled with the nearest worse band; its badge says so with an
asterisk and a tooltip, as the level mart's ``level_basis`` does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from platform_assets.domains.dora.dashboards.reading import read
from platform_assets.warehouse import WarehouseSession

LEVELS: Final = ("elite", "high", "medium", "low")

_BASIS_NOTES: Final = {
    "in_band": "inside the report year's band",
    "nearest_worse_band": "in a gap of the report year's bands: nearest worse band",
    "beyond_worst_band": "worse than every band of the report year",
}


@dataclass(frozen=True)
class Badge:
    """``css`` is the level's colour class: a known level, or ``none``."""

    css: str
    text: str
    note: str


@dataclass(frozen=True)
class LevelRow:
    service: str
    value: str
    badges: dict[int, Badge]


@dataclass(frozen=True)
class Levels:
    years: Sequence[int]
    rows: Sequence[LevelRow]


def badge(level: str | None, basis: str | None) -> Badge:
    known = level if level in LEVELS else None
    note = _BASIS_NOTES.get(basis or "", basis or "no value in the level window")
    text = (known or level or "n/a") + ("*" if basis and basis != "in_band" else "")
    return Badge(known or "none", text, note)


def read_levels(
    session: WarehouseSession, metric: str, value_format: Callable[[float | None], str]
) -> Levels:
    """One metric's rows of ``agg_dora_performance_levels``."""
    escaped = metric.replace("'", "''")
    return _levels(
        session,
        "select service, report_year, value, level, level_basis "
        f"from marts.agg_dora_performance_levels where metric = '{escaped}'",
        value_format,
    )


def read_frequency_levels(
    session: WarehouseSession, value_format: Callable[[float | None], str]
) -> Levels:
    """``agg_deployment_frequency_level`` (value: deployments per week over the level
    window)."""
    return _levels(
        session,
        "select service, report_year, deployments_per_week as value, level, level_basis "
        "from marts.agg_deployment_frequency_level",
        value_format,
    )


def _levels(
    session: WarehouseSession,
    query: str,
    value_format: Callable[[float | None], str],
) -> Levels:
    """A row per service: its value over the level window (the first non-null one, in
    report year order) and a badge per report year that rates it."""
    rows = read(session, f"{query} order by service, report_year").rows()
    values: dict[str, float | None] = {}
    badges: dict[str, dict[int, Badge]] = {}
    for service, year, value, level, basis in rows:
        if values.get(service) is None:
            values[service] = value
        badges.setdefault(service, {})[year] = badge(level, basis)
    return Levels(
        sorted({year for _, year, *_ in rows}),
        [
            LevelRow(service, value_format(values[service]), badges[service])
            for service in sorted(badges)
        ],
    )
