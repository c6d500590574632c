"""What every step sees of the warehouse, whichever database it is.

Platform code writes its SQL once, with ``?`` placeholders, against this protocol; the
DuckDB session hands the statement to DuckDB as it is and the PostgreSQL session
numbers the placeholders (``$1``...) for the server. Where the two databases need
different SQL, the code asks ``session.dialect`` (or a helper in
``platform_assets.warehouse.dialect``); dbt models go through ``adapter.dispatch``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, Protocol

import polars as pl
import pyarrow as pa

Dialect = Literal["duckdb", "postgres"]

#: The least-privilege roles a PostgreSQL warehouse grants (docs/deployment.md); a step
#: names the one it needs and the session takes it (``SET ROLE``). DuckDB has no roles.
WarehouseRole = Literal["loader", "transformer", "analyst", "consumer"]


class Rows(Protocol):
    """The result of ``execute``: read it once, whole or its first row."""

    def fetchall(self) -> list[tuple[Any, ...]]: ...

    def fetchone(self) -> tuple[Any, ...] | None: ...


class WarehouseSession(Protocol):
    """One connection to the warehouse. Inside ``Warehouse.transaction()`` every
    statement belongs to one transaction; inside ``Warehouse.connect()`` each commits
    on its own."""

    @property
    def dialect(self) -> Dialect: ...

    def execute(self, sql: str, params: Sequence[object] | None = None) -> Rows:
        """Runs one statement; ``?`` marks each parameter."""
        ...

    def changed(self, sql: str, params: Sequence[object] | None = None) -> int:
        """Runs one INSERT, UPDATE or DELETE (without RETURNING) and says how many rows
        it wrote."""
        ...

    def frame(self, sql: str, params: Sequence[object] | None = None) -> pl.DataFrame:
        """A query's result as a Polars frame (Arrow end to end, no Python rows)."""
        ...

    def arrow(self, sql: str, params: Sequence[object] | None = None) -> pa.Table: ...

    def register(self, name: str, data: pl.DataFrame | pa.Table) -> None:
        """Makes ``data`` queryable as ``name`` for the rest of the session (DuckDB: a
        view over the Arrow data; PostgreSQL: a temporary table filled by COPY)."""
        ...

    def unregister(self, name: str) -> None: ...
