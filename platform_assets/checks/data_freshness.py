"""Freshness inside the data: how old the newest event in the table is.

Dagster's freshness policies watch when an asset was last materialized; a pipeline that
runs on time but reloads a stale extract passes them. This check reads ``max(column)``.

The column may be a timestamp, a date or text. Text is parsed with ``text_format``
(strptime codes) when given, else as ISO 8601; text without a UTC offset is read as UTC.
"""

from __future__ import annotations

import datetime as dt

import dagster as dg
import duckdb

from platform_assets.checks.outcome import CheckOutcome, count_of
from platform_assets.checks.target import AssetLike, CheckTarget, check_name
from platform_assets.checks.warehouse_check import build_warehouse_check
from platform_assets.warehouse import quote_identifier

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_TYPED = ("TIMESTAMP", "DATE")
_TEXT = "VARCHAR"


def epoch_microseconds(moment: dt.datetime) -> int:
    """Microseconds since the epoch of an aware datetime; naive ones are taken as UTC."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return (aware - _EPOCH) // dt.timedelta(microseconds=1)


def column_type(connection: duckdb.DuckDBPyConnection, table: str, column: str) -> str:
    relation = connection.sql(f"select {quote_identifier(column)} from {table} limit 0")
    return str(relation.types[0])


def instant_sql(
    connection: duckdb.DuckDBPyConnection, table: str, column: str, *, text_format: str | None
) -> str | None:
    """SQL for the column as microseconds since the epoch (null where text does not
    parse), or None when the column is neither a timestamp, a date nor text."""
    value = quote_identifier(column)
    kind = column_type(connection, table, column)
    if kind.startswith(_TYPED):
        # A naive TIMESTAMP's (or a date's midnight's) epoch is taken as UTC; a
        # TIMESTAMPTZ's is its instant.
        return f"epoch_us({value}::TIMESTAMP)" if kind == "DATE" else f"epoch_us({value})"
    if kind != _TEXT:
        return None
    # Offset-less text is interpreted in the session time zone: make that UTC.
    connection.execute("set TimeZone = 'UTC'")
    if text_format is None:
        return f"epoch_us(try_cast({value} as TIMESTAMPTZ))"
    escaped = text_format.replace("'", "''")
    return f"epoch_us(try_strptime({value}, '{escaped}')::TIMESTAMPTZ)"


def evaluate_data_freshness(
    connection: duckdb.DuckDBPyConnection,
    table: str,
    column: str,
    *,
    max_lag: dt.timedelta,
    now: dt.datetime,
    text_format: str | None = None,
) -> CheckOutcome:
    """The newest event is the newest one not after ``now``: a timestamp in the future
    (the landing contract quarantines those) would otherwise hide that real events
    stopped."""
    instant = instant_sql(connection, table, column, text_format=text_format)
    if instant is None:
        return CheckOutcome(False, f"{column} is not a timestamp, a date or text.")
    now_us = epoch_microseconds(now)
    newest_us, rows, future = connection.execute(
        f"select max({instant}) filter (where {instant} <= ?), count(*), "
        f"count(*) filter (where {instant} > ?) from {table}",
        [now_us, now_us],
    ).fetchall()[0]
    counts: dict[str, int | float] = {
        "rows": int(rows),
        "future_rows": int(future),
        "max_lag_seconds": max_lag.total_seconds(),
    }
    ignored = f" ({count_of(int(future), 'future value')} ignored)" if future else ""
    if newest_us is None:
        return CheckOutcome(
            False,
            f"No past {column} value in {int(rows):,} rows{ignored}: there is no event to be "
            "fresh.",
            counts,
        )
    newest = _EPOCH + dt.timedelta(microseconds=int(newest_us))
    lag = dt.timedelta(microseconds=now_us - int(newest_us))
    counts["lag_seconds"] = round(lag.total_seconds(), 3)
    newest_text = f"{newest:%Y-%m-%d %H:%M:%S} UTC{ignored}"
    if lag > max_lag:
        return CheckOutcome(
            False,
            f"Newest {column} is {newest_text}, {_hours(lag)} old, over the {_hours(max_lag)} "
            "allowed: the source stopped delivering new events or the load reads a stale "
            "extract.",
            counts,
        )
    return CheckOutcome(
        True,
        f"Newest {column} is {newest_text}, {_hours(lag)} old (at most {_hours(max_lag)}).",
        counts,
    )


def _hours(delta: dt.timedelta) -> str:
    return f"{delta.total_seconds() / 3600:,.1f} h"


def data_freshness_check(
    asset: AssetLike,
    *,
    column: str,
    max_lag: dt.timedelta,
    text_format: str | None = None,
    asset_key: dg.AssetKey | None = None,
    name: str | None = None,
) -> dg.AssetChecksDefinition:
    """Fails when the newest ``column`` value is older than ``max_lag`` (or there is none)."""
    if max_lag <= dt.timedelta(0):
        raise ValueError(f"max_lag must be positive, got {max_lag}")
    target = CheckTarget.of(asset, asset_key)
    return build_warehouse_check(
        target,
        name=name or check_name("data_freshness", column),
        description=f"The newest {column} is at most {_hours(max_lag)} old.",
        evaluate=lambda connection, _instance: evaluate_data_freshness(
            connection,
            target.table,
            column,
            max_lag=max_lag,
            now=dt.datetime.now(dt.UTC),
            text_format=text_format,
        ),
    )
