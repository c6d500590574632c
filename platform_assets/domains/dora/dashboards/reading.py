"""Reading the marts for the dashboards.

The dashboards read the marts as dbt wrote them, on the read-only session the asset
opens, so a dashboard always agrees with the tables and with the metadata figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import polars as pl

from platform_assets.warehouse import WarehouseSession


def read(session: WarehouseSession, query: str) -> pl.DataFrame:
    return session.frame(query)


def weekly(session: WarehouseSession, table: str, columns: Sequence[str]) -> pl.DataFrame:
    """The week rows of a per-service mart: service, period_start, period_end and
    ``columns``, in service and week order."""
    selected = ", ".join(["service", "period_start", "period_end", *columns])
    return read(
        session,
        f"select {selected} from marts.{table} where grain = 'week' order by service, period_start",
    )


def week_starts(*frames: pl.DataFrame) -> list[date]:
    """Every week start present in any frame, in order: the shared x axis."""
    starts: set[date] = set()
    for frame in frames:
        if frame.height:
            starts.update(frame["period_start"].unique().to_list())
    return sorted(starts)


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


def period_of(frame: pl.DataFrame) -> str | None:
    """The span of the weeks a frame holds as an ISO 8601 interval of days
    ('2026-09-28/2026-11-01'), or None when it holds none."""
    if frame.height == 0:
        return None
    first: date = frame["period_start"].min()  # type: ignore[assignment]
    last: date = frame["period_end"].max()  # type: ignore[assignment]
    return f"{first.isoformat()}/{(last - timedelta(days=1)).isoformat()}"
