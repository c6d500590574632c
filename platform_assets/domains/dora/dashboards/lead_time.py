"""Lead time for changes, and where a pull request's time goes.

The trend shows each service's weekly median, p75 and p90 lead time (changes selected by
the week their deployment finished, as the mart does). The drill-down splits pull
requests into the four stages of the spec (coding, pickup, review, deploy) from
``fct_pull_request_stages``, so a long lead time can be traced to waiting for a
reviewer rather than to slow deployments, and lists the slowest pull requests.
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
    legend,
    render_page,
    scrolling,
    table,
)
from platform_assets.domains.dora.dashboards.reading import (
    period_of,
    read,
    weekly,
)
from platform_assets.domains.dora.dashboards.svg_charts import (
    Line,
    Segment,
    StackedRow,
    stacked_bars,
)
from platform_assets.domains.dora.dashboards.trends import TrendLine, weekly_trends

KEY: Final = "lead_time"
TITLE: Final = "Lead time for changes"
MARTS: Final = (
    "agg_lead_time_for_changes",
    "fct_pull_request_stages",
    "agg_dora_performance_levels",
)

#: The pull request stages of the spec, in order: column and colour.
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


def render(connection: duckdb.DuckDBPyConnection) -> Dashboard:
    lead = weekly(
        connection,
        "agg_lead_time_for_changes",
        ["deployed_change_count", *(column for _, column, _, _ in PERCENTILE_SERIES)],
    )
    stages = _stage_medians(connection)
    sections = [
        Section(
            "Performance levels: lead time for changes",
            [
                badge_table(
                    read_levels(connection, "lead_time_for_changes"),
                    value_label="median lead time (level window)",
                    value_format=fmt.hours,
                )
            ],
            "Level per State of DevOps report year, rated on the median lead time over the "
            "level window. * marks a value in a gap of that year's bands.",
        ),
        Section(
            "Trend per service",
            _trends(lead),
            "Weekly median, p75 and p90 lead time of the changes whose deployment finished "
            "that week (first commit to production). No point in a week without changes.",
        ),
        Section(
            "Drill-down: pull request stages",
            _stage_breakdown(stages),
            "Median hours per stage over every pull request in the warehouse: coding "
            "(first commit to opened), pickup (opened to first review by someone else), "
            "review (first review to merged), deploy (merged to the deployment that "
            "shipped it). Medians of each stage do not add up to the median cycle time.",
        ),
        Section(
            f"Slowest pull requests (top {SLOWEST_SHOWN} by cycle time)",
            _slowest(connection),
            "Cycle time is the sum of the stages that exist.",
        ),
    ]
    period = period_of(lead)
    html = render_page(
        key=KEY,
        title=TITLE,
        subtitle="From first commit to production, with the pull request stages",
        period=period,
        sections=sections,
    )
    return Dashboard(KEY, TITLE, html, period)


def _trends(lead: pl.DataFrame) -> Fragments:
    return weekly_trends(
        [
            TrendLine(lead, column, Line(name, color, dashed))
            for name, column, color, dashed in PERCENTILE_SERIES
        ],
        chart_title="lead time per week",
        value_format=fmt.hours,
        tick_format=fmt.hours_tick,
        no_weeks="No changes deployed yet.",
    )


def _stage_medians(connection: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Per service (and for all services) the pull requests and the median of each
    stage and of the cycle time."""
    medians = ", ".join(f"median({column}) as {column}" for _, column, _ in STAGES)
    return read(
        connection,
        f"""
        select
            coalesce(service, '{NOT_DEPLOYED}') as service,
            count(*) as pull_requests,
            {medians},
            median(cycle_time_hours) as cycle_time_hours,
            0 as sort_order
        from marts.fct_pull_request_stages
        group by all
        union all
        select '{ALL_SERVICES}', count(*), {medians}, median(cycle_time_hours), 1
        from marts.fct_pull_request_stages
        having count(*) > 0
        order by sort_order, service
        """,
    )


def _stage_breakdown(stages: pl.DataFrame) -> Fragments:
    if stages.height == 0:
        return [empty("No pull requests yet.")]
    rows = list(stages.iter_rows(named=True))
    chart = stacked_bars(
        [
            StackedRow(
                row["service"],
                [row[column] for _, column, _ in STAGES],
                note=f"{row['pull_requests']} PRs",
            )
            for row in rows
        ],
        [Segment(name, color) for name, _, color in STAGES],
        title="Median hours per pull request stage, per service",
        value_format=fmt.hours,
    )
    breakdown = table(
        [
            Column("service", stages["service"].to_list()),
            Column(
                "pull requests",
                [fmt.number(count) for count in stages["pull_requests"].to_list()],
                numeric=True,
            ),
            *(_hours_column(f"{name} (median)", stages[column]) for name, column, _ in STAGES),
            _hours_column("cycle time (median)", stages["cycle_time_hours"]),
        ]
    )
    return [legend([(name, color) for name, _, color in STAGES]), chart, breakdown]


def _hours_column(header: str, hours: pl.Series) -> Column:
    return Column(header, fmt.durations(hours), numeric=True)


def _slowest(connection: duckdb.DuckDBPyConnection) -> Fragments:
    stage_columns = ", ".join(column for _, column, _ in STAGES)
    slowest = read(
        connection,
        f"""
        select pr_id, service, merged_at, {stage_columns}, cycle_time_hours
        from marts.fct_pull_request_stages
        where cycle_time_hours is not null
        order by cycle_time_hours desc, pr_id
        limit {SLOWEST_SHOWN}
        """,
    )
    if slowest.height == 0:
        return [empty("No pull request has a cycle time yet.")]
    columns = [
        Column("pull request", slowest["pr_id"].to_list()),
        Column("service", [service or NOT_DEPLOYED for service in slowest["service"].to_list()]),
        Column("merged", [fmt.instant(merged) for merged in slowest["merged_at"].to_list()]),
        *(_hours_column(name, slowest[column]) for name, column, _ in STAGES),
        _hours_column("cycle time", slowest["cycle_time_hours"]),
    ]
    return scrolling(table(columns))
