"""The weekly trend per service that the lead time, change failure and recovery
dashboards share: one line chart per service over the same weeks, a line per weekly mart
column, under one legend."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from platform_assets.domains.dora.dashboards.page import Fragments, cards, empty, legend
from platform_assets.domains.dora.dashboards.reading import (
    services,
    week_labels,
    week_starts,
    weekly_points,
)
from platform_assets.domains.dora.dashboards.svg_charts import Line, ValueFormat, line_charts


@dataclass(frozen=True)
class TrendLine:
    """One line of every service's chart: ``column`` of a weekly mart frame, drawn as
    ``line``; the legend names it ``legend``, or the line's own name."""

    frame: pl.DataFrame
    column: str
    line: Line
    legend: str | None = None


def weekly_trends(
    lines: Sequence[TrendLine],
    *,
    chart_title: str,
    value_format: ValueFormat,
    tick_format: ValueFormat,
    no_weeks: str = "No weeks to show yet.",
) -> Fragments:
    """A legend, then a card per service (every service of any frame) with its chart
    titled ``<service>: <chart_title>`` over every week of any frame; ``no_weeks`` when
    the frames hold no week."""
    frames = [trend.frame for trend in lines]
    starts = week_starts(*frames)
    if not starts:
        return [empty(no_weeks)]
    names = services(*frames)
    charts = line_charts(
        week_labels(starts),
        [f"{service}: {chart_title}" for service in names],
        [trend.line for trend in lines],
        weekly_points([(trend.frame, trend.column) for trend in lines], starts, names),
        value_format=value_format,
        tick_format=tick_format,
    )
    return [
        legend([(trend.legend or trend.line.name, trend.line.color) for trend in lines]),
        *cards(list(zip(names, charts, strict=True))),
    ]
