"""Performance level badges: each service's level per metric and report year.

Levels come from the marts (``agg_dora_performance_levels``, and
``agg_deployment_frequency_level`` for deployment frequency), which label the measured
value with each State of DevOps report's published bands. A value that sits in a gap of
a year's bands is labelled with the nearest worse band; its badge says so with an
asterisk and a tooltip, as the level mart's ``level_basis`` does.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

import duckdb
import polars as pl

from platform_assets.domains.dora.dashboards.markup import Html, element
from platform_assets.domains.dora.dashboards.page import Column, empty, table
from platform_assets.domains.dora.dashboards.reading import read

LEVELS: Final = ("elite", "high", "medium", "low")
LEVEL_COLUMNS: Final = ("service", "report_year", "value", "level", "level_basis")

_BASIS_NOTES: Final = {
    "in_band": "inside the report year's band",
    "nearest_worse_band": "in a gap of the report year's bands: nearest worse band",
    "beyond_worst_band": "worse than every band of the report year",
}


def read_levels(connection: duckdb.DuckDBPyConnection, metric: str) -> pl.DataFrame:
    """service, report_year, value, level, level_basis for one metric of
    ``agg_dora_performance_levels``."""
    escaped = metric.replace("'", "''")
    return read(
        connection,
        "select service, report_year, value, level, level_basis "
        f"from marts.agg_dora_performance_levels where metric = '{escaped}' "
        "order by service, report_year",
    )


def read_frequency_levels(connection: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The same shape from ``agg_deployment_frequency_level`` (value: deployments per
    week over the level window)."""
    return read(
        connection,
        "select service, report_year, deployments_per_week as value, level, level_basis "
        "from marts.agg_deployment_frequency_level order by service, report_year",
    )


# A page shows a badge per service and year but only a few distinct ones.
@functools.lru_cache(maxsize=64)
def badge(level: str | None, basis: str | None) -> Html:
    """A coloured level; the CSS class comes from the known levels only, never from
    the data."""
    known = level if level in LEVELS else None
    note = _BASIS_NOTES.get(basis or "", basis or "no value in the level window")
    text = (known or level or "n/a") + ("*" if basis and basis != "in_band" else "")
    return element("span", text, class_=f"badge badge-{known or 'none'}", title=note)


@dataclass
class _ServiceLevels:
    """A service's value over the level window (its first non-null one, in report year
    order) and its (level, level_basis) per report year."""

    value: float | None = None
    by_year: dict[int, tuple[str | None, str | None]] = field(default_factory=dict)


def _by_service(levels: pl.DataFrame) -> dict[str, _ServiceLevels]:
    """The level rows grouped per service in one pass (a filter per service costs a
    scan each)."""
    grouped: dict[str, _ServiceLevels] = {}
    rows = zip(
        *(levels[column].to_list() for column in LEVEL_COLUMNS),
        strict=True,
    )
    for service, year, value, level, basis in rows:
        of_service = grouped.get(service)
        if of_service is None:
            of_service = grouped[service] = _ServiceLevels()
        if of_service.value is None:
            of_service.value = value
        of_service.by_year[year] = (level, basis)
    return grouped


def badge_table(
    levels: pl.DataFrame, *, value_label: str, value_format: Callable[[float | None], str]
) -> Html:
    """One row per service: its value over the level window, then a badge per report
    year (a year that does not rate the metric shows no badge)."""
    if levels.height == 0:
        return empty("No performance levels: the level mart is empty.")
    years: Sequence[int] = sorted(set(levels["report_year"].to_list()))
    services = sorted(_by_service(levels).items())
    return table(
        [
            Column("service", [service for service, _ in services]),
            Column(
                value_label,
                [value_format(of_service.value) for _, of_service in services],
                numeric=True,
            ),
            *(
                Column(
                    f"{year} report",
                    [
                        badge(*of_service.by_year[year]) if year in of_service.by_year else Html("")
                        for _, of_service in services
                    ],
                )
                for year in years
            ),
        ]
    )
