"""The chart, markup and formatting helpers on hand-made inputs: round axes, gaps for
missing values, open incidents, escaping in text and attributes, and numbers formatted
a column at a time as one by one."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from platform_assets.domains.dora.dashboards import formatting as fmt
from platform_assets.domains.dora.dashboards.markup import (
    Html,
    element,
    escape,
    escape_column,
    join,
)
from platform_assets.domains.dora.dashboards.svg_charts import (
    Line,
    axis_scale,
    bar_charts,
    line_charts,
    timeline,
)


def _points(*values: list[float | None], line: int = 0) -> pl.DataFrame:
    """The points of one line per chart: ``values[chart][x]``, None where missing."""
    rows = [
        (chart, line, x, value)
        for chart, chart_values in enumerate(values)
        for x, value in enumerate(chart_values)
        if value is not None
    ]
    return pl.DataFrame(
        rows,
        schema={"chart": pl.Int64, "line": pl.Int64, "x": pl.Int64, "value": pl.Float64},
        orient="row",
    )


@pytest.mark.parametrize(
    ("largest", "scale"),
    [(100.0, (100.0, 20.0)), (38.0, (40.0, 10.0)), (0.17, (0.2, 0.05)), (1.0, (1.0, 0.2))],
)
def test_axes_end_on_round_numbers(largest: float, scale: tuple[float, float]) -> None:
    assert axis_scale(largest) == pytest.approx(scale)


def test_an_empty_axis_still_has_a_scale() -> None:
    assert axis_scale(0.0) == (1.0, 1.0)


def test_text_and_attributes_are_escaped_but_trusted_markup_is_not() -> None:
    assert escape('<a href="x">') == "&lt;a href=&quot;x&quot;&gt;"
    assert escape(None) == ""
    assert escape(Html("<b>ok</b>")) == "<b>ok</b>"
    assert element("td", "<i>", title='"quoted"', class_="num") == (
        '<td title="&quot;quoted&quot;" class="num">&lt;i&gt;</td>'
    )
    assert join(["<", Html("<br>")]) == "&lt;<br>"


def test_escaping_a_whole_column_escapes_each_value() -> None:
    values = ['<a href="x">', None, "plain", "it's", Html("<b>ok</b>"), "&amp;"]
    assert escape_column(values).to_list() == [escape(value) for value in values]
    texts = pl.Series(["<b>", None, "plain"])
    assert escape_column(texts).to_list() == ["&lt;b&gt;", "", "plain"]
    assert escape_column(texts.slice(1)).to_list() == ["", "plain"]


@pytest.mark.parametrize(
    "values",
    [
        [0.25, -0.0, 0.0, None, 0.25, 0.5, 0.0, -0.0, float("nan")],  # repeated values
        [0.05 * index for index in range(10)] + [None, -0.0],  # distinct values
    ],
)
def test_a_column_is_formatted_as_each_value_would_be(values: list[float | None]) -> None:
    formatted = fmt.each(pl.Series(values, dtype=pl.Float64), fmt.rate).to_list()
    assert formatted == [None if value is None else fmt.rate(value) for value in values]
    assert "-0.0 %" in formatted


def test_a_missing_value_breaks_the_line_and_draws_no_point() -> None:
    [chart] = line_charts(
        ["w1", "w2", "w3", "w4", "w5"],
        ["rates"],
        [Line("rate", "#000")],
        _points([0.1, 0.2, None, 0.3, 0.4]),
        value_format=str,
        tick_format=str,
    )
    assert chart.count("<polyline") == 2
    assert chart.count("<circle") == 4


def test_small_multiples_scale_each_chart_to_its_own_values() -> None:
    small, large, blank = line_charts(
        ["w1", "w2"],
        ["small", "large", "blank"],
        [Line("value", "#000")],
        _points([1.0, 2.0], [100.0, 50.0], []),
        value_format=str,
        tick_format=fmt.count_tick,
    )
    assert ">2</text>" in small and ">100</text>" not in small
    assert ">100</text>" in large
    assert "<title>blank</title>" in blank and "<circle" not in blank


def test_a_zero_bar_is_drawn_and_a_missing_one_is_not() -> None:
    [chart] = bar_charts(
        ["w1", "w2", "w3"],
        ["bars"],
        _points([0.0, None, 5.0]),
        value_format=str,
        tick_format=str,
        color="#000",
    )
    assert chart.count("<rect") == 2
    assert "<title>w1: 0.0</title>" in chart


def test_an_open_span_runs_to_the_end_of_the_timeline_dashed() -> None:
    start = datetime(2026, 10, 1, tzinfo=UTC)
    end = datetime(2026, 10, 11, tzinfo=UTC)
    spans = pl.DataFrame(
        {
            "lane": ["api", "api", "elsewhere"],
            "start": [datetime(2026, 10, 2, tzinfo=UTC), datetime(2026, 10, 6, tzinfo=UTC), start],
            "end": [datetime(2026, 10, 3, tzinfo=UTC), None, end],
            "color": ["#111", "#222", "#333"],
            "tooltip": ["closed <1>", "open", "not on a lane"],
        }
    )
    chart = timeline(["api"], spans, title="incidents", start=start, end=end)
    assert chart.count('<rect class="span"') == 1
    assert chart.count('<rect class="span open"') == 1
    assert "<title>closed &lt;1&gt;</title>" in chart
    assert "not on a lane" not in chart
