"""Inline SVG charts, drawn in Python: the dashboards render offline, with no chart
library, script or font to fetch.

Each chart is one ``<svg>`` element sized by its viewBox (it scales with the page).
Every label and tooltip goes through ``escape``; a point or bar carries a ``<title>``
so hovering shows its exact value.

Line and bar charts come as small multiples: every chart of a set in one call, over
the same x labels, from one frame of points. A page holds one per service, a thousand
charts and a hundred thousand points, so their marks are assembled by polars, a column
at a time; the numbers in them are written by Python (polars rounds differently).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import polars as pl

from platform_assets.domains.dora.dashboards import formatting as fmt
from platform_assets.domains.dora.dashboards.markup import (
    Html,
    element,
    escape,
    escape_column,
    join,
)

ValueFormat = Callable[[float], str]

_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 14, 12, 30
_MAX_X_LABELS = 8
_Y_STEPS = 5
_DASHES = ' stroke-dasharray="5 4"'
_POLYLINE = '<polyline class="line" points="'


@dataclass(frozen=True)
class Line:
    """How one series of a line chart is drawn."""

    name: str
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
    return join([_svg_opening(width, height, escape(title)), *body, Html("</svg>")])


def _svg_opening(width: int, height: int, title: Html) -> Html:
    return Html(
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{title}" preserveAspectRatio="xMinYMin meet"><title>{title}</title>'
    )


def _text(x: float, y: float, content: object, anchor: str = "middle", cls: str = "") -> Html:
    return element(
        "text", content, x=f"{x:.1f}", y=f"{y:.1f}", text_anchor=anchor, class_=cls or None
    )


class _YAxis:
    """A value axis from 0 to ``top``: its grid and tick labels, and where values sit."""

    def __init__(
        self, top: float, step: float, width: int, height: int, tick_format: ValueFormat
    ) -> None:
        self.top = top
        self.plot_height = height - _TOP - _BOTTOM
        parts: list[Html] = []
        for index in range(round(top / step) + 1):
            value = step * index
            y = self.y_of(value)
            parts.append(
                Html(
                    f'<line class="grid" x1="{_LEFT}" y1="{y:.1f}" '
                    f'x2="{width - _RIGHT}" y2="{y:.1f}"></line>'
                )
            )
            parts.append(_text(_LEFT - 6, y + 4, tick_format(value), anchor="end", cls="axis"))
        self.markup = join(parts)

    def y_of(self, value: float) -> float:
        return _TOP + self.plot_height * (1 - min(value, self.top) / self.top)


def _y_of_points(tops: pl.Expr, plot_height: int) -> pl.Expr:
    """``_YAxis.y_of`` of each point's value on its chart's axis (top ``tops``): the
    same operations in the same order, so a point lands where the grid puts its value."""
    return _TOP + plot_height * (1 - pl.min_horizontal(pl.col("value"), tops) / tops)


@dataclass(frozen=True)
class _Axes:
    """The axes of a set of charts: the x slots (shared) and each chart's y axis."""

    x_markup: Html
    xs: Sequence[str]
    labels: Sequence[Html]
    y_axes: Sequence[_YAxis]

    @property
    def tops(self) -> pl.Expr:
        """Each point's chart's axis top."""
        tops = pl.Series([axis.top for axis in self.y_axes], dtype=pl.Float64)
        return pl.lit(tops).gather(pl.col("chart"))


def _axes(
    x_labels: Sequence[str],
    positions: Sequence[float],
    largest: Sequence[float],
    width: int,
    height: int,
    tick_format: ValueFormat,
) -> _Axes:
    """Axes for slots at ``positions`` and for charts whose largest values are
    ``largest``. Charts share a handful of round scales, so each is drawn once."""
    stride = max(1, math.ceil(len(x_labels) / _MAX_X_LABELS))
    x_markup = join(
        _text(positions[index], height - 10, label, cls="axis")
        for index, label in enumerate(x_labels)
        if index % stride == 0 or index == len(x_labels) - 1
    )

    @functools.cache
    def y_axis(top: float, step: float) -> _YAxis:
        return _YAxis(top, step, width, height, tick_format)

    return _Axes(
        x_markup,
        [f"{x:.1f}" for x in positions],
        [escape(label) for label in x_labels],
        [y_axis(*axis_scale(value)) for value in largest],
    )


def _largest(points: pl.DataFrame, charts: int) -> list[float]:
    """Each chart's largest value, 0 for a chart without points."""
    per_chart = points.group_by("chart").agg(pl.col("value").max())
    largest = dict(zip(per_chart["chart"].to_list(), per_chart["value"].to_list(), strict=True))
    return [largest.get(chart, 0.0) for chart in range(charts)]


def _indexed(texts: Sequence[str], index: str) -> pl.Expr:
    """``texts[i]`` for each row, ``i`` its ``index`` column: a slot's or line's text."""
    return pl.lit(pl.Series(texts, dtype=pl.String)).gather(pl.col(index))


def _charts(
    titles: Sequence[str], axes: _Axes, marks: pl.DataFrame, width: int, height: int
) -> list[Html]:
    """An ``<svg>`` per title, as ``_svg`` draws it, holding the marks of its rows of
    ``marks`` (``chart`` and ``markup``, in drawing order)."""
    by_chart = marks.group_by("chart", maintain_order=True).agg(pl.col("markup").str.join(""))
    openings = [_svg_opening(width, height, escape(title)) for title in titles]
    charts = (
        pl.DataFrame({"chart": range(len(titles))}, schema={"chart": pl.Int64})
        .join(by_chart, on="chart", how="left", maintain_order="left")
        .select(
            pl.concat_str(
                pl.lit(pl.Series(openings, dtype=pl.String)),
                _indexed([axis.markup for axis in axes.y_axes], "chart"),
                pl.lit(axes.x_markup),
                pl.col("markup").fill_null(""),
                pl.lit("</svg>"),
            )
        )
        .to_series()
    )
    return [Html(chart) for chart in charts.to_list()]


def line_charts(
    x_labels: Sequence[str],
    titles: Sequence[str],
    lines: Sequence[Line],
    points: pl.DataFrame,
    *,
    value_format: ValueFormat,
    tick_format: ValueFormat,
    y_max: float | None = None,
    width: int = 520,
    height: int = 190,
) -> list[Html]:
    """A chart per title, with ``lines`` over shared x labels. ``points`` has a row per
    value drawn: ``chart`` and ``line`` (positions in ``titles`` and ``lines``), ``x``
    (position in ``x_labels``) and ``value``; a missing point breaks its line.
    ``value_format`` writes the tooltips, ``tick_format`` the axis; ``y_max`` fixes
    the axis top (rates: 1), else each chart's largest value sets it."""
    plot_width = width - _LEFT - _RIGHT
    count = max(len(x_labels), 1)
    axes = _axes(
        x_labels,
        [_LEFT + (plot_width * (index + 0.5) / count) for index in range(len(x_labels))],
        [y_max] * len(titles) if y_max is not None else _largest(points, len(titles)),
        width,
        height,
        tick_format,
    )
    drawn = points.sort("chart", "line", "x")
    y = drawn.select(_y_of_points(axes.tops, height - _TOP - _BOTTOM)).to_series()
    drawn = drawn.with_columns(
        x_text=_indexed(axes.xs, "x"),
        y_text=fmt.each(y, fmt.tenths),
        value_text=escape_column(fmt.each(drawn["value"], value_format)),
    )
    # Each line draws its polylines, then its points.
    marks = (
        drawn.select(
            "chart", "line", polylines=_polyline_pieces(lines), circles=_circles(lines, axes)
        )
        .group_by("chart", "line", maintain_order=True)
        .agg(pl.col("polylines").str.join(""), pl.col("circles").str.join(""))
        .select("chart", markup=pl.concat_str("polylines", "circles"))
    )
    return _charts(titles, axes, marks, width, height)


def _polyline_pieces(lines: Sequence[Line]) -> pl.Expr:
    """Each point's part of the polyline through its run of consecutive slots: the
    opening tag on the first point, the closing one on the last. A run of one point
    draws no line (rows sorted by chart, line and slot)."""
    starts_run = (
        (pl.col("chart") != pl.col("chart").shift())
        | (pl.col("line") != pl.col("line").shift())
        | (pl.col("x") != pl.col("x").shift() + 1)
    ).fill_null(True)
    ends_run = starts_run.shift(-1).fill_null(True)
    closing = [
        f'" stroke="{escape(line.color)}"{_DASHES if line.dashed else ""}></polyline>'
        for line in lines
    ]
    return (
        pl.when(pl.len().over(starts_run.cum_sum()) > 1)
        .then(
            pl.concat_str(
                pl.when(starts_run).then(pl.lit(_POLYLINE)).otherwise(pl.lit(" ")),
                "x_text",
                pl.lit(","),
                "y_text",
                pl.when(ends_run).then(_indexed(closing, "line")).otherwise(pl.lit("")),
            )
        )
        .otherwise(pl.lit(""))
    )


def _circles(lines: Sequence[Line], axes: _Axes) -> pl.Expr:
    """Each point's dot, with its tooltip."""
    return pl.concat_str(
        pl.lit('<circle cx="'),
        "x_text",
        pl.lit('" cy="'),
        "y_text",
        pl.lit('" r="3" fill="'),
        _indexed([escape(line.color) for line in lines], "line"),
        pl.lit('"><title>'),
        _indexed([escape(line.name) for line in lines], "line"),
        pl.lit(", "),
        _indexed(axes.labels, "x"),
        pl.lit(": "),
        "value_text",
        pl.lit("</title></circle>"),
    )


def bar_charts(
    x_labels: Sequence[str],
    titles: Sequence[str],
    points: pl.DataFrame,
    *,
    value_format: ValueFormat,
    tick_format: ValueFormat,
    color: str,
    width: int = 520,
    height: int = 190,
) -> list[Html]:
    """A bar chart per title over shared x labels, each scaled to its largest value.
    ``points`` has a row per bar: ``chart`` (position in ``titles``), ``x`` (position in
    ``x_labels``) and ``value``; a 0 draws a flat bar, a missing value none."""
    plot_width = width - _LEFT - _RIGHT
    count = max(len(x_labels), 1)
    slot = plot_width / count
    bar_width = max(slot * 0.7, 1.0)
    positions = [_LEFT + slot * (index + 0.5) for index in range(len(x_labels))]
    axes = _axes(x_labels, positions, _largest(points, len(titles)), width, height, tick_format)
    plot_height = height - _TOP - _BOTTOM
    baseline = float(_TOP + plot_height)  # where any axis puts 0
    drawn = points.sort("chart", "x")
    bar_height = drawn.select(
        pl.max_horizontal(baseline - _y_of_points(axes.tops, plot_height), 1.0)
    ).to_series()
    marks = drawn.select(
        "chart",
        markup=pl.concat_str(
            pl.lit('<rect x="'),
            _indexed([f"{x - bar_width / 2:.1f}" for x in positions], "x"),
            pl.lit('" y="'),
            pl.lit(fmt.each(baseline - bar_height, fmt.tenths)),
            pl.lit(f'" width="{bar_width:.1f}" height="'),
            pl.lit(fmt.each(bar_height, fmt.tenths)),
            pl.lit(f'" fill="{escape(color)}"><title>'),
            _indexed(axes.labels, "x"),
            pl.lit(": "),
            pl.lit(escape_column(fmt.each(drawn["value"], value_format))),
            pl.lit("</title></rect>"),
        ),
    )
    return _charts(titles, axes, marks, width, height)


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
    spans: pl.DataFrame,
    *,
    title: str,
    start: datetime,
    end: datetime,
    width: int = 900,
    label_width: int = 130,
    lane_height: int = 24,
) -> Html:
    """Intervals on one lane per ``lanes`` entry over [start, end]. ``spans`` has one
    per row: lane, start, end (null while open), color and tooltip; a span on no lane is
    left out, an open one runs to ``end`` with a dashed outline. Day ticks, at most
    about ten labels."""
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
    for index, lane in enumerate(lanes):
        y = _TOP + index * lane_height
        parts.append(_text(label_width - 8, y + lane_height * 0.65, lane, anchor="end"))
    geometry = _SpanGeometry(start, end, seconds, label_width, plot_width)
    parts.append(_span_bars(lanes, spans, geometry, lane_height))
    return _svg(width, height, title, parts)


@dataclass(frozen=True)
class _SpanGeometry:
    """Where moments sit on a timeline's x axis, computed on whole columns: a timeline
    can hold tens of thousands of spans."""

    start: datetime
    end: datetime
    seconds: float
    label_width: int
    plot_width: int

    def x_of(self, moments: pl.Expr) -> pl.Expr:
        # Whole microseconds since the start, as timedelta.total_seconds() counts them,
        # so each bar lands on the same tenth of a pixel as a tick at the same moment.
        elapsed = moments.dt.epoch("us") - _epoch_microseconds(self.start)
        offset = elapsed / 1_000_000 / self.seconds
        return self.label_width + self.plot_width * offset.clip(0.0, 1.0)

    def x_of_end(self, ends: pl.Expr) -> pl.Expr:
        """An open span's end is the end of the timeline."""
        return pl.when(ends.is_null()).then(self.x_of(pl.lit(self.end))).otherwise(self.x_of(ends))


def _epoch_microseconds(moment: datetime) -> int:
    """Microseconds since the epoch, reading a naive moment as UTC as polars does."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return (aware - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def _span_bars(
    lanes: Sequence[str], spans: pl.DataFrame, geometry: _SpanGeometry, lane_height: int
) -> Html:
    drawn = spans.filter(pl.col("lane").is_in(list(lanes)))
    x_start = geometry.x_of(pl.col("start"))
    placed = drawn.select(
        x=x_start,
        width=pl.max_horizontal(geometry.x_of_end(pl.col("end")) - x_start, 3.0),
    )
    lane_tops = [str(_TOP + index * lane_height + 4) for index in range(len(lanes))]
    bars = drawn.select(
        pl.concat_str(
            pl.lit('<rect class="'),
            pl.when(pl.col("end").is_null()).then(pl.lit("span open")).otherwise(pl.lit("span")),
            pl.lit('" x="'),
            pl.lit(fmt.each(placed["x"], fmt.tenths)),
            pl.lit('" y="'),
            pl.col("lane").replace_strict(list(lanes), lane_tops, return_dtype=pl.String),
            pl.lit('" width="'),
            pl.lit(fmt.each(placed["width"], fmt.tenths)),
            pl.lit(f'" height="{lane_height - 8}" fill="'),
            pl.lit(escape_column(drawn["color"])),
            pl.lit('"><title>'),
            pl.lit(escape_column(drawn["tooltip"])),
            pl.lit("</title></rect>"),
        ).str.join("")
    )
    return Html(bars.item())
