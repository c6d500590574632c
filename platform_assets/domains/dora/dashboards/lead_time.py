"""Lead time for changes, and where a pull request's time goes.

The trend shows each service's weekly median, p75 and p90 lead time (changes selected by
the week their deployment finished, as the mart does). The drill-down splits pull
requests into the four stages of the spec (coding, pickup, review, deploy) from
``fct_pull_request_stages``, so a long lead time can be traced to waiting for a
reviewer rather than to slow deployments, and lists the slowest pull requests.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from platform_assets.dashboards import formatting as fmt
from platform_assets.domains.dora.dashboards import axes
from platform_assets.domains.dora.dashboards.charts import StackedBars, StackedRow, WeeklyChart
from platform_assets.domains.dora.dashboards.levels import read_levels
from platform_assets.domains.dora.dashboards.page import Dashboard, render_page
from platform_assets.domains.dora.dashboards.reading import period_of, read, weekly
from platform_assets.domains.dora.dashboards.trends import TrendChart, TrendLine, weekly_trend
from platform_assets.warehouse import WarehouseSession

KEY: Final = "lead_time"
MARTS: Final = (
    "agg_lead_time_for_changes",
    "fct_pull_request_stages",
    "agg_dora_performance_levels",
)

#: The pull request stages of the spec, in order: name, column and colour.
STAGES: Final = (
    ("coding", "coding_time_hours", "#7b61ff"),
    ("pickup", "pickup_time_hours", "#d9822b"),
    ("review", "review_time_hours", "#2f6fde"),
    ("deploy", "deploy_time_hours", "#0e7c4a"),
)
NOT_DEPLOYED: Final = "(not deployed yet)"
ALL_SERVICES: Final = "all services"
SLOWEST_SHOWN: Final = 15

PERCENTILE_SERIES: Final = (
    ("median", "median_lead_time_hours", "#2f6fde", False),
    ("p75", "p75_lead_time_hours", "#d9822b", True),
    ("p90", "p90_lead_time_hours", "#c81e1e", True),
)
_STAGE_COLUMNS: Final = ", ".join(column for _, column, _ in STAGES)


def render(session: WarehouseSession) -> Dashboard:
    lead = weekly(
        session,
        "agg_lead_time_for_changes",
        ["deployed_change_count", *(column for _, column, _, _ in PERCENTILE_SERIES)],
    )
    stages = list(_stage_medians(session).iter_rows(named=True))
    return render_page(
        KEY,
        subtitle="From first commit to production, with the pull request stages",
        period=period_of(lead),
        levels=read_levels(session, "lead_time_for_changes", fmt.hours),
        trend=weekly_trend(
            [
                TrendChart(
                    WeeklyChart("lead time per week", fmt.hours, axes.hours_tick),
                    [
                        TrendLine(lead, column, name, color, dashed)
                        for name, column, color, dashed in PERCENTILE_SERIES
                    ],
                )
            ],
            no_weeks="No changes deployed yet.",
        ),
        stages=STAGES,
        stage_rows=stages,
        stage_chart=StackedBars(
            "Median hours per pull request stage, per service",
            [
                StackedRow(
                    row["service"],
                    [row[column] for _, column, _ in STAGES],
                    note=f"{row['pull_requests']} PRs",
                )
                for row in stages
            ],
            [(name, color) for name, _, color in STAGES],
            fmt.hours,
        ),
        slowest_shown=SLOWEST_SHOWN,
        slowest=list(_slowest(session).iter_rows(named=True)),
        not_deployed=NOT_DEPLOYED,
    )


def _stage_medians(session: WarehouseSession) -> pl.DataFrame:
    """Per service (and for all services) the pull requests and the median of each
    stage and of the cycle time."""
    # percentile_cont, not median: PostgreSQL has no median; both interpolate alike
    medians = ", ".join(f"{_median(column)} as {column}" for _, column, _ in STAGES)
    return read(
        session,
        f"""
        select
            coalesce(service, '{NOT_DEPLOYED}') as service,
            count(*) as pull_requests,
            {medians},
            {_median("cycle_time_hours")} as cycle_time_hours,
            0 as sort_order
        from marts.fct_pull_request_stages
        group by coalesce(service, '{NOT_DEPLOYED}')
        union all
        select '{ALL_SERVICES}', count(*), {medians}, {_median("cycle_time_hours")}, 1
        from marts.fct_pull_request_stages
        having count(*) > 0
        order by sort_order, service
        """,
    )


def _median(column: str) -> str:
    return f"percentile_cont(0.5) within group (order by {column})"


def _slowest(session: WarehouseSession) -> pl.DataFrame:
    return read(
        session,
        f"""
        select pr_id, service, merged_at, {_STAGE_COLUMNS}, cycle_time_hours
        from marts.fct_pull_request_stages
        where cycle_time_hours is not null
        order by cycle_time_hours desc, pr_id
        limit {SLOWEST_SHOWN}
        """,
    )
