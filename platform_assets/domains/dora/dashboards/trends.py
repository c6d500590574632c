"""The weekly trend per service that every dashboard shows: a card per service holding
the same charts over the same weeks, under one legend."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import polars as pl

from platform_assets.domains.dora.dashboards.axes import short_day
from platform_assets.domains.dora.dashboards.charts import Series, WeeklyChart
from platform_assets.domains.dora.dashboards.reading import services, week_starts


@dataclass(frozen=True)
class TrendLine:
    """``column`` of a weekly mart frame, drawn as a line (or the bars) named ``name``;
    the legend calls it ``legend``, or ``name``."""

    frame: pl.DataFrame
    column: str
    name: str
    color: str
    dashed: bool = False
    legend: str | None = None


@dataclass(frozen=True)
class TrendChart:
    """A chart every service gets: ``chart`` (without weeks or series) drawing the
    service's values of ``lines``, titled ``<service>: <chart's title>``."""

    chart: WeeklyChart
    lines: Sequence[TrendLine]


@dataclass(frozen=True)
class Trend:
    legend: Sequence[tuple[str, str]]
    cards: Sequence[tuple[str, Sequence[WeeklyChart]]]
    no_weeks: str


def weekly_trend(charts: Sequence[TrendChart], no_weeks: str = "No weeks to show yet.") -> Trend:
    """A card per service of any frame, over every week of any frame; no card when the
    frames hold no week."""
    lines = [line for chart in charts for line in chart.lines]
    starts = week_starts(*(line.frame for line in lines))
    labels = [short_day(start) for start in starts]
    values = {id(line): _by_service_and_week(line) for line in lines}

    def series(line: TrendLine, service: str) -> Series:
        of_line = values[id(line)]
        return Series(
            line.name, line.color, [of_line.get((service, s)) for s in starts], line.dashed
        )

    cards = [
        (
            service,
            [
                replace(
                    trend.chart,
                    title=f"{service}: {trend.chart.title}",
                    x_labels=labels,
                    series=[series(line, service) for line in trend.lines],
                )
                for trend in charts
            ],
        )
        for service in (services(*(line.frame for line in lines)) if starts else [])
    ]
    return Trend([(line.legend or line.name, line.color) for line in lines], cards, no_weeks)


def _by_service_and_week(line: TrendLine) -> dict[tuple[str, object], float | None]:
    """The line's value per (service, week start); where a service has several rows for
    a week (frames come in service and week order), the last counts."""
    rows = line.frame.select("service", "period_start", pl.col(line.column).cast(pl.Float64))
    return {(service, start): value for service, start, value in rows.iter_rows()}
