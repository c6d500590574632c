"""The chart and markup helpers on hand-made inputs: round axes, gaps for missing
values, open incidents, and escaping in text and attributes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from platform_assets.domains.dora.dashboards.markup import Html, element, escape, join
from platform_assets.domains.dora.dashboards.svg_charts import (
    Series,
    Span,
    axis_scale,
    bar_chart,
    line_chart,
    timeline,
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


def test_a_missing_value_breaks_the_line_and_draws_no_point() -> None:
    chart = line_chart(
        ["w1", "w2", "w3", "w4", "w5"],
        [Series("rate", [0.1, 0.2, None, 0.3, 0.4], "#000")],
        title="rates",
        value_format=str,
        tick_format=str,
    )
    assert chart.count("<polyline") == 2
    assert chart.count("<circle") == 4


def test_a_zero_bar_is_drawn_and_a_missing_one_is_not() -> None:
    chart = bar_chart(
        ["w1", "w2", "w3"],
        [0.0, None, 5.0],
        title="bars",
        value_format=str,
        tick_format=str,
        color="#000",
    )
    assert chart.count("<rect") == 2
    assert "<title>w1: 0.0</title>" in chart


def test_an_open_span_runs_to_the_end_of_the_timeline_dashed() -> None:
    start = datetime(2026, 10, 1, tzinfo=UTC)
    end = datetime(2026, 10, 11, tzinfo=UTC)
    chart = timeline(
        ["api"],
        [
            Span(
                "api",
                datetime(2026, 10, 2, tzinfo=UTC),
                datetime(2026, 10, 3, tzinfo=UTC),
                "#111",
                "closed <1>",
            ),
            Span("api", datetime(2026, 10, 6, tzinfo=UTC), None, "#222", "open"),
            Span("elsewhere", start, end, "#333", "not on a lane"),
        ],
        title="incidents",
        start=start,
        end=end,
    )
    assert chart.count('<rect class="span"') == 1
    assert chart.count('<rect class="span open"') == 1
    assert "<title>closed &lt;1&gt;</title>" in chart
    assert "not on a lane" not in chart
