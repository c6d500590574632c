"""The numbers on the pages: durations by their size, rates as percentages, counts with
thousands separators, instants to the minute, and a dash for no value."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from platform_assets.dashboards.formatting import MISSING, hours, instant, number, rate


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0.25, "15 min"), (1.0, "1.0 h"), (47.94, "47.9 h"), (48.0, "2.0 d"), (60.0, "2.5 d")],
)
def test_hours_are_minutes_hours_or_days(value: float, shown: str) -> None:
    assert hours(value) == shown


def test_rates_numbers_and_instants() -> None:
    assert rate(0.8333) == "83.3 %"
    assert number(1234567) == "1,234,567"
    assert number(2.345, 1) == "2.3"
    assert instant(datetime(2026, 12, 1, 9, 5, 59, tzinfo=UTC)) == "2026-12-01 09:05 UTC"


def test_no_value_is_a_dash() -> None:
    assert {hours(None), rate(None), number(None), instant(None)} == {MISSING}
