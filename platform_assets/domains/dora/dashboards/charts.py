"""Declarative chart specs: what a chart shows (series, axis, labels) and where its
marks sit. ``templates/charts.html`` draws them as inline SVG, so a page needs no chart
library, script or font to render offline.

A spec only computes positions; every piece of markup, and every escape, is the
template's. Coordinates are in the chart's viewBox, so the chart scales with the page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Final

ValueFormat = Callable[[float], str]

LEFT: Final = 56
RIGHT: Final = 14
TOP: Final = 12
BOTTOM: Final = 30
_MAX_X_LABELS: Final = 8
_Y_STEPS: Final = 5


def nice_step(value: float) -> float:
    """The smallest of 1, 2 or 5 x 10^n at least ``value``: round axis steps."""
    if value <= 0 or math.isnan(value):
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5):
        if value <= step * magnitude * (1 + 1e-9):
            return step * magnitude
    return 10 * magnitude


def axis_scale(largest: float) -> tuple[float, float]:
    """(top, step) of an axis from 0 showing ``largest`` in about five round steps."""
    step = nice_step(largest / _Y_STEPS)
    return step * max(math.ceil(largest / step - 1e-9), 1), step


@dataclass(frozen=True)
class Series:
    """One line (or the bars) of a weekly chart: a value per x label, None for a gap."""

    name: str
    color: str
    values: Sequence[float | None]
    dashed: bool = False


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value: float


@dataclass(frozen=True)
class WeeklyChart:
    """Bars or lines over the same x labels (weeks), on an axis from 0 to ``y_max`` or
    to a round value above the largest one. A missing value breaks a line; a zero draws
    a flat bar, a missing one none."""

    title: str
    x_labels: Sequence[str]
    series: Sequence[Series]
    value_format: ValueFormat
    tick_format: ValueFormat
    bars: bool = False
    y_max: float | None = None
    width: int = 520
    height: int = 190

    @cached_property
    def _scale(self) -> tuple[float, float]:
        values = [value for series in self.series for value in series.values if value is not None]
        return axis_scale(self.y_max if self.y_max is not None else max(values, default=0.0))

    @property
    def slot(self) -> float:
        return (self.width - LEFT - RIGHT) / max(len(self.x_labels), 1)

    @property
    def bar_width(self) -> float:
        return max(self.slot * 0.7, 1.0)

    @property
    def baseline(self) -> float:
        return float(self.height - BOTTOM)

    def x_of(self, index: int) -> float:
        """The middle of the index-th slot (bars and lines round it differently, as the
        charts always have)."""
        if self.bars:
            return LEFT + self.slot * (index + 0.5)
        return LEFT + ((self.width - LEFT - RIGHT) * (index + 0.5) / max(len(self.x_labels), 1))

    def y_of(self, value: float) -> float:
        top = self._scale[0]
        return TOP + (self.height - TOP - BOTTOM) * (1 - min(value, top) / top)

    @property
    def y_ticks(self) -> list[tuple[float, str]]:
        top, step = self._scale
        return [
            (self.y_of(step * index), self.tick_format(step * index))
            for index in range(round(top / step) + 1)
        ]

    @property
    def x_ticks(self) -> list[tuple[float, str]]:
        """At most about eight labels, and always the last."""
        last = len(self.x_labels) - 1
        stride = max(1, math.ceil(len(self.x_labels) / _MAX_X_LABELS))
        return [
            (self.x_of(index), label)
            for index, label in enumerate(self.x_labels)
            if index % stride == 0 or index == last
        ]

    def points(self, series: Series) -> list[Point]:
        return [
            Point(self.x_of(index), self.y_of(value), self.x_labels[index], value)
            for index, value in enumerate(series.values)
            if value is not None
        ]

    def runs(self, series: Series) -> list[list[Point]]:
        """The points of each unbroken run of two or more consecutive values."""
        runs: list[list[Point]] = [[]]
        for index, value in enumerate(series.values):
            if value is None:
                runs.append([])
            else:
                runs[-1].append(Point(self.x_of(index), self.y_of(value), "", value))
        return [run for run in runs if len(run) > 1]

    def bar_height(self, value: float) -> float:
        return max(self.baseline - self.y_of(value), 1.0)


@dataclass(frozen=True)
class StackedRow:
    label: str
    values: Sequence[float | None]
    note: str = ""


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    name: str
    color: str
    value: float


@dataclass(frozen=True)
class StackedBars:
    """Horizontal bars, one per row, split into named, coloured segments on one scale."""

    title: str
    rows: Sequence[StackedRow]
    segments: Sequence[tuple[str, str]]
    value_format: ValueFormat
    width: int = 760
    label_width: int = 170
    note_width: int = 90
    row_height: int = 26

    @property
    def height(self) -> int:
        return TOP + self.row_height * max(len(self.rows), 1) + 8

    def top_of(self, row_index: int) -> int:
        return TOP + row_index * self.row_height

    def total(self, row: StackedRow) -> float:
        return sum(value for value in row.values if value is not None)

    @cached_property
    def _scale_max(self) -> float:
        return axis_scale(max(map(self.total, self.rows), default=0.0))[0]

    def parts(self, row: StackedRow) -> list[Segment]:
        """The row's segments left to right; an empty or zero stage draws nothing."""
        scale_max = self._scale_max
        plot_width = self.width - self.label_width - self.note_width
        x, parts = float(self.label_width), []
        for (name, color), value in zip(self.segments, row.values, strict=True):
            if value:
                parts.append(Segment(x, plot_width * value / scale_max, name, color, value))
                x += parts[-1].width
        return parts

    def end_of(self, row: StackedRow) -> float:
        parts = self.parts(row)
        return parts[-1].x + parts[-1].width if parts else float(self.label_width)


@dataclass(frozen=True)
class Span:
    """An interval on a timeline lane; open while ``end`` is None."""

    lane: str
    start: datetime
    end: datetime | None
    color: str
    tooltip: str


@dataclass(frozen=True)
class Timeline:
    """Spans on one lane per ``lanes`` entry over [start, end], with day ticks (about
    ten labels at most). A span on no lane is left out; an open one runs to the end."""

    title: str
    lanes: Sequence[str]
    spans: Sequence[Span]
    start: datetime
    end: datetime
    width: int = 900
    label_width: int = 130
    lane_height: int = 24

    @property
    def height(self) -> int:
        return TOP + self.lane_height * max(len(self.lanes), 1) + BOTTOM

    def x_of(self, moment: datetime) -> float:
        seconds = max((self.end - self.start).total_seconds(), 1.0)
        offset = (moment - self.start).total_seconds() / seconds
        return self.label_width + (self.width - self.label_width - RIGHT) * min(
            max(offset, 0.0), 1.0
        )

    @property
    def day_ticks(self) -> list[tuple[float, str]]:
        days = max((self.end - self.start).days, 1)
        first = datetime.combine(self.start.date(), datetime.min.time(), self.start.tzinfo)
        moments = (
            first + timedelta(days=offset) for offset in range(0, days + 2, math.ceil(days / 10))
        )
        return [
            (self.x_of(moment), moment.strftime("%m-%d"))
            for moment in moments
            if self.start <= moment <= self.end
        ]

    def lane_top(self, index: int) -> int:
        return TOP + index * self.lane_height

    def placed(self) -> list[tuple[Span, int, float, float]]:
        """Each span on a lane, with its lane's top, its x and its width (3 at least)."""
        tops = {lane: self.lane_top(index) + 4 for index, lane in enumerate(self.lanes)}
        placed = []
        for span in self.spans:
            if span.lane in tops:
                x = self.x_of(span.start)
                width = max(self.x_of(span.end or self.end) - x, 3.0)
                placed.append((span, tops[span.lane], x, width))
        return placed
