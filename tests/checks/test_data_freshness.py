from __future__ import annotations

import datetime as dt

import polars as pl

from platform_assets.checks.data_freshness import evaluate_data_freshness

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def test_fresh_data_passes(connection, write_table):
    newest = NOW - dt.timedelta(hours=2)
    frame = pl.DataFrame({"event_at": [newest - dt.timedelta(days=3), newest]})
    table = write_table("raw.events", frame)

    outcome = evaluate_data_freshness(
        connection, table, "event_at", max_lag=dt.timedelta(hours=6), now=NOW
    )

    assert outcome.passed
    assert outcome.counts == {
        "rows": 2,
        "future_rows": 0,
        "max_lag_seconds": 21600.0,
        "lag_seconds": 7200.0,
    }


def test_stale_data_fails_with_its_lag(connection, write_table):
    frame = pl.DataFrame({"event_at": ["2026-05-30 12:00:00", "2026-05-29 00:00:00"]})
    table = write_table("raw.events", frame)

    outcome = evaluate_data_freshness(
        connection, table, "event_at", max_lag=dt.timedelta(hours=24), now=NOW
    )

    assert not outcome.passed
    assert outcome.counts["lag_seconds"] == 48 * 3600
    assert outcome.description.startswith(
        "Newest event_at is 2026-05-30 12:00:00 UTC, 48.0 h old, over the 24.0 h allowed"
    )


def test_a_table_without_events_is_not_fresh(connection, write_table):
    frame = pl.DataFrame({"event_at": [None]}, schema={"event_at": pl.Datetime("us", "UTC")})
    table = write_table("raw.events", frame)

    outcome = evaluate_data_freshness(
        connection, table, "event_at", max_lag=dt.timedelta(hours=24), now=NOW
    )

    assert not outcome.passed
    assert outcome.counts == {"rows": 1, "future_rows": 0, "max_lag_seconds": 86400.0}


def test_future_timestamps_do_not_make_stale_data_look_fresh(connection, write_table):
    frame = pl.DataFrame({"event_at": ["2026-05-30 12:00:00", "2099-01-01 00:00:00"]})
    table = write_table("raw.events", frame)

    outcome = evaluate_data_freshness(
        connection, table, "event_at", max_lag=dt.timedelta(hours=24), now=NOW
    )

    assert not outcome.passed
    assert outcome.counts["future_rows"] == 1
    assert outcome.counts["lag_seconds"] == 48 * 3600
    assert outcome.description.startswith(
        "Newest event_at is 2026-05-30 12:00:00 UTC (1 future value ignored), 48.0 h old"
    )


def test_a_naive_timestamp_and_a_date_are_read_as_utc(connection, write_table):
    frame = pl.DataFrame(
        {
            "seen_at": [dt.datetime(2026, 6, 1, 6, 0)],
            "seen_on": [dt.date(2026, 6, 1)],
        }
    )
    table = write_table("raw.sightings", frame)

    by_time = evaluate_data_freshness(
        connection, table, "seen_at", max_lag=dt.timedelta(hours=24), now=NOW
    )
    by_date = evaluate_data_freshness(
        connection, table, "seen_on", max_lag=dt.timedelta(hours=24), now=NOW
    )

    assert by_time.counts["lag_seconds"] == 6 * 3600
    assert by_date.counts["lag_seconds"] == 12 * 3600


def test_text_in_a_given_format_with_an_unparsable_value(connection, write_table):
    frame = pl.DataFrame({"event_at": ["31/05/2026 12:00", "not a date", None]})
    table = write_table("raw.events", frame)

    outcome = evaluate_data_freshness(
        connection,
        table,
        "event_at",
        max_lag=dt.timedelta(hours=6),
        now=NOW,
        text_format="%d/%m/%Y %H:%M",
    )

    assert not outcome.passed
    assert outcome.counts["rows"] == 3
    assert outcome.counts["lag_seconds"] == 24 * 3600


def test_a_column_that_is_no_time_fails_naming_it(connection, write_table):
    table = write_table("raw.events", pl.DataFrame({"event_at": [1, 2]}))

    outcome = evaluate_data_freshness(
        connection, table, "event_at", max_lag=dt.timedelta(hours=6), now=NOW
    )

    assert not outcome.passed
    assert outcome.description == "event_at is not a timestamp, a date or text."
