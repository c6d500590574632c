"""Timestamps: every value parses, and none lies in the future.

A timestamp column may be typed or text. Text is parsed with ``text_format`` (strptime codes)
when given, else as ISO 8601; text without a UTC offset is read as UTC. A time in the
future usually means a time-zone mix-up or a clock set wrong at the source.
"""

from __future__ import annotations

import datetime as dt

import dagster as dg
import duckdb

from platform_assets.checks.outcome import EXAMPLE_LIMIT, CheckOutcome, render_examples
from platform_assets.checks.target import AssetLike, CheckTarget, check_name
from platform_assets.checks.warehouse_check import build_warehouse_check
from platform_assets.integrations.duckdb.warehouse import quote_identifier

_TYPED = ("TIMESTAMP", "DATE")
_TEXT = "VARCHAR"


def epoch_microseconds(moment: dt.datetime) -> int:
    """Microseconds since the epoch of an aware datetime; naive ones are taken as UTC."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return (aware - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)


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


def evaluate_timestamps(
    connection: duckdb.DuckDBPyConnection,
    table: str,
    column: str,
    *,
    now: dt.datetime,
    future_tolerance: dt.timedelta = dt.timedelta(0),
    text_format: str | None = None,
) -> CheckOutcome:
    instant = instant_sql(connection, table, column, text_format=text_format)
    if instant is None:
        kind = column_type(connection, table, column)
        return CheckOutcome(
            False,
            f"{column} is {kind}, neither a timestamp nor text: the column's type drifted.",
        )
    value = quote_identifier(column)
    limit = epoch_microseconds(now + future_tolerance)
    rows, non_null, unparseable, future = connection.execute(
        f"select count(*), count({value}), "
        f"count(*) filter (where {value} is not null and {instant} is null), "
        f"count(*) filter (where {instant} > ?) from {table}",
        [limit],
    ).fetchall()[0]
    counts = {
        "rows": int(rows),
        "unparseable_rows": int(unparseable),
        "future_rows": int(future),
    }
    if not unparseable and not future:
        return CheckOutcome(
            True,
            f"All {non_null:,} non-null {column} values parse and none is in the future.",
            counts,
        )
    problems = []
    examples = []
    for label, condition, parameters in (
        ("unparseable", f"{value} is not null and {instant} is null", []),
        (f"after {now + future_tolerance:%Y-%m-%d %H:%M:%S} UTC", f"{instant} > ?", [limit]),
    ):
        found = connection.execute(
            f"select {value}::VARCHAR, count(*) as n from {table} where {condition} "
            f"group by 1 order by n desc, 1 limit {EXAMPLE_LIMIT}",
            parameters,
        ).fetchall()
        if found:
            kind_examples = [{column: example, "rows": int(n)} for example, n in found]
            examples.extend(kind_examples)
            problems.append(f"{label}, e.g. {render_examples(kind_examples)}")
    return CheckOutcome(
        False,
        f"{column}: {unparseable:,} unparseable and {future:,} future values among "
        f"{non_null:,}; " + "; ".join(problems) + ". Check the source's format and time zone.",
        counts,
        examples,
    )


def timestamp_check(
    asset: AssetLike,
    *,
    column: str,
    text_format: str | None = None,
    future_tolerance: dt.timedelta = dt.timedelta(0),
    asset_key: dg.AssetKey | None = None,
    name: str | None = None,
) -> dg.AssetChecksDefinition:
    """Fails when a non-null ``column`` value does not parse as a timestamp (text read with
    ``text_format``, or ISO 8601) or lies more than ``future_tolerance`` in the future."""
    target = CheckTarget.of(asset, asset_key)
    return build_warehouse_check(
        target,
        name=name or check_name("timestamps", column),
        description=f"Every non-null {column} is a timestamp, none in the future.",
        evaluate=lambda connection, _instance: evaluate_timestamps(
            connection,
            target.table,
            column,
            now=dt.datetime.now(dt.UTC),
            future_tolerance=future_tolerance,
            text_format=text_format,
        ),
    )
