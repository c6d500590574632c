"""A DuckDB connection behind the platform's ``WarehouseSession``: DuckDB takes the
platform's ``?`` placeholders and registers Arrow data as views as it is."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa

from platform_assets.warehouse.session import Dialect, Rows


class FetchedRows:
    """A statement's rows, read in full when it ran: DuckDB 2 keeps a result open until
    it is read to the end, and refuses to register a frame on a connection that has one,
    so a caller that wanted only the first row would break the next step."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self._rows = rows

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._rows

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows[0] if self._rows else None


class DuckDBSession:
    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self.connection = connection

    @property
    def dialect(self) -> Dialect:
        return "duckdb"

    def _run(self, sql: str, params: Sequence[object] | None) -> duckdb.DuckDBPyConnection:
        return self.connection.execute(sql, list(params) if params is not None else None)

    def execute(self, sql: str, params: Sequence[object] | None = None) -> Rows:
        result = self._run(sql, params)
        return FetchedRows(result.fetchall() if result.description else [])

    def changed(self, sql: str, params: Sequence[object] | None = None) -> int:
        return int(self._run(sql, params).fetchall()[0][0])

    def arrow(self, sql: str, params: Sequence[object] | None = None) -> pa.Table:
        if params is None:
            # a relation streams its result into Arrow; an executed statement's result is
            # copied once more first
            return self.connection.sql(sql).to_arrow_table()
        return self._run(sql, params).to_arrow_table()

    def frame(self, sql: str, params: Sequence[object] | None = None) -> pl.DataFrame:
        frame = pl.from_arrow(self.arrow(sql, params))
        assert isinstance(frame, pl.DataFrame)
        return frame

    def register(self, name: str, data: pl.DataFrame | pa.Table) -> None:
        self.connection.register(name, data.to_arrow() if isinstance(data, pl.DataFrame) else data)

    def unregister(self, name: str) -> None:
        self.connection.unregister(name)
