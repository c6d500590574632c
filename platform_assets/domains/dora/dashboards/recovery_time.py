"""Recovery: failed deployment recovery time, time to restore service, and the
incidents behind them on a timeline.

The spec reports both measures: failed deployment recovery time (DORA 2023 on: from the
deployment at fault to resolution) and the older time to restore service (incident
opened to resolved). Open incidents are counted and drawn running to the end of the
timeline, never averaged into a median.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Final

import duckdb
import polars as pl

from platform_assets.domains.dora.dashboards import formatting as fmt
from platform_assets.domains.dora.dashboards.levels import badge_table, read_levels
from platform_assets.domains.dora.dashboards.markup import Html
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
    tiles,
)
from platform_assets.domains.dora.dashboards.reading import (
    period_of,
    read,
    weekly,
)
from platform_assets.domains.dora.dashboards.svg_charts import Line, timeline
from platform_assets.domains.dora.dashboards.trends import TrendLine, weekly_trends

KEY: Final = "recovery_time"
TITLE: Final = "Recovery time & incidents"
MARTS: Final = ("agg_recovery_time", "fct_incident_recovery", "agg_dora_performance_levels")

RECOVERY_COLOR: Final = "#2f6fde"
RESTORE_COLOR: Final = "#7b61ff"
SEVERITY_COLORS: Final = {"SEV1": "#c81e1e", "SEV2": "#d9822b", "SEV3": "#e0b400"}
OTHER_SEVERITY_COLOR: Final = "#7b8794"


def render(connection: duckdb.DuckDBPyConnection) -> Dashboard:
    recovery = weekly(
        connection,
        "agg_recovery_time",
        ["median_recovery_time_hours", "median_time_to_restore_hours", "open_incident_count"],
    )
    incidents = _written_out(
        read(
            connection,
            """
            select incident_id, service, severity, created_at, resolved_at, is_open,
                   attributed_deployment_id,
                   coalesce(attribution_rule, unattributed_reason) as rule,
                   time_to_restore_hours, recovery_time_hours
            from marts.fct_incident_recovery
            order by created_at desc, incident_id
            """,
        )
    )
    sections = [
        Section("Summary", _summary(incidents), "Every incident in the warehouse."),
        Section(
            "Performance levels",
            [
                Html("<h3>Failed deployment recovery time (2023 and later reports)</h3>"),
                badge_table(
                    read_levels(connection, "failed_deployment_recovery_time"),
                    value_label="median (level window)",
                    value_format=fmt.hours,
                ),
                Html("<h3>Time to restore service (reports up to 2022)</h3>"),
                badge_table(
                    read_levels(connection, "time_to_restore_service"),
                    value_label="median (level window)",
                    value_format=fmt.hours,
                ),
            ],
            "Level per State of DevOps report year. * marks a value in a gap of that year's bands.",
        ),
        Section(
            "Trend per service",
            _trends(recovery),
            "Weekly medians over the incidents resolved that week.",
        ),
        Section(
            "Incident timeline",
            _timeline(incidents, recovery),
            "Each bar runs from an incident's creation to its resolution (hover for "
            "details); a dashed bar is still open.",
        ),
        Section("Incidents", _incident_table(incidents), "Newest first."),
    ]
    period = period_of(recovery)
    html = render_page(
        key=KEY,
        title=TITLE,
        subtitle="Failed deployment recovery time, time to restore service, incidents",
        period=period,
        sections=sections,
    )
    return Dashboard(KEY, TITLE, html, period)


def _median(frame: pl.DataFrame, column: str) -> float | None:
    values = frame[column].drop_nulls()
    return float(values.median()) if values.len() else None  # type: ignore[arg-type]


def _summary(incidents: pl.DataFrame) -> Fragments:
    if incidents.height == 0:
        return [empty("No incidents yet.")]
    return [
        tiles(
            [
                ("incidents", fmt.number(incidents.height)),
                ("open incidents", fmt.number(int(incidents["is_open"].sum()))),
                ("median recovery time", fmt.hours(_median(incidents, "recovery_time_hours"))),
                ("median time to restore", fmt.hours(_median(incidents, "time_to_restore_hours"))),
            ]
        )
    ]


def _trends(recovery: pl.DataFrame) -> Fragments:
    return weekly_trends(
        [
            TrendLine(
                recovery,
                "median_recovery_time_hours",
                Line("recovery time", RECOVERY_COLOR),
                legend="failed deployment recovery time",
            ),
            TrendLine(
                recovery,
                "median_time_to_restore_hours",
                Line("time to restore", RESTORE_COLOR, dashed=True),
                legend="time to restore service",
            ),
        ],
        chart_title="median recovery time per week",
        value_format=fmt.hours,
        tick_format=fmt.hours_tick,
    )


def _timeline(incidents: pl.DataFrame, recovery: pl.DataFrame) -> Fragments:
    if incidents.height == 0:
        return [empty("No incidents yet.")]
    moments = pl.concat([incidents["created_at"], incidents["resolved_at"].drop_nulls()])
    start: datetime = moments.min()  # type: ignore[assignment]
    end: datetime = moments.max()  # type: ignore[assignment]
    if recovery.height:
        calendar_end = datetime.combine(recovery["period_end"].max(), time(), tzinfo=UTC)  # type: ignore[arg-type]
        end = max(end, calendar_end)
    spans = incidents.select(
        lane=pl.col("service"),
        start=pl.col("created_at"),
        end=pl.col("resolved_at"),
        color=pl.col("severity").replace_strict(
            SEVERITY_COLORS, default=OTHER_SEVERITY_COLOR, return_dtype=pl.String
        ),
        tooltip=_span_tooltip(),
    )
    lanes = sorted(set(incidents["service"].drop_nulls().to_list()))
    chart = timeline(lanes, spans, title="Incidents per service over time", start=start, end=end)
    return [legend([*SEVERITY_COLORS.items(), ("other severity", OTHER_SEVERITY_COLOR)]), chart]


def _written_out(incidents: pl.DataFrame) -> pl.DataFrame:
    """The incidents with their times (null for none) and durations as the page writes
    them: the timeline and the table both show them."""
    return incidents.with_columns(
        created=fmt.instants(incidents["created_at"]),
        resolved=fmt.instants(incidents["resolved_at"]),
        time_to_restore=fmt.durations(incidents["time_to_restore_hours"]),
        recovery_time=fmt.durations(incidents["recovery_time_hours"]),
    )


def _span_tooltip() -> pl.Expr:
    """'INC-1 (SEV2): <created> to <resolved>; recovery 3.0 h' for each incident."""
    return pl.concat_str(
        # A missing id reads 'None', as it always has on this page.
        pl.col("incident_id").fill_null("None"),
        pl.lit(" ("),
        pl.col("severity").replace("", None).fill_null("no severity"),
        pl.lit("): "),
        pl.col("created").fill_null(fmt.MISSING),
        pl.lit(" to "),
        pl.col("resolved").fill_null("still open"),
        pl.lit("; recovery "),
        pl.col("recovery_time"),
    )


def _incident_table(incidents: pl.DataFrame) -> Fragments:
    if incidents.height == 0:
        return [empty("No incidents yet.")]
    columns = [
        Column("incident", incidents["incident_id"]),
        Column("service", incidents["service"]),
        Column("severity", incidents["severity"]),
        Column("created", incidents["created"].fill_null(fmt.MISSING)),
        Column("resolved", incidents["resolved"].fill_null("open")),
        Column("time to restore", incidents["time_to_restore"], numeric=True),
        Column("recovery time", incidents["recovery_time"], numeric=True),
        Column(
            "attributed deployment",
            incidents["attributed_deployment_id"].replace("", None).fill_null(fmt.MISSING),
        ),
        Column("attribution", incidents["rule"]),
    ]
    return scrolling(table(columns))
