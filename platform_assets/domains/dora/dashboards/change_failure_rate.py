"""Change failure rate and deployment rework rate: how often a production deployment
causes an incident, and how much of the deployment work is remediation.

Both rates are NULL, not 0, for a week without deployments; the chart leaves a gap
there instead of drawing a reassuring zero.
"""

from __future__ import annotations

from typing import Final

import dagster as dg
import polars as pl

from platform_assets.dashboards import formatting as fmt
from platform_assets.domains.dora.dashboards import axes
from platform_assets.domains.dora.dashboards.charts import WeeklyChart
from platform_assets.domains.dora.dashboards.levels import read_levels
from platform_assets.domains.dora.dashboards.page import Dashboard, render_page
from platform_assets.domains.dora.dashboards.reading import per_service, period_of, services, weekly
from platform_assets.domains.dora.dashboards.trends import TrendChart, TrendLine, weekly_trend
from platform_assets.integrations.dbt.assets import dbt_project_models
from platform_assets.warehouse import WarehouseSession

KEY: Final = "change_failure_rate"
REWORK_MART: Final = "fct_deployment_rework_rate"
#: The rework rate is a POC mart: an environment that does not deploy POC assets (prod)
#: has no such table, and there the page shows the change failure rate alone.
REWORK_DEPLOYED: Final = dg.AssetKey(["marts", REWORK_MART]) in dbt_project_models.keys
MARTS: Final = (
    "fct_change_failure_rate",
    *((REWORK_MART,) if REWORK_DEPLOYED else ()),
    "agg_dora_performance_levels",
)
REWORK_COLUMNS: Final = [
    "deployment_count",
    "remediation_deployment_count",
    "deployment_rework_rate",
]

FAILURE_COLOR: Final = "#c81e1e"
REWORK_COLOR: Final = "#d9822b"


def render(session: WarehouseSession) -> Dashboard:
    failures = weekly(
        session,
        "fct_change_failure_rate",
        ["deployment_count", "failed_deployment_count", "change_failure_rate"],
    )
    rework = (
        weekly(session, REWORK_MART, REWORK_COLUMNS)
        if REWORK_DEPLOYED
        else failures.clear().select(
            "service",
            "period_start",
            "period_end",
            pl.lit(0).alias("deployment_count"),
            pl.lit(0).alias("remediation_deployment_count"),
            pl.lit(None, dtype=pl.Float64).alias("deployment_rework_rate"),
        )
    )
    lines = [TrendLine(failures, "change_failure_rate", "change failure rate", FAILURE_COLOR)]
    if REWORK_DEPLOYED:
        lines.append(TrendLine(rework, "deployment_rework_rate", "rework rate", REWORK_COLOR, True))
    return render_page(
        KEY,
        subtitle="Deployments that failed in production, and remediation work",
        period=period_of(failures),
        summary=_summary(failures, rework) if failures.height else None,
        levels=read_levels(session, "change_failure_rate", fmt.rate),
        trend=weekly_trend(
            [
                TrendChart(
                    WeeklyChart(
                        "change failure and rework rate per week", fmt.rate, axes.rate_tick
                    ),
                    lines,
                )
            ]
        ),
    )


def _ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """Null, not a rate, without deployments."""
    return pl.when(denominator > 0).then(numerator / denominator)


def _summary(failures: pl.DataFrame, rework: pl.DataFrame) -> dict[str, object]:
    """All services' deployments and rates, and per service: deployments, failed ones
    and the change failure rate; remediation deployments and the rework rate (over the
    rework mart's deployments); 0 where the service has no rows."""
    names = services(failures, rework)
    totals = pl.concat(
        [
            per_service(
                names,
                failures,
                deployments=pl.col("deployment_count").sum(),
                failed=pl.col("failed_deployment_count").sum(),
            ),
            per_service(
                names,
                rework,
                rework_deployments=pl.col("deployment_count").sum(),
                remediation=pl.col("remediation_deployment_count").sum(),
            ).drop("service"),
        ],
        how="horizontal",
    ).fill_null(0)
    rates = {
        "change_failure_rate": _ratio(pl.col("failed"), pl.col("deployments")),
        "rework_rate": _ratio(pl.col("remediation"), pl.col("rework_deployments")),
    }
    # Over the marts' rows, as the rates of the marts are: rows without a service count.
    overall = pl.select(
        deployments=failures["deployment_count"].sum(),
        failed=failures["failed_deployment_count"].sum(),
        remediation=rework["remediation_deployment_count"].sum(),
        rework_deployments=rework["deployment_count"].sum(),
    ).select("deployments", **rates)
    return {
        **overall.row(0, named=True),
        "services": totals.with_columns(**rates).iter_rows(named=True),
    }
