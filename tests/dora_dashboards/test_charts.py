"""The chart specs drawn by the chart template on hand-made inputs: round axes, gaps
for missing values, each chart on its own scale, zero and missing bars, open incidents,
and escaping in text and attributes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from platform_assets.dashboards import formatting as fmt
from platform_assets.domains.dora.dashboards import axes
from platform_assets.domains.dora.dashboards.charts import (
    Series,
    Span,
    StackedBars,
    StackedRow,
    Timeline,
    WeeklyChart,
    axis_scale,
)
from platform_assets.domains.dora.dashboards.page import ENVIRONMENT

CHARTS = ENVIRONMENT.get_template("charts.html").module


def _weekly(*values: float | None, bars: bool = False, title: str = "chart") -> str:
    labels = [f"w{index}" for index in range(1, len(values) + 1)]
    chart = WeeklyChart(
        title, str, axes.count_tick, labels, [Series("value", "#000", values)], bars=bars
    )
    return str(CHARTS.weekly_chart(chart))


@pytest.mark.parametrize(
    ("largest", "scale"),
    [(100.0, (100.0, 20.0)), (38.0, (40.0, 10.0)), (0.17, (0.2, 0.05)), (1.0, (1.0, 0.2))],
)
def test_axes_end_on_round_numbers(largest: float, scale: tuple[float, float]) -> None:
    assert axis_scale(largest) == pytest.approx(scale)


def test_an_empty_axis_still_has_a_scale() -> None:
    assert axis_scale(0.0) == (1.0, 1.0)


def test_a_missing_value_breaks_the_line_and_draws_no_point() -> None:
    chart = _weekly(0.1, 0.2, None, 0.3, 0.4)
    assert chart.count("<polyline") == 2
    assert chart.count("<circle") == 4


def test_a_lone_value_between_gaps_is_a_point_without_a_line() -> None:
    chart = _weekly(0.1, None, 0.2, None, 0.3, 0.4)
    assert chart.count("<polyline") == 1
    assert chart.count("<circle") == 4


def test_each_chart_is_scaled_to_its_own_values() -> None:
    small, large, blank = _weekly(1.0, 2.0), _weekly(100.0, 50.0), _weekly(title="blank")
    assert ">2</text>" in small and ">100</text>" not in small
    assert ">100</text>" in large
    assert "<title>blank</title>" in blank and "<circle" not in blank


def test_a_zero_bar_is_drawn_and_a_missing_one_is_not() -> None:
    chart = _weekly(0.0, None, 5.0, bars=True)
    assert chart.count("<rect") == 2
    assert "<title>w1: 0.0</title>" in chart


def test_text_and_attributes_from_the_data_are_escaped() -> None:
    chart = StackedBars(
        '<b>"stages"</b>',
        [StackedRow("<script>", [1.0, None, 2.0], note="3 PRs")],
        [("coding", '"><i>'), ("pickup", "#111"), ("review", "#222")],
        fmt.hours,
    )
    drawn = str(CHARTS.stacked_bars(chart))
    assert "<script>" not in drawn and "<b>" not in drawn and '"><i>' not in drawn
    assert 'aria-label="&lt;b&gt;&#34;stages&#34;&lt;/b&gt;"' in drawn
    assert 'fill="&#34;&gt;&lt;i&gt;"' in drawn
    assert "<title>&lt;script&gt;, review: 2.0 h</title>" in drawn
    assert drawn.count("<rect") == 2
    assert ">3.0 h · 3 PRs</text>" in drawn


def test_an_open_span_runs_to_the_end_of_the_timeline_dashed() -> None:
    start = datetime(2026, 10, 1, tzinfo=UTC)
    end = datetime(2026, 10, 11, tzinfo=UTC)
    spans = [
        Span(
            "api",
            datetime(2026, 10, 2, tzinfo=UTC),
            datetime(2026, 10, 3, tzinfo=UTC),
            "#111",
            "closed <1>",
        ),
        Span("api", datetime(2026, 10, 6, tzinfo=UTC), None, "#222", "open"),
        Span("elsewhere", start, end, "#333", "not on a lane"),
    ]
    chart = Timeline("incidents", ["api"], spans, start, end)
    drawn = str(CHARTS.timeline(chart))
    assert drawn.count('<rect class="span"') == 1
    assert drawn.count('<rect class="span open"') == 1
    assert "<title>closed &lt;1&gt;</title>" in drawn
    assert "not on a lane" not in drawn
    [(_, x, _, width, _, _)] = [bar for bar in chart.bars() if bar[0] == "span open"]
    assert float(x) + float(width) == pytest.approx(chart.x_of(end), abs=0.1)
