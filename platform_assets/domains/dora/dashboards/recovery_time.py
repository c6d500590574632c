"""Recovery: failed deployment recovery time, time to restore service, and the
incidents behind them on a timeline.

The spec reports both measures: failed deployment recovery time (DORA 2023 on: from the
deployment at fault to resolution) and the older time to restore service (incident
opened to resolved). Open incidents are counted and drawn running to the end of the
timeline, never averaged into a median.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any, Final

import polars as pl

from platform_assets.dashboards import formatting as fmt
from platform_assets.domains.dora.dashboards import axes
from platform_assets.domains.dora.dashboards.charts import Span, Timeline, WeeklyChart
from platform_assets.domains.dora.dashboards.levels import read_levels
from platform_assets.domains.dora.dashboards.page import Dashboard, render_page
from platform_assets.domains.dora.dashboards.reading import period_of, read, weekly
from platform_assets.domains.dora.dashboards.trends import TrendChart, TrendLine, weekly_trend
from platform_assets.warehouse import WarehouseSession

KEY: Final = "recovery_time"
MARTS: Final = ("agg_recovery_time", "fct_incident_recovery", "agg_dora_performance_levels")

RECOVERY_COLOR: Final = "#2f6fde"
RESTORE_COLOR: Final = "#7b61ff"
SEVERITY_COLORS: Final = {"SEV1": "#c81e1e", "SEV2": "#d9822b", "SEV3": "#e0b400"}
OTHER_SEVERITY_COLOR: Final = "#7b8794"


def render(session: WarehouseSession) -> Dashboard:
    recovery = weekly(
        session,
        "agg_recovery_time",
        ["median_recovery_time_hours", "median_time_to_restore_hours", "open_incident_count"],
    )
    incidents = read(
        session,
        """
        select incident_id, service, severity, created_at, resolved_at, is_open,
               attributed_deployment_id,
               coalesce(attribution_rule, unattributed_reason) as rule,
               time_to_restore_hours, recovery_time_hours
        from marts.fct_incident_recovery
        order by created_at desc, incident_id
        """,
    )
    return render_page(
        KEY,
        subtitle="Failed deployment recovery time, time to restore service, incidents",
        period=period_of(recovery),
        summary=_summary(incidents) if incidents.height else None,
        recovery_levels=read_levels(session, "failed_deployment_recovery_time", fmt.hours),
        restore_levels=read_levels(session, "time_to_restore_service", fmt.hours),
        trend=weekly_trend(
            [
                TrendChart(
                    WeeklyChart("median recovery time per week", fmt.hours, axes.hours_tick),
                    [
                        TrendLine(
                            recovery,
                            "median_recovery_time_hours",
                            "recovery time",
                            RECOVERY_COLOR,
                            legend="failed deployment recovery time",
                        ),
                        TrendLine(
                            recovery,
                            "median_time_to_restore_hours",
                            "time to restore",
                            RESTORE_COLOR,
                            dashed=True,
                            legend="time to restore service",
                        ),
                    ],
                )
            ]
        ),
        timeline=_timeline(incidents, recovery) if incidents.height else None,
        severities=[*SEVERITY_COLORS.items(), ("other severity", OTHER_SEVERITY_COLOR)],
        incidents=incidents.iter_rows(named=True),
    )


def _summary(incidents: pl.DataFrame) -> dict[str, Any]:
    return {
        "incidents": incidents.height,
        "open": int(incidents["is_open"].sum()),
        "recovery_time": incidents["recovery_time_hours"].median(),
        "time_to_restore": incidents["time_to_restore_hours"].median(),
    }


def _timeline(incidents: pl.DataFrame, recovery: pl.DataFrame) -> Timeline:
    """From the first incident to the last moment of an incident or of the calendar."""
    moments = pl.concat([incidents["created_at"], incidents["resolved_at"].drop_nulls()])
    start: datetime = moments.min()  # type: ignore[assignment]
    end: datetime = moments.max()  # type: ignore[assignment]
    if recovery.height:
        calendar_end = datetime.combine(recovery["period_end"].max(), time(), tzinfo=UTC)  # type: ignore[arg-type]
        end = max(end, calendar_end)
    spans = [
        Span(
            row["service"],
            row["created_at"],
            row["resolved_at"],
            SEVERITY_COLORS.get(row["severity"], OTHER_SEVERITY_COLOR),
            f"{row['incident_id']} ({row['severity'] or 'no severity'}): "
            f"{fmt.instant(row['created_at'])} to "
            f"{fmt.instant(row['resolved_at']) if row['resolved_at'] else 'still open'}; "
            f"recovery {fmt.hours(row['recovery_time_hours'])}",
        )
        for row in incidents.iter_rows(named=True)
    ]
    lanes = sorted(set(incidents["service"].drop_nulls().to_list()))
    return Timeline("Incidents per service over time", lanes, spans, start, end)
