"""Inline SVG charts, drawn in Python: the dashboards render offline, with no chart
library, script or font to fetch.

Each function returns one ``<svg>`` element sized by its viewBox (it scales with the
page). Every label and tooltip goes through ``escape``; a point or bar carries a
``<title>`` so hovering shows its exact value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from platform_assets.domains.dora.dashboards.markup import Html, element, escape, join

ValueFormat = Callable[[float], str]

_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 14, 12, 30
_MAX_X_LABELS = 8
_Y_STEPS = 5


@dataclass(frozen=True)
class Series:
    """One line: a value (or a gap) per x label."""

    name: str
    values: Sequence[float | None]
    color: str
    dashed: bool = False


@dataclass(frozen=True)
class Segment:
    """One part of a stacked bar, e.g. the review stage."""

    name: str
    color: str


@dataclass(frozen=True)
class StackedRow:
    label: str
    values: Sequence[float | None]
    note: str = ""


@dataclass(frozen=True)
class Span:
    """An interval on a timeline lane; ``end`` None means still open."""

    lane: str
    start: datetime
    end: datetime | None
    color: str
    tooltip: str


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


def _svg(width: int, height: int, title: str, body: Sequence[Html]) -> Html:
    return Html(
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">'
        f"{element('title', title)}{join(body)}</svg>"
    )


def _text(x: float, y: float, content: object, anchor: str = "middle", cls: str = "") -> Html:
    return element(
        "text", content, x=f"{x:.1f}", y=f"{y:.1f}", text_anchor=anchor, class_=cls or None
    )


def _label_stride(count: int) -> int:
    return max(1, math.ceil(count / _MAX_X_LABELS))


def _y_axis(
    largest: float, width: int, height: int, tick_format: ValueFormat
) -> tuple[list[Html], Callable[[float], float]]:
    top, step = axis_scale(largest)
    plot_height = height - _TOP - _BOTTOM

    def y_of(value: float) -> float:
        return _TOP + plot_height * (1 - min(value, top) / top)

    parts: list[Html] = []
    for index in range(round(top / step) + 1):
        value = step * index
        y = y_of(value)
        parts.append(
            Html(
                f'<line class="grid" x1="{_LEFT}" y1="{y:.1f}" '
                f'x2="{width - _RIGHT}" y2="{y:.1f}"></line>'
            )
        )
        parts.append(_text(_LEFT - 6, y + 4, tick_format(value), anchor="end", cls="axis"))
    return parts, y_of


def _x_labels(labels: Sequence[str], x_of: Callable[[int], float], height: int) -> list[Html]:
    stride = _label_stride(len(labels))
    return [
        _text(x_of(index), height - 10, label, cls="axis")
        for index, label in enumerate(labels)
        if index % stride == 0 or index == len(labels) - 1
    ]


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    value_format: ValueFormat,
    tick_format: ValueFormat,
    y_max: float | None = None,
    width: int = 520,
    height: int = 190,
) -> Html:
    """Lines over shared x labels; a None value breaks its line. ``value_format`` writes
    the tooltips, ``tick_format`` the axis; ``y_max`` fixes the axis top (rates: 1)."""
    present = [v for s in series for v in s.values if v is not None]
    largest = y_max if y_max is not None else max(present, default=0.0)
    parts, y_of = _y_axis(largest, width, height, tick_format)
    plot_width = width - _LEFT - _RIGHT
    count = max(len(x_labels), 1)

    def x_of(index: int) -> float:
        return _LEFT + (plot_width * (index + 0.5) / count)

    parts += _x_labels(x_labels, x_of, height)
    for line in series:
        runs: list[list[tuple[float, float]]] = [[]]
        for index, value in enumerate(line.values):
            if value is None:
                runs.append([])
            else:
                runs[-1].append((x_of(index), y_of(value)))
        dash = ' stroke-dasharray="5 4"' if line.dashed else ""
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                parts.append(
                    Html(
                        f'<polyline class="line" points="{points}" '
                        f'stroke="{escape(line.color)}"{dash}></polyline>'
                    )
                )
        for index, value in enumerate(line.values):
            if value is not None:
                tooltip = f"{line.name}, {x_labels[index]}: {value_format(value)}"
                parts.append(
                    Html(
                        f'<circle cx="{x_of(index):.1f}" cy="{y_of(value):.1f}" r="3" '
                        f'fill="{escape(line.color)}">{element("title", tooltip)}</circle>'
                    )
                )
    return _svg(width, height, title, parts)


def bar_chart(
    x_labels: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str,
    value_format: ValueFormat,
    tick_format: ValueFormat,
    color: str,
    width: int = 520,
    height: int = 190,
) -> Html:
    """One bar per x label; a None value draws no bar (a 0 draws a flat one)."""
    largest = max((v for v in values if v is not None), default=0.0)
    parts, y_of = _y_axis(largest, width, height, tick_format)
    plot_width = width - _LEFT - _RIGHT
    count = max(len(x_labels), 1)
    slot = plot_width / count
    bar_width = max(slot * 0.7, 1.0)

    def x_of(index: int) -> float:
        return _LEFT + slot * (index + 0.5)

    parts += _x_labels(x_labels, x_of, height)
    for index, value in enumerate(values):
        if value is None:
            continue
        y = y_of(value)
        bar_height = max(y_of(0) - y, 1.0)
        tooltip = f"{x_labels[index]}: {value_format(value)}"
        parts.append(
            Html(
                f'<rect x="{x_of(index) - bar_width / 2:.1f}" y="{y_of(0) - bar_height:.1f}" '
                f'width="{bar_width:.1f}" height="{bar_height:.1f}" fill="{escape(color)}">'
                f"{element('title', tooltip)}</rect>"
            )
        )
    return _svg(width, height, title, parts)


def stacked_bars(
    rows: Sequence[StackedRow],
    segments: Sequence[Segment],
    *,
    title: str,
    value_format: ValueFormat,
    width: int = 760,
    label_width: int = 170,
    row_height: int = 26,
) -> Html:
    """Horizontal bars, one per row, split into ``segments`` on a common scale."""
    totals = [sum(v for v in row.values if v is not None) for row in rows]
    scale_max, _ = axis_scale(max(totals, default=0.0))
    note_width = 90
    plot_width = width - label_width - note_width
    height = _TOP + row_height * max(len(rows), 1) + 8
    parts: list[Html] = []
    for row_index, (row, total) in enumerate(zip(rows, totals, strict=True)):
        y = _TOP + row_index * row_height
        parts.append(_text(label_width - 8, y + row_height * 0.62, row.label, anchor="end"))
        x = float(label_width)
        for segment, value in zip(segments, row.values, strict=True):
            if not value:
                continue
            segment_width = plot_width * value / scale_max
            tooltip = f"{row.label}, {segment.name}: {value_format(value)}"
            parts.append(
                Html(
                    f'<rect x="{x:.1f}" y="{y + 4}" width="{segment_width:.1f}" '
                    f'height="{row_height - 8}" fill="{escape(segment.color)}">'
                    f"{element('title', tooltip)}</rect>"
                )
            )
            x += segment_width
        note = f"{value_format(total)}{' · ' + row.note if row.note else ''}"
        parts.append(_text(x + 6, y + row_height * 0.62, note, anchor="start", cls="axis"))
    return _svg(width, height, title, parts)


def timeline(
    lanes: Sequence[str],
    spans: Sequence[Span],
    *,
    title: str,
    start: datetime,
    end: datetime,
    width: int = 900,
    label_width: int = 130,
    lane_height: int = 24,
) -> Html:
    """Intervals on one lane per ``lanes`` entry over [start, end]; an open span runs to
    ``end`` with a dashed outline. Day ticks, at most about ten labels."""
    plot_width = width - label_width - _RIGHT
    height = _TOP + lane_height * max(len(lanes), 1) + _BOTTOM
    seconds = max((end - start).total_seconds(), 1.0)

    def x_of(moment: datetime) -> float:
        offset = (moment - start).total_seconds() / seconds
        return label_width + plot_width * min(max(offset, 0.0), 1.0)

    parts: list[Html] = []
    day_count = max((end - start).days, 1)
    stride = max(1, math.ceil(day_count / 10))
    first_day = datetime(start.year, start.month, start.day, tzinfo=start.tzinfo)
    for offset in range(0, day_count + 2, stride):
        moment = first_day + timedelta(days=offset)
        if start <= moment <= end:
            x = x_of(moment)
            parts.append(
                Html(
                    f'<line class="grid" x1="{x:.1f}" y1="{_TOP}" x2="{x:.1f}" '
                    f'y2="{height - _BOTTOM}"></line>'
                )
            )
            parts.append(_text(x, height - 10, moment.strftime("%m-%d"), cls="axis"))
    lane_index = {lane: index for index, lane in enumerate(lanes)}
    for index, lane in enumerate(lanes):
        y = _TOP + index * lane_height
        parts.append(_text(label_width - 8, y + lane_height * 0.65, lane, anchor="end"))
    for span in spans:
        if span.lane not in lane_index:
            continue
        y = _TOP + lane_index[span.lane] * lane_height
        x_start = x_of(span.start)
        x_end = x_of(span.end if span.end is not None else end)
        cls = "span open" if span.end is None else "span"
        parts.append(
            Html(
                f'<rect class="{cls}" x="{x_start:.1f}" y="{y + 4}" '
                f'width="{max(x_end - x_start, 3.0):.1f}" height="{lane_height - 8}" '
                f'fill="{escape(span.color)}">{element("title", span.tooltip)}</rect>'
            )
        )
    return _svg(width, height, title, parts)
