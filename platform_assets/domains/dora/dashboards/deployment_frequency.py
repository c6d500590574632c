"""Deployment frequency and deployment success rate: how often each service ships to
production, how often an attempt succeeds, and the level that frequency earns.

Failed attempts are not change failures (the spec keeps them apart), so they live here,
next to the frequency, and not on the change failure dashboard.
"""

from __future__ import annotations

from typing import Final

import duckdb
import polars as pl

from platform_assets.domains.dora.dashboards import formatting as fmt
from platform_assets.domains.dora.dashboards.levels import badge_table, read_frequency_levels
from platform_assets.domains.dora.dashboards.markup import Html, join
from platform_assets.domains.dora.dashboards.page import (
    Cell,
    Dashboard,
    Section,
    cards,
    empty,
    legend,
    render_page,
    table,
    tiles,
)
from platform_assets.domains.dora.dashboards.reading import (
    period_of,
    series_by_week,
    services,
    week_labels,
    week_starts,
    weekly,
)
from platform_assets.domains.dora.dashboards.svg_charts import Series, bar_chart, line_chart

KEY: Final = "deployment_frequency"
TITLE: Final = "Deployment frequency & success rate"
MARTS: Final = (
    "fct_deployment_frequency",
    "fct_deployment_success_rate",
    "agg_deployment_frequency_level",
)

DEPLOYMENTS_COLOR: Final = "#2f6fde"
SUCCESS_COLOR: Final = "#0e7c4a"


def render(connection: duckdb.DuckDBPyConnection) -> Dashboard:
    frequency = weekly(
        connection, "fct_deployment_frequency", ["deployment_count", "deployment_days"]
    )
    attempts = weekly(
        connection,
        "fct_deployment_success_rate",
        ["attempted_deployment_count", "successful_deployment_count", "deployment_success_rate"],
    )
    levels = read_frequency_levels(connection)
    sections = [
        Section("Summary", _summary(frequency, attempts), "All services, over the weeks shown."),
        Section(
            "Performance levels: deployment frequency",
            badge_table(
                levels,
                value_label="deployments / week (level window)",
                value_format=lambda v: fmt.number(v, 1),
            ),
            "Level per State of DevOps report year, rated on the mean time between "
            "deployments over the level window. * marks a value in a gap of that year's "
            "bands (hover for the rule).",
        ),
        Section(
            "Trend per service",
            _trends(frequency, attempts),
            "Bars: successful production deployments per week (zero-filled). Line: share "
            "of production deployment attempts that succeeded; no point in a week "
            "without attempts.",
        ),
    ]
    html = render_page(
        key=KEY,
        title=TITLE,
        subtitle="Successful production deployments per service and week",
        period=period_of(frequency),
        sections=sections,
    )
    return Dashboard(KEY, TITLE, html, period_of(frequency))


def _summary(frequency: pl.DataFrame, attempts: pl.DataFrame) -> Html:
    if frequency.height == 0:
        return empty("No production deployments yet.")
    weeks = max(len(week_starts(frequency)), 1)
    deployed = int(frequency["deployment_count"].sum())
    attempted = int(attempts["attempted_deployment_count"].sum()) if attempts.height else 0
    succeeded = int(attempts["successful_deployment_count"].sum()) if attempts.height else 0
    rows = []
    for service in services(frequency, attempts):
        of_service = frequency.filter(pl.col("service") == service)
        tried = attempts.filter(pl.col("service") == service)
        service_attempts = int(tried["attempted_deployment_count"].sum())
        service_successes = int(tried["successful_deployment_count"].sum())
        rows.append(
            [
                service,
                Cell(fmt.number(int(of_service["deployment_count"].sum())), numeric=True),
                Cell(fmt.number(_mean(of_service["deployment_count"]), 1), numeric=True),
                Cell(fmt.number(int(of_service["deployment_days"].sum())), numeric=True),
                Cell(fmt.number(service_attempts), numeric=True),
                Cell(
                    fmt.rate(service_successes / service_attempts if service_attempts else None),
                    numeric=True,
                ),
            ]
        )
    headline = tiles(
        [
            ("deployments", fmt.number(deployed)),
            ("deployments per week", fmt.number(deployed / weeks, 1)),
            ("deployment success rate", fmt.rate(succeeded / attempted if attempted else None)),
        ]
    )
    headers: list[Cell | str] = [
        "service",
        Cell("deployments", numeric=True),
        Cell("per week", numeric=True),
        Cell("deployment days", numeric=True),
        Cell("attempts", numeric=True),
        Cell("success rate", numeric=True),
    ]
    return join([headline, table(headers, rows)])


def _mean(values: pl.Series) -> float | None:
    mean = values.mean()
    return None if mean is None else float(mean)  # type: ignore[arg-type]


def _trends(frequency: pl.DataFrame, attempts: pl.DataFrame) -> Html:
    starts = week_starts(frequency, attempts)
    if not starts:
        return empty("No weeks to show yet.")
    labels = week_labels(starts)
    items = []
    for service in services(frequency, attempts):
        deployments = bar_chart(
            labels,
            series_by_week(frequency, service, "deployment_count", starts),
            title=f"{service}: deployments per week",
            value_format=lambda v: fmt.number(v),
            tick_format=fmt.count_tick,
            color=DEPLOYMENTS_COLOR,
            height=170,
        )
        success = line_chart(
            labels,
            [
                Series(
                    "success rate",
                    series_by_week(attempts, service, "deployment_success_rate", starts),
                    SUCCESS_COLOR,
                )
            ],
            title=f"{service}: deployment success rate per week",
            value_format=lambda v: fmt.rate(v),
            tick_format=fmt.rate_tick,
            y_max=1.0,
            height=150,
        )
        items.append((service, join([deployments, success])))
    return join(
        [
            legend([("deployments", DEPLOYMENTS_COLOR), ("success rate", SUCCESS_COLOR)]),
            cards(items),
        ]
    )
