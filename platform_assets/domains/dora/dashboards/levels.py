"""Performance level badges: each service's level per metric and report year.

Levels come from the marts (``agg_dora_performance_levels``, and
``agg_deployment_frequency_level`` for deployment frequency), which label the measured
value with each State of DevOps report's published bands. A value that sits in a gap of
a year's bands is labelled with the nearest worse band; its badge says so with an
asterisk and a tooltip, as the level mart's ``level_basis`` does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

import duckdb
import polars as pl

from platform_assets.domains.dora.dashboards.markup import Html, element
from platform_assets.domains.dora.dashboards.page import Cell, empty, table
from platform_assets.domains.dora.dashboards.reading import read

LEVELS: Final = ("elite", "high", "medium", "low")

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


def badge(level: str | None, basis: str | None) -> Html:
    """A coloured level; the CSS class comes from the known levels only, never from
    the data."""
    known = level if level in LEVELS else None
    note = _BASIS_NOTES.get(basis or "", basis or "no value in the level window")
    text = (known or level or "n/a") + ("*" if basis and basis != "in_band" else "")
    return element("span", text, class_=f"badge badge-{known or 'none'}", title=note)


def badge_table(
    levels: pl.DataFrame, *, value_label: str, value_format: Callable[[float | None], str]
) -> Html:
    """One row per service: its value over the level window, then a badge per report
    year (a year that does not rate the metric shows no badge)."""
    if levels.height == 0:
        return empty("No performance levels: the level mart is empty.")
    years: Sequence[int] = sorted(set(levels["report_year"].to_list()))
    rows = []
    for service in sorted(set(levels["service"].to_list())):
        of_service = levels.filter(pl.col("service") == service)
        by_year = {row["report_year"]: row for row in of_service.iter_rows(named=True)}
        value = of_service["value"].drop_nulls()
        rows.append(
            [
                service,
                Cell(value_format(value[0] if value.len() else None), numeric=True),
                *(
                    badge(by_year[year]["level"], by_year[year]["level_basis"])
                    if year in by_year
                    else Html("")
                    for year in years
                ),
            ]
        )
    headers: list[Cell | str] = [
        "service",
        Cell(value_label, numeric=True),
        *(f"{year} report" for year in years),
    ]
    return table(headers, rows)
