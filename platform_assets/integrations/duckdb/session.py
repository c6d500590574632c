"""A DuckDB connection behind the platform's ``WarehouseSession``: DuckDB takes the
platform's ``?`` placeholders and registers Arrow data as views as it is."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import polars as pl
import pyarrow as pa

from platform_assets.warehouse.session import Dialect, Rows


class DuckDBSession:
    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self.connection = connection

    @property
    def dialect(self) -> Dialect:
        return "duckdb"

    def execute(self, sql: str, params: Sequence[object] | None = None) -> Rows:
        return self.connection.execute(sql, list(params) if params is not None else None)

    def changed(self, sql: str, params: Sequence[object] | None = None) -> int:
        rows = self.connection.execute(sql, list(params) if params is not None else None)
        return int(rows.fetchall()[0][0])

    def arrow(self, sql: str, params: Sequence[object] | None = None) -> pa.Table:
        return self.connection.execute(
            sql, list(params) if params is not None else None
        ).to_arrow_table()

    def frame(self, sql: str, params: Sequence[object] | None = None) -> pl.DataFrame:
        frame = pl.from_arrow(self.arrow(sql, params))
        assert isinstance(frame, pl.DataFrame)
        return frame

    def register(self, name: str, data: pl.DataFrame | pa.Table) -> None:
        self.connection.register(name, data.to_arrow() if isinstance(data, pl.DataFrame) else data)

    def unregister(self, name: str) -> None:
        self.connection.unregister(name)

    # TRANSITIONAL (removed before commit): unported callers still use the DuckDB API.
    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.connection, name)
