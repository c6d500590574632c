"""Reading the marts for the dashboards, and shaping weekly rows into chart points.

The dashboards read the marts as dbt wrote them, on the read-only connection the asset
opens, so a dashboard always agrees with the tables and with the metadata figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Final

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
            starts.update(frame["period_start"].unique().to_list())
    return sorted(starts)


def week_labels(starts: Sequence[date]) -> list[str]:
    return [short_day(start) for start in starts]


def services(*frames: pl.DataFrame) -> list[str]:
    names: set[str] = set()
    for frame in frames:
        if frame.height:
            names.update(frame["service"].drop_nulls().unique().to_list())
    return sorted(names)


def per_service(names: Sequence[str], frame: pl.DataFrame, **aggregations: pl.Expr) -> pl.DataFrame:
    """One row per service of ``names``, in that order: ``service`` and each aggregation
    over the service's rows of ``frame``, null for a service without rows. One group_by
    rather than a filter per service."""
    totals = frame.group_by("service").agg(**aggregations)
    return pl.DataFrame({"service": names}, schema={"service": pl.String}).join(
        totals, on="service", how="left", maintain_order="left"
    )


#: The last of a service's rows for a week, in a frame ordered as ``weekly`` orders it.
_LAST_OF_WEEK: Final = (
    (pl.col("service") != pl.col("service").shift(-1))
    | (pl.col("period_start") != pl.col("period_start").shift(-1))
).fill_null(True)


def weekly_points(
    lines: Sequence[tuple[pl.DataFrame, str]], starts: Sequence[date], names: Sequence[str]
) -> pl.DataFrame:
    """The points of a set of per-service charts, one line per (frame, column) of
    ``lines``: ``chart`` (position of the service in ``names``), ``line``, ``x``
    (position of the week in ``starts``) and ``value``. Null values are left out; where
    a service has several rows for a week, the last counts."""
    charts = pl.DataFrame(
        {"service": names, "chart": range(len(names))},
        schema={"service": pl.String, "chart": pl.Int64},
    )
    slots = pl.DataFrame(
        {"period_start": starts, "x": range(len(starts))},
        schema={"period_start": pl.Date, "x": pl.Int64},
    )
    return pl.concat(
        [
            frame.select("service", "period_start", value=pl.col(column).cast(pl.Float64))
            .filter(_LAST_OF_WEEK)
            .join(charts, on="service")
            .join(slots, on="period_start")
            .filter(pl.col("value").is_not_null())
            .select("chart", pl.lit(line, pl.Int64).alias("line"), "x", "value")
            for line, (frame, column) in enumerate(lines)
        ]
    )


def period_of(frame: pl.DataFrame) -> str | None:
    """The span of the weeks a frame holds as an ISO 8601 interval of days
    ('2026-09-28/2026-11-01'), or None when it holds none."""
    if frame.height == 0:
        return None
    first: date = frame["period_start"].min()  # type: ignore[assignment]
    last: date = frame["period_end"].max()  # type: ignore[assignment]
    return f"{first.isoformat()}/{(last - timedelta(days=1)).isoformat()}"
