"""Freshness inside the data: how old the newest event in the table is.

Dagster's freshness policies watch when an asset was last materialized; a pipeline that
runs on time but reloads a stale extract passes them. This check reads ``max(column)``.
"""

from __future__ import annotations

import datetime as dt

import dagster as dg
import duckdb

from platform_assets.checks.outcome import CheckOutcome, count_of
from platform_assets.checks.target import AssetLike, CheckTarget, check_name
from platform_assets.checks.timestamps import epoch_microseconds, instant_sql
from platform_assets.checks.warehouse_check import build_warehouse_check

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


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
    (the timestamps check reports those) would otherwise hide that real events stopped."""
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
