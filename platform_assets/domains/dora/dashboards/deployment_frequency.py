"""Deployment frequency and deployment success rate: how often each service ships to
production, how often an attempt succeeds, and the level that frequency earns.

Failed attempts are not change failures (the spec keeps them apart), so they live here,
next to the frequency, and not on the change failure dashboard.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from platform_assets.dashboards import formatting as fmt
from platform_assets.domains.dora.dashboards import axes
from platform_assets.domains.dora.dashboards.charts import WeeklyChart
from platform_assets.domains.dora.dashboards.levels import read_frequency_levels
from platform_assets.domains.dora.dashboards.page import Dashboard, render_page
from platform_assets.domains.dora.dashboards.reading import (
    per_service,
    period_of,
    services,
    week_starts,
    weekly,
)
from platform_assets.domains.dora.dashboards.trends import TrendChart, TrendLine, weekly_trend
from platform_assets.warehouse import WarehouseSession

KEY: Final = "deployment_frequency"
MARTS: Final = (
    "fct_deployment_frequency",
    "fct_deployment_success_rate",
    "agg_deployment_frequency_level",
)

DEPLOYMENTS_COLOR: Final = "#2f6fde"
SUCCESS_COLOR: Final = "#0e7c4a"


def render(session: WarehouseSession) -> Dashboard:
    frequency = weekly(session, "fct_deployment_frequency", ["deployment_count", "deployment_days"])
    attempts = weekly(
        session,
        "fct_deployment_success_rate",
        ["attempted_deployment_count", "successful_deployment_count", "deployment_success_rate"],
    )
    return render_page(
        KEY,
        subtitle="Successful production deployments per service and week",
        period=period_of(frequency),
        summary=_summary(frequency, attempts) if frequency.height else None,
        levels=read_frequency_levels(session, lambda value: fmt.number(value, 1)),
        trend=weekly_trend(
            [
                TrendChart(
                    WeeklyChart(
                        "deployments per week", fmt.number, axes.count_tick, bars=True, height=170
                    ),
                    [TrendLine(frequency, "deployment_count", "deployments", DEPLOYMENTS_COLOR)],
                ),
                TrendChart(
                    WeeklyChart(
                        "deployment success rate per week",
                        fmt.rate,
                        axes.rate_tick,
                        y_max=1.0,
                        height=150,
                    ),
                    [TrendLine(attempts, "deployment_success_rate", "success rate", SUCCESS_COLOR)],
                ),
            ]
        ),
    )


def _summary(frequency: pl.DataFrame, attempts: pl.DataFrame) -> dict[str, object]:
    """All services' deployments, weekly mean and success rate, and per service:
    deployments (sum and weekly mean), deployment days, attempts and success rate."""
    deployed = int(frequency["deployment_count"].sum())
    attempted = int(attempts["attempted_deployment_count"].sum()) if attempts.height else 0
    succeeded = int(attempts["successful_deployment_count"].sum()) if attempts.height else 0
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
        success_rate=pl.col("successful_deployment_count").sum()
        / pl.col("attempted_deployment_count").sum(),
    )
    return {
        "deployments": deployed,
        "per_week": deployed / max(len(week_starts(frequency)), 1),
        "success_rate": succeeded / attempted if attempted else None,
        "services": pl.concat([deployments, tries.drop("service")], how="horizontal")
        .with_columns(pl.col("deployments", "deployment_days", "attempts").fill_null(0))
        .with_columns(success_rate=pl.when(pl.col("attempts") > 0).then(pl.col("success_rate")))
        .iter_rows(named=True),
    }
