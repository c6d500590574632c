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
from platform_assets.domains.dora.dashboards.markup import Html, join
from platform_assets.domains.dora.dashboards.page import (
    Cell,
    Dashboard,
    Section,
    cards,
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
    series_by_week,
    services,
    week_labels,
    week_starts,
    weekly,
)
from platform_assets.domains.dora.dashboards.svg_charts import Series, Span, line_chart, timeline

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
    incidents = read(
        connection,
        """
        select incident_id, service, severity, created_at, resolved_at, is_open,
               attributed_deployment_id, coalesce(attribution_rule, unattributed_reason) as rule,
               time_to_restore_hours, recovery_time_hours
        from marts.fct_incident_recovery
        order by created_at desc, incident_id
        """,
    )
    sections = [
        Section("Summary", _summary(incidents), "Every incident in the warehouse."),
        Section(
            "Performance levels",
            join(
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
                ]
            ),
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


def _summary(incidents: pl.DataFrame) -> Html:
    if incidents.height == 0:
        return empty("No incidents yet.")
    return tiles(
        [
            ("incidents", fmt.number(incidents.height)),
            ("open incidents", fmt.number(int(incidents["is_open"].sum()))),
            ("median recovery time", fmt.hours(_median(incidents, "recovery_time_hours"))),
            ("median time to restore", fmt.hours(_median(incidents, "time_to_restore_hours"))),
        ]
    )


def _trends(recovery: pl.DataFrame) -> Html:
    starts = week_starts(recovery)
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
                        "recovery time",
                        series_by_week(recovery, service, "median_recovery_time_hours", starts),
                        RECOVERY_COLOR,
                    ),
                    Series(
                        "time to restore",
                        series_by_week(recovery, service, "median_time_to_restore_hours", starts),
                        RESTORE_COLOR,
                        dashed=True,
                    ),
                ],
                title=f"{service}: median recovery time per week",
                value_format=fmt.hours,
                tick_format=fmt.hours_tick,
            ),
        )
        for service in services(recovery)
    ]
    return join(
        [
            legend(
                [
                    ("failed deployment recovery time", RECOVERY_COLOR),
                    ("time to restore service", RESTORE_COLOR),
                ]
            ),
            cards(items),
        ]
    )


def _timeline(incidents: pl.DataFrame, recovery: pl.DataFrame) -> Html:
    if incidents.height == 0:
        return empty("No incidents yet.")
    rows = list(incidents.iter_rows(named=True))
    moments = [row["created_at"] for row in rows] + [
        row["resolved_at"] for row in rows if row["resolved_at"] is not None
    ]
    start = min(moments)
    end = max(moments)
    if recovery.height:
        calendar_end = datetime.combine(recovery["period_end"].max(), time(), tzinfo=UTC)  # type: ignore[arg-type]
        end = max(end, calendar_end)
    spans = [
        Span(
            lane=row["service"],
            start=row["created_at"],
            end=row["resolved_at"],
            color=SEVERITY_COLORS.get(row["severity"] or "", OTHER_SEVERITY_COLOR),
            tooltip=(
                f"{row['incident_id']} ({row['severity'] or 'no severity'}): "
                f"{fmt.instant(row['created_at'])} to "
                f"{fmt.instant(row['resolved_at']) if row['resolved_at'] else 'still open'}"
                f"; recovery {fmt.hours(row['recovery_time_hours'])}"
            ),
        )
        for row in rows
    ]
    lanes = sorted({row["service"] for row in rows if row["service"] is not None})
    chart = timeline(lanes, spans, title="Incidents per service over time", start=start, end=end)
    return join(
        [
            legend([*SEVERITY_COLORS.items(), ("other severity", OTHER_SEVERITY_COLOR)]),
            chart,
        ]
    )


def _incident_table(incidents: pl.DataFrame) -> Html:
    if incidents.height == 0:
        return empty("No incidents yet.")
    headers: list[Cell | str] = [
        "incident",
        "service",
        "severity",
        "created",
        "resolved",
        Cell("time to restore", numeric=True),
        Cell("recovery time", numeric=True),
        "attributed deployment",
        "attribution",
    ]
    rows = [
        [
            row["incident_id"],
            row["service"],
            row["severity"],
            fmt.instant(row["created_at"]),
            fmt.instant(row["resolved_at"]) if row["resolved_at"] else "open",
            Cell(fmt.hours(row["time_to_restore_hours"]), numeric=True),
            Cell(fmt.hours(row["recovery_time_hours"]), numeric=True),
            row["attributed_deployment_id"] or fmt.MISSING,
            row["rule"],
        ]
        for row in incidents.iter_rows(named=True)
    ]
    return scrolling(table(headers, rows))
