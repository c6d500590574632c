"""Freshness inside the data: how old the newest event in the table is.

Dagster's freshness policies watch when an asset was last materialized; a pipeline that
runs on time but reloads a stale extract passes them. This check reads ``max(column)``.

The column may be a timestamp, a date or text. A naive timestamp and a date's midnight
are read as UTC. Text is parsed in Python, so DuckDB and PostgreSQL read it alike: with
``text_format`` (strptime codes) when given, else as ISO 8601; text without a UTC offset
is read as UTC and text that does not parse counts as no event.
"""

from __future__ import annotations

import datetime as dt

import dagster as dg
import pyarrow as pa

from platform_assets.checks.outcome import CheckOutcome, count_of
from platform_assets.checks.target import AssetLike, CheckTarget, check_name
from platform_assets.checks.warehouse_check import build_warehouse_check
from platform_assets.warehouse import WarehouseSession, quote_identifier

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def epoch_microseconds(moment: dt.datetime) -> int:
    """Microseconds since the epoch of an aware datetime; naive ones are taken as UTC."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return (aware - _EPOCH) // dt.timedelta(microseconds=1)


def column_type(session: WarehouseSession, table: str, column: str) -> pa.DataType:
    """The column's Arrow type: both backends hand results over as Arrow, so one type
    system answers for both."""
    return session.arrow(f"select {quote_identifier(column)} from {table} limit 0").schema[0].type


def epoch_us_sql(session: WarehouseSession, value: str, kind: pa.DataType) -> str:
    """SQL for a timestamp or date column as microseconds since the epoch: a
    TIMESTAMPTZ's instant, a naive TIMESTAMP's (or a date's midnight's) taken as UTC."""
    as_timestamp = f"{value}::TIMESTAMP" if pa.types.is_date(kind) else value
    if session.dialect == "duckdb":
        return f"epoch_us({as_timestamp})"
    # extract(epoch ...) is numeric on PostgreSQL: exact to the microsecond
    return f"(extract(epoch from {as_timestamp}) * 1000000)::bigint"


def parse_instant(text: str, text_format: str | None) -> dt.datetime | None:
    """The instant a text value names, offset-less text as UTC; None when it does not parse."""
    try:
        moment = (
            dt.datetime.strptime(text, text_format)
            if text_format is not None
            else dt.datetime.fromisoformat(text.strip())
        )
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _typed_extremes(
    session: WarehouseSession, table: str, instant: str, now_us: int
) -> tuple[int | None, int, int]:
    row = session.execute(
        f"select max({instant}) filter (where {instant} <= ?), count(*), "
        f"count(*) filter (where {instant} > ?) from {table}",
        [now_us, now_us],
    ).fetchone()
    assert row is not None
    newest, rows, future = row
    return (None if newest is None else int(newest)), int(rows), int(future)


def _text_extremes(
    session: WarehouseSession, table: str, column: str, text_format: str | None, now_us: int
) -> tuple[int | None, int, int]:
    """Each distinct text value is parsed once; the warehouse only groups them."""
    value = quote_identifier(column)
    newest: int | None = None
    rows = future = 0
    for text, count in session.execute(
        f"select {value}, count(*) from {table} group by {value}"
    ).fetchall():
        rows += int(count)
        moment = parse_instant(text, text_format) if text is not None else None
        if moment is None:
            continue
        instant = epoch_microseconds(moment)
        if instant > now_us:
            future += int(count)
        elif newest is None or instant > newest:
            newest = instant
    return newest, rows, future


def evaluate_data_freshness(
    session: WarehouseSession,
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
    kind = column_type(session, table, column)
    now_us = epoch_microseconds(now)
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        instant = epoch_us_sql(session, quote_identifier(column), kind)
        newest_us, rows, future = _typed_extremes(session, table, instant, now_us)
    elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
        newest_us, rows, future = _text_extremes(session, table, column, text_format, now_us)
    else:
        return CheckOutcome(False, f"{column} is not a timestamp, a date or text.")
    counts: dict[str, int | float] = {
        "rows": rows,
        "future_rows": future,
        "max_lag_seconds": max_lag.total_seconds(),
    }
    ignored = f" ({count_of(future, 'future value')} ignored)" if future else ""
    if newest_us is None:
        return CheckOutcome(
            False,
            f"No past {column} value in {rows:,} rows{ignored}: there is no event to be fresh.",
            counts,
        )
    newest = _EPOCH + dt.timedelta(microseconds=newest_us)
    lag = dt.timedelta(microseconds=now_us - newest_us)
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
        evaluate=lambda session, _instance: evaluate_data_freshness(
            session,
            target.table,
            column,
            max_lag=max_lag,
            now=dt.datetime.now(dt.UTC),
            text_format=text_format,
        ),
    )
