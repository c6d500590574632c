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
class WeeklyChart:
    """Bars or lines over the same x labels (weeks), on an axis from 0 to ``y_max`` or
    to a round value above the largest one. A missing value breaks a line; a zero draws
    a flat bar, a missing one none."""

    title: str
    value_format: ValueFormat
    tick_format: ValueFormat
    x_labels: Sequence[str] = ()
    series: Sequence[Series] = ()
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
        """Where the axis puts 0."""
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
    def axes(self) -> tuple[object, ...]:
        """What the axes show: charts of a set share them as often as their scale, so
        the page draws each distinct pair once."""
        top, step = self._scale
        last = len(self.x_labels) - 1
        stride = max(1, math.ceil(len(self.x_labels) / _MAX_X_LABELS))
        y_ticks = tuple(
            (_tenths(self.y_of(step * index)), _tenths(self.y_of(step * index) + 4), tick)
            for index in range(round(top / step) + 1)
            for tick in [self.tick_format(step * index)]
        )
        x_ticks = tuple(
            (x_text, label)
            for index, ((_, x_text), label) in enumerate(
                zip(self._slots, self.x_labels, strict=True)
            )
            if index % stride == 0 or index == last
        )
        return (self.width, self.height, y_ticks, x_ticks)

    @cached_property
    def _slots(self) -> list[tuple[float, str]]:
        """Each slot's middle, as a number and as written."""
        return [(x, _tenths(x)) for x in map(self.x_of, range(len(self.x_labels)))]

    def marks(self, series: Series) -> tuple[list[tuple[str, ...]], list[str]]:
        """The series' marks, in one pass over its values (a page can hold a quarter of a
        million): (x, y, tooltip) of each point and the points attribute of each unbroken
        run of two or more values; for bars, (x, y, width, height, tooltip) of each bar,
        at least a pixel high, and no runs."""
        top, plot_height = self._scale[0], self.height - TOP - BOTTOM
        slots, labels, text, baseline = self._slots, self.x_labels, self.value_format, self.baseline
        half, width = self.bar_width / 2, _tenths(self.bar_width)
        marks: list[tuple[str, ...]] = []
        runs: list[list[str]] = [[]]
        for index, value in enumerate(series.values):
            if value is None:
                runs.append([])
                continue
            x, x_text = slots[index]
            y = TOP + plot_height * (1 - min(value, top) / top)  # as y_of, inlined
            if self.bars:
                height = max(baseline - y, 1.0)
                marks.append((_tenths(x - half), _tenths(baseline - height), width,
                              _tenths(height), f"{labels[index]}: {text(value)}"))  # fmt: skip
            else:
                y_text = _tenths(y)
                marks.append((x_text, y_text, f"{series.name}, {labels[index]}: {text(value)}"))
                runs[-1].append(f"{x_text},{y_text}")
        return marks, [" ".join(run) for run in runs if len(run) > 1]


def _tenths(value: float) -> str:
    """Coordinates, to a tenth of a pixel."""
    return f"{value:.1f}"


@dataclass(frozen=True)
class StackedRow:
    label: str
    values: Sequence[float | None]
    note: str = ""


@dataclass(frozen=True)
class StackedBars:
    """Horizontal bars, one per row, split into named, coloured segments (an empty or
    zero one draws nothing) on one scale, the row's total and note after the bar."""

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

    @property
    def label_x(self) -> str:
        return _tenths(self.label_width - 8)

    def bars(self) -> list[tuple[str, str, str, list[tuple[str, ...]], str, str]]:
        """Per row: its label, the y of its texts and of its bar, its segments (x, width,
        colour, tooltip), and the x and text of its note."""
        totals = [sum(value for value in row.values if value is not None) for row in self.rows]
        scale_max = axis_scale(max(totals, default=0.0))[0]
        plot_width = self.width - self.label_width - self.note_width
        bars = []
        for index, (row, total) in enumerate(zip(self.rows, totals, strict=True)):
            top = TOP + index * self.row_height
            x, segments = float(self.label_width), list[tuple[str, ...]]()
            for (name, color), value in zip(self.segments, row.values, strict=True):
                if value:
                    width = plot_width * value / scale_max
                    tooltip = f"{row.label}, {name}: {self.value_format(value)}"
                    segments.append((_tenths(x), _tenths(width), color, tooltip))
                    x += width
            note = self.value_format(total) + (f" · {row.note}" if row.note else "")
            text_y = _tenths(top + self.row_height * 0.62)
            bars.append((row.label, text_y, str(top + 4), segments, _tenths(x + 6), note))
        return bars


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
        plot_width = self.width - self.label_width - RIGHT
        return self.label_width + plot_width * min(max(offset, 0.0), 1.0)

    @property
    def day_ticks(self) -> list[tuple[str, str]]:
        days = max((self.end - self.start).days, 1)
        first = datetime.combine(self.start.date(), datetime.min.time(), self.start.tzinfo)
        moments = [first + timedelta(days=day) for day in range(0, days + 2, math.ceil(days / 10))]
        return [
            (_tenths(self.x_of(moment)), moment.strftime("%m-%d"))
            for moment in moments
            if self.start <= moment <= self.end
        ]

    @property
    def lane_labels(self) -> list[tuple[str, str]]:
        """(y, lane) of each lane's label; its x is ``label_x``."""
        return [
            (_tenths(TOP + index * self.lane_height + self.lane_height * 0.65), lane)
            for index, lane in enumerate(self.lanes)
        ]

    @property
    def label_x(self) -> str:
        return _tenths(self.label_width - 8)

    def bars(self) -> list[tuple[str, ...]]:
        """(class, x, y, width, colour, tooltip) of each span on a lane, at least 3 wide;
        an open one has the class that dashes it."""
        tops = {
            lane: str(TOP + index * self.lane_height + 4) for index, lane in enumerate(self.lanes)
        }
        bars: list[tuple[str, ...]] = []
        for span in self.spans:
            if span.lane in tops:
                x = self.x_of(span.start)
                width = max(self.x_of(span.end or self.end) - x, 3.0)
                css = "span" if span.end else "span open"
                bars.append(
                    (css, _tenths(x), tops[span.lane], _tenths(width), span.color, span.tooltip)
                )
        return bars
