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
from platform_assets.domains.dora.dashboards.markup import join
from platform_assets.domains.dora.dashboards.page import (
    Column,
    Dashboard,
    Fragments,
    Section,
    cards,
    empty,
    legend,
    render_page,
    table,
    tiles,
)
from platform_assets.domains.dora.dashboards.reading import (
    per_service,
    period_of,
    services,
    week_labels,
    week_starts,
    weekly,
    weekly_points,
)
from platform_assets.domains.dora.dashboards.svg_charts import Line, bar_charts, line_charts

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
            [
                badge_table(
                    levels,
                    value_label="deployments / week (level window)",
                    value_format=lambda v: fmt.number(v, 1),
                )
            ],
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


def _summary(frequency: pl.DataFrame, attempts: pl.DataFrame) -> Fragments:
    if frequency.height == 0:
        return [empty("No production deployments yet.")]
    weeks = max(len(week_starts(frequency)), 1)
    deployed = int(frequency["deployment_count"].sum())
    attempted = int(attempts["attempted_deployment_count"].sum()) if attempts.height else 0
    succeeded = int(attempts["successful_deployment_count"].sum()) if attempts.height else 0
    totals = _service_totals(frequency, attempts)
    headline = tiles(
        [
            ("deployments", fmt.number(deployed)),
            ("deployments per week", fmt.number(deployed / weeks, 1)),
            ("deployment success rate", fmt.rate(succeeded / attempted if attempted else None)),
        ]
    )
    columns = [
        Column("service", totals["service"]),
        Column("deployments", _counts(totals["deployments"]), numeric=True),
        Column("per week", [fmt.number(v, 1) for v in totals["per_week"].to_list()], numeric=True),
        Column("deployment days", _counts(totals["deployment_days"]), numeric=True),
        Column("attempts", _counts(totals["attempts"]), numeric=True),
        Column("success rate", _success_rates(totals), numeric=True),
    ]
    return [headline, table(columns)]


def _counts(sums: pl.Series) -> list[str]:
    """A service without rows has a sum of 0."""
    return [fmt.number(total or 0) for total in sums.to_list()]


def _success_rates(totals: pl.DataFrame) -> list[str]:
    rows = zip(totals["successes"].to_list(), totals["attempts"].to_list(), strict=True)
    return [fmt.rate(successes / tried if tried else None) for successes, tried in rows]


def _service_totals(frequency: pl.DataFrame, attempts: pl.DataFrame) -> pl.DataFrame:
    """Per service: deployments (sum and weekly mean), deployment days, attempts and
    successful attempts; null where the service has no rows."""
    names = services(frequency, attempts)
    deployments = per_service(
        names,
        frequency,
        deployments=pl.col("deployment_count").sum(),
        per_week=pl.col("deployment_count").mean(),
        deployment_days=pl.col("deployment_days").sum(),
    )
    tries = per_service(
        names,
        attempts,
        attempts=pl.col("attempted_deployment_count").sum(),
        successes=pl.col("successful_deployment_count").sum(),
    )
    return pl.concat([deployments, tries.drop("service")], how="horizontal")


def _trends(frequency: pl.DataFrame, attempts: pl.DataFrame) -> Fragments:
    starts = week_starts(frequency, attempts)
    if not starts:
        return [empty("No weeks to show yet.")]
    labels = week_labels(starts)
    names = services(frequency, attempts)
    deployments = bar_charts(
        labels,
        [f"{service}: deployments per week" for service in names],
        weekly_points([(frequency, "deployment_count")], starts, names),
        value_format=lambda v: fmt.number(v),
        tick_format=fmt.count_tick,
        color=DEPLOYMENTS_COLOR,
        height=170,
    )
    success = line_charts(
        labels,
        [f"{service}: deployment success rate per week" for service in names],
        [Line("success rate", SUCCESS_COLOR)],
        weekly_points([(attempts, "deployment_success_rate")], starts, names),
        value_format=lambda v: fmt.rate(v),
        tick_format=fmt.rate_tick,
        y_max=1.0,
        height=150,
    )
    items = [
        (service, join([bars, line]))
        for service, bars, line in zip(names, deployments, success, strict=True)
    ]
    return [
        legend([("deployments", DEPLOYMENTS_COLOR), ("success rate", SUCCESS_COLOR)]),
        *cards(items),
    ]
