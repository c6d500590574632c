from __future__ import annotations

import datetime as dt

import polars as pl

from platform_assets.checks.data_freshness import evaluate_data_freshness
from platform_assets.checks.timestamps import evaluate_timestamps

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def test_parseable_past_timestamps_pass(connection, write_table):
    frame = pl.DataFrame({"created_at": ["2026-05-31T10:00:00", "2026-06-01 11:59:59+00:00", None]})
    table = write_table("raw.events", frame)

    outcome = evaluate_timestamps(connection, table, "created_at", now=NOW)

    assert outcome.passed
    assert outcome.counts == {"rows": 3, "unparseable_rows": 0, "future_rows": 0}


def test_unparseable_and_future_text_timestamps_fail_with_examples(connection, write_table):
    frame = pl.DataFrame(
        {
            "created_at": [
                "2026-05-31T10:00:00",
                "31/05/2026",
                "not a time",
                "2026-06-01T13:00:00",
                # Two hours ahead of UTC: 11:30 UTC, in the past.
                "2026-06-01T13:30:00+02:00",
            ]
        }
    )
    table = write_table("raw.events", frame)

    outcome = evaluate_timestamps(connection, table, "created_at", now=NOW)

    assert not outcome.passed
    assert outcome.counts == {"rows": 5, "unparseable_rows": 2, "future_rows": 1}
    assert [example["created_at"] for example in outcome.examples] == [
        "31/05/2026",
        "not a time",
        "2026-06-01T13:00:00",
    ]
    assert outcome.description.startswith(
        "created_at: 2 unparseable and 1 future values among 5; unparseable, e.g. "
        "'31/05/2026' (1 row), 'not a time' (1 row); after 2026-06-01 12:00:00 UTC, e.g. "
        "'2026-06-01T13:00:00' (1 row)."
    )


def test_text_format_is_used_to_parse(connection, write_table):
    table = write_table("raw.events", pl.DataFrame({"created_at": ["31/05/2026", "2026-05-31"]}))

    outcome = evaluate_timestamps(connection, table, "created_at", now=NOW, text_format="%d/%m/%Y")

    assert outcome.counts["unparseable_rows"] == 1
    assert outcome.examples[0]["created_at"] == "2026-05-31"


def test_typed_timestamps_in_the_future_fail_beyond_the_tolerance(connection, write_table):
    frame = pl.DataFrame(
        {"created_at": [dt.datetime(2026, 6, 1, 12, 4), dt.datetime(2026, 6, 1, 12, 30)]}
    )
    table = write_table("raw.events", frame)

    outcome = evaluate_timestamps(
        connection, table, "created_at", now=NOW, future_tolerance=dt.timedelta(minutes=5)
    )

    assert not outcome.passed
    assert outcome.counts["future_rows"] == 1
    assert outcome.counts["unparseable_rows"] == 0


def test_a_column_that_is_not_a_timestamp_fails_as_type_drift(connection, write_table):
    table = write_table("raw.events", pl.DataFrame({"created_at": [1, 2]}))

    outcome = evaluate_timestamps(connection, table, "created_at", now=NOW)

    assert not outcome.passed
    assert "BIGINT, neither a timestamp nor text" in outcome.description


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
