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
from platform_assets.domains.dora.dashboards.page import (
    Column,
    Dashboard,
    Fragments,
    Section,
    empty,
    render_page,
    table,
    tiles,
)
from platform_assets.domains.dora.dashboards.reading import (
    per_service,
    period_of,
    services,
    weekly,
)
from platform_assets.domains.dora.dashboards.svg_charts import Line
from platform_assets.domains.dora.dashboards.trends import TrendLine, weekly_trends

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
            [
                badge_table(
                    read_levels(connection, "change_failure_rate"),
                    value_label="change failure rate (level window)",
                    value_format=fmt.rate,
                )
            ],
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


def _summary(failures: pl.DataFrame, rework: pl.DataFrame) -> Fragments:
    if failures.height == 0:
        return [empty("No production deployments yet.")]
    totals = _service_totals(failures, rework)
    deployments = totals["deployments"].to_list()
    failed = totals["failed"].to_list()
    rework_deployments = totals["rework_deployments"].to_list()
    remediation = totals["remediation"].to_list()
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
    columns = [
        Column("service", totals["service"].to_list()),
        Column("deployments", [fmt.number(count) for count in deployments], numeric=True),
        Column("failed", [fmt.number(count) for count in failed], numeric=True),
        Column("change failure rate", _rates(failed, deployments), numeric=True),
        Column("remediation", [fmt.number(count) for count in remediation], numeric=True),
        Column("rework rate", _rates(remediation, rework_deployments), numeric=True),
    ]
    return [headline, table(columns)]


def _rates(numerators: list[int], denominators: list[int]) -> list[str]:
    return [
        fmt.rate(_ratio(numerator, denominator))
        for numerator, denominator in zip(numerators, denominators, strict=True)
    ]


def _service_totals(failures: pl.DataFrame, rework: pl.DataFrame) -> pl.DataFrame:
    """Per service: deployments and failed ones, rework-mart deployments and remediation
    ones; 0 where the service has no rows."""
    names = services(failures, rework)
    failed = per_service(
        names,
        failures,
        deployments=pl.col("deployment_count").sum(),
        failed=pl.col("failed_deployment_count").sum(),
    )
    reworked = per_service(
        names,
        rework,
        rework_deployments=pl.col("deployment_count").sum(),
        remediation=pl.col("remediation_deployment_count").sum(),
    )
    return pl.concat([failed, reworked.drop("service")], how="horizontal").fill_null(0)


def _trends(failures: pl.DataFrame, rework: pl.DataFrame) -> Fragments:
    return weekly_trends(
        [
            TrendLine(failures, "change_failure_rate", Line("change failure rate", FAILURE_COLOR)),
            TrendLine(
                rework, "deployment_rework_rate", Line("rework rate", REWORK_COLOR, dashed=True)
            ),
        ],
        chart_title="change failure and rework rate per week",
        value_format=fmt.rate,
        tick_format=fmt.rate_tick,
    )
