"""Reading the marts for the dashboards, and shaping weekly rows into chart series.

The dashboards read the marts as dbt wrote them, on the read-only connection the asset
opens, so a dashboard always agrees with the tables and with the metadata figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import duckdb
import polars as pl

from platform_assets.domains.dora.dashboards.formatting import short_day


def read(connection: duckdb.DuckDBPyConnection, query: str) -> pl.DataFrame:
    return connection.sql(query).pl()


def weekly(
    connection: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str]
) -> pl.DataFrame:
    """The week rows of a per-service mart: service, period_start, period_end and
    ``columns``, in service and week order."""
    selected = ", ".join(["service", "period_start", "period_end", *columns])
    return read(
        connection,
        f"select {selected} from marts.{table} where grain = 'week' order by service, period_start",
    )


def week_starts(*frames: pl.DataFrame) -> list[date]:
    """Every week start present in any frame, in order: the shared x axis."""
    starts: set[date] = set()
    for frame in frames:
        if frame.height:
            starts.update(frame["period_start"].to_list())
    return sorted(starts)


def week_labels(starts: Sequence[date]) -> list[str]:
    return [short_day(start) for start in starts]


def services(*frames: pl.DataFrame) -> list[str]:
    names: set[str] = set()
    for frame in frames:
        if frame.height:
            names.update(name for name in frame["service"].to_list() if name is not None)
    return sorted(names)


def series_by_week(
    frame: pl.DataFrame, service: str, column: str, starts: Sequence[date]
) -> list[float | None]:
    """``column`` of ``service`` for each week start, None where the mart has no value."""
    rows = frame.filter(pl.col("service") == service)
    by_week = dict(zip(rows["period_start"].to_list(), rows[column].to_list(), strict=True))
    return [_number(by_week.get(start)) for start in starts]


def _number(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def period_of(frame: pl.DataFrame) -> str | None:
    """The span of the weeks a frame holds as an ISO 8601 interval of days
    ('2026-09-28/2026-11-01'), or None when it holds none."""
    if frame.height == 0:
        return None
    first: date = frame["period_start"].min()  # type: ignore[assignment]
    last: date = frame["period_end"].max()  # type: ignore[assignment]
    return f"{first.isoformat()}/{(last - timedelta(days=1)).isoformat()}"
