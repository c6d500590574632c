"""Change failure rate and deployment rework rate: how often a production deployment
causes an incident, and how much of the deployment work is remediation.

Both rates are NULL, not 0, for a week without deployments; the chart leaves a gap
there instead of drawing a reassuring zero.
"""

from __future__ import annotations

from typing import Final

import duckdb
import polars as pl

from platform_assets.domains.dora.dashboards import formatting as fmt
from platform_assets.domains.dora.dashboards.levels import badge_table, read_levels
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
from platform_assets.domains.dora.dashboards.svg_charts import Series, line_chart

KEY: Final = "change_failure_rate"
TITLE: Final = "Change failure & rework rate"
MARTS: Final = (
    "fct_change_failure_rate",
    "fct_deployment_rework_rate",
    "agg_dora_performance_levels",
)

FAILURE_COLOR: Final = "#c81e1e"
REWORK_COLOR: Final = "#d9822b"


def render(connection: duckdb.DuckDBPyConnection) -> Dashboard:
    failures = weekly(
        connection,
        "fct_change_failure_rate",
        ["deployment_count", "failed_deployment_count", "change_failure_rate"],
    )
    rework = weekly(
        connection,
        "fct_deployment_rework_rate",
        ["deployment_count", "remediation_deployment_count", "deployment_rework_rate"],
    )
    sections = [
        Section("Summary", _summary(failures, rework), "All services, over the weeks shown."),
        Section(
            "Performance levels: change failure rate",
            badge_table(
                read_levels(connection, "change_failure_rate"),
                value_label="change failure rate (level window)",
                value_format=fmt.rate,
            ),
            "Level per State of DevOps report year. * marks a value in a gap of that "
            "year's bands. The rework rate (DORA 2024) has no published bands yet.",
        ),
        Section(
            "Trend per service",
            _trends(failures, rework),
            "Weekly share of successful production deployments with an attributed "
            "incident (change failure rate) and of remediation deployments: hotfixes, "
            "rollbacks, reverts and fixes shipped while an incident was open (rework rate).",
        ),
    ]
    period = period_of(failures)
    html = render_page(
        key=KEY,
        title=TITLE,
        subtitle="Deployments that failed in production, and remediation work",
        period=period,
        sections=sections,
    )
    return Dashboard(KEY, TITLE, html, period)


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _summary(failures: pl.DataFrame, rework: pl.DataFrame) -> Html:
    if failures.height == 0:
        return empty("No production deployments yet.")
    rows = []
    for service in services(failures, rework):
        failed = failures.filter(pl.col("service") == service)
        reworked = rework.filter(pl.col("service") == service)
        deployments = int(failed["deployment_count"].sum())
        failed_count = int(failed["failed_deployment_count"].sum())
        rework_deployments = int(reworked["deployment_count"].sum())
        remediation = int(reworked["remediation_deployment_count"].sum())
        rows.append(
            [
                service,
                Cell(fmt.number(deployments), numeric=True),
                Cell(fmt.number(failed_count), numeric=True),
                Cell(fmt.rate(_ratio(failed_count, deployments)), numeric=True),
                Cell(fmt.number(remediation), numeric=True),
                Cell(fmt.rate(_ratio(remediation, rework_deployments)), numeric=True),
            ]
        )
    total_deployments = int(failures["deployment_count"].sum())
    headline = tiles(
        [
            ("deployments", fmt.number(total_deployments)),
            (
                "change failure rate",
                fmt.rate(_ratio(int(failures["failed_deployment_count"].sum()), total_deployments)),
            ),
            (
                "rework rate",
                fmt.rate(
                    _ratio(
                        int(rework["remediation_deployment_count"].sum()) if rework.height else 0,
                        int(rework["deployment_count"].sum()) if rework.height else 0,
                    )
                ),
            ),
        ]
    )
    headers: list[Cell | str] = [
        "service",
        Cell("deployments", numeric=True),
        Cell("failed", numeric=True),
        Cell("change failure rate", numeric=True),
        Cell("remediation", numeric=True),
        Cell("rework rate", numeric=True),
    ]
    return join([headline, table(headers, rows)])


def _trends(failures: pl.DataFrame, rework: pl.DataFrame) -> Html:
    starts = week_starts(failures, rework)
    if not starts:
        return empty("No weeks to show yet.")
    labels = week_labels(starts)
    items = [
        (
            service,
            line_chart(
                labels,
                [
                    Series(
                        "change failure rate",
                        series_by_week(failures, service, "change_failure_rate", starts),
                        FAILURE_COLOR,
                    ),
                    Series(
                        "rework rate",
                        series_by_week(rework, service, "deployment_rework_rate", starts),
                        REWORK_COLOR,
                        dashed=True,
                    ),
                ],
                title=f"{service}: change failure and rework rate per week",
                value_format=fmt.rate,
                tick_format=fmt.rate_tick,
            ),
        )
        for service in services(failures, rework)
    ]
    return join(
        [
            legend([("change failure rate", FAILURE_COLOR), ("rework rate", REWORK_COLOR)]),
            cards(items),
        ]
    )
