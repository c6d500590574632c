"""A row rule for Pandera models: one timestamp column never precedes another.

    class Deployments(pa.DataFrameModel):
        ...
        finished_after_start = in_order("started_at", "finished_at")

The check is an ordinary Pandera dataframe check (so the model's own validation enforces
it), named ``IN_ORDER_CHECK`` with the two columns as its statistics, so that a reader of
the model (the ingestion contract) can find the rule and apply the same expression.
"""

from __future__ import annotations

from typing import Any, Final

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

IN_ORDER_CHECK: Final = "in_order"


def out_of_order(earlier: pl.Expr, later: pl.Expr) -> pl.Expr:
    """True where ``later`` precedes ``earlier``; null where either is null (a missing
    value says nothing about the order)."""
    return later < earlier


def in_order(earlier: str, later: str) -> Any:
    """A dataframe check for a model's body: ``later`` is null, ``earlier`` is null, or
    ``later`` is not before ``earlier``."""

    def check(cls: Any, data: PolarsData) -> pl.LazyFrame:
        violated = out_of_order(pl.col(earlier), pl.col(later)).fill_null(False)
        return data.lazyframe.select(violated.not_())

    return pa.dataframe_check(
        name=IN_ORDER_CHECK,
        statistics={"earlier": earlier, "later": later},
        error=f"{later} >= {earlier}",
    )(check)
