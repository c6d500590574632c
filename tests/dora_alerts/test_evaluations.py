"""The rules' evaluations on their own: the same SQL judges alike on DuckDB and PostgreSQL,
and the day and moment judged follow ``PLATFORM_DORA_AS_OF`` as documented."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from platform_assets.checks import CheckOutcome
from platform_assets.domains.dora.alert_thresholds import DoraAlertThresholds
from platform_assets.domains.dora.metric_alerts import (
    AS_OF_ENV,
    METRIC_ALERTS,
    TIMEZONE_ENV,
    AlertReference,
    AlertReferenceError,
    evaluate_open_incidents,
)
from platform_assets.warehouse import Warehouse, WarehouseSession, qualified
from tests.dora_alerts.conftest import SCENARIO_THRESHOLDS
from tests.dora_alerts.scenario import WEEK_2_END, WEEK_4_END, AlertMarts

THRESHOLDS = DoraAlertThresholds.from_document(SCENARIO_THRESHOLDS, "scenario.yaml")
#: Long after the scenario: the day judged is the pinned one, never today.
NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


def _judge_all(session: WarehouseSession, day: dt.date) -> dict[str, CheckOutcome]:
    reference = AlertReference.at(NOW, day)
    return {
        alert.rule: alert.evaluate(session, qualified("marts", alert.mart), THRESHOLDS, reference)
        for alert in METRIC_ALERTS
    }


def _copy_marts(source: AlertMarts, warehouse: Warehouse) -> None:
    """The four marts the alerts read, copied as they are (types included) into
    ``warehouse``."""
    with Warehouse(database=str(source.path)).connect(read_only=True) as marts:
        tables = {a.mart: marts.arrow(f"select * from marts.{a.mart}") for a in METRIC_ALERTS}
    with warehouse.connect() as session:
        session.execute("create schema if not exists marts")
        for name, table in tables.items():
            session.register("incoming", table)
            session.execute(f"drop table if exists {qualified('marts', name)}")
            session.execute(f"create table {qualified('marts', name)} as select * from incoming")
            session.unregister("incoming")


@pytest.mark.parametrize("day", [WEEK_2_END, WEEK_4_END])
def test_every_rule_judges_alike_on_duckdb_and_postgres(alert_marts, any_warehouse, day):
    with Warehouse(database=str(alert_marts.path)).connect(read_only=True) as built:
        expected = _judge_all(built, day)
    _copy_marts(alert_marts, any_warehouse)

    with any_warehouse.connect() as session:
        judged = _judge_all(session, day)

    failing = {rule for rule, outcome in expected.items() if not outcome.passed}
    assert failing == (
        {"change_failure_rate"}
        if day == WEEK_2_END
        else {"change_failure_rate", "deployment_frequency", "lead_time_p75", "open_incidents"}
    )
    for rule, outcome in judged.items():
        assert (outcome.passed, outcome.description) == (
            expected[rule].passed,
            expected[rule].description,
        ), rule
        assert _rounded(outcome.details["services"]) == _rounded(expected[rule].details["services"])


def _rounded(value: Any) -> Any:
    """Floats to nine places, wherever they are: the two databases' percentiles may differ
    in the last bits."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    return value


def test_an_incident_is_judged_open_until_it_was_resolved(alert_marts):
    """I1 was open on Tuesday 9 from 12:00 to 14:00: judged at 13:30 it had been open
    90 minutes, however long ago it was resolved."""
    thresholds = DoraAlertThresholds.from_document(
        {"defaults": {"open_incidents": {"max_open_hours": 1}}}, "one-hour.yaml"
    )
    moment = dt.datetime(2024, 1, 9, 13, 30, tzinfo=dt.UTC)
    reference = AlertReference(dt.date(2024, 1, 8), moment)
    with Warehouse(database=str(alert_marts.path)).connect(read_only=True) as session:
        outcome = evaluate_open_incidents(
            session, qualified("marts", "fct_incident_recovery"), thresholds, reference
        )

    assert not outcome.passed
    [api] = outcome.details["services"]
    assert api["incidents_over_bound"] == [{"incident_id": "I1", "open_hours": 1.5}]
    assert "(oldest I1, open 1.5 h; bound 1.0 h)" in outcome.description


def test_the_day_judged_is_the_pinned_day_or_yesterday():
    now = dt.datetime(2024, 3, 10, 15, 0, tzinfo=dt.UTC)

    unpinned = AlertReference.at(now)
    assert (unpinned.last_day, unpinned.moment) == (dt.date(2024, 3, 9), now)

    pinned = AlertReference.at(now, dt.date(2024, 1, 28))
    assert pinned.last_day == dt.date(2024, 1, 28)
    assert pinned.moment == dt.datetime(2024, 1, 29, tzinfo=dt.UTC)

    # today is not over: pinned to it (or later), the rules judge yesterday and now
    for day in (dt.date(2024, 3, 10), dt.date(2024, 4, 1)):
        assert (AlertReference.at(now, day).last_day, AlertReference.at(now, day).moment) == (
            dt.date(2024, 3, 9),
            now,
        )


def test_the_day_judged_is_local_to_the_dora_time_zone(monkeypatch):
    monkeypatch.setenv(AS_OF_ENV, "2024-01-28")
    monkeypatch.setenv(TIMEZONE_ENV, "America/New_York")

    reference = AlertReference.from_environment(dt.datetime(2024, 3, 10, tzinfo=dt.UTC))

    assert reference.last_day == dt.date(2024, 1, 28)
    assert reference.moment == dt.datetime(2024, 1, 29, 5, tzinfo=dt.UTC)
    assert reference.moment_text == "2024-01-29 00:00 America/New_York"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (AS_OF_ENV, "28/01/2024", "PLATFORM_DORA_AS_OF is '28/01/2024': expected a date"),
        (TIMEZONE_ENV, "Mars/Olympus", "PLATFORM_DORA_TIMEZONE is 'Mars/Olympus'"),
    ],
)
def test_a_bad_reference_setting_is_named(monkeypatch, variable, value, message):
    monkeypatch.setenv(AS_OF_ENV, "2024-01-28")
    monkeypatch.setenv(variable, value)

    with pytest.raises(AlertReferenceError, match=message.replace("(", r"\(")):
        AlertReference.from_environment(NOW)
