"""A PostgreSQL connection behind the platform's ``WarehouseSession``.

ADBC's PostgreSQL driver, not psycopg: query results arrive as Arrow (``COPY ... TO
STDOUT`` in binary) and registered frames leave as Arrow (``COPY ... FROM STDIN``), so a
million-row frame moves in about a second either way instead of row by row through
Python objects. The driver reports no row count for DML (``rowcount`` is -1), so
``changed`` counts the statement's RETURNING rows in a CTE.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import adbc_driver_postgresql.dbapi as adbc
import polars as pl
import pyarrow as pa

from platform_assets.warehouse.placeholders import number_placeholders
from platform_assets.warehouse.quoting import quote_identifier
from platform_assets.warehouse.session import Dialect, Rows


class PostgresSession:
    def __init__(self, connection: adbc.Connection) -> None:
        self._connection = connection
        self._cursor = connection.cursor()

    @property
    def dialect(self) -> Dialect:
        return "postgres"

    def execute(self, sql: str, params: Sequence[object] | None = None) -> Rows:
        statement, expected = number_placeholders(sql)
        values = list(params or ())
        if expected != len(values):
            raise ValueError(
                f"the statement has {expected} placeholder(s) but {len(values)} value(s) "
                f"were given: {sql[:200]}"
            )
        self._cursor.execute(statement, values or None)
        return self._cursor

    def changed(self, sql: str, params: Sequence[object] | None = None) -> int:
        rows = self.execute(
            f"with changed_rows as ({sql} returning 1) select count(*) from changed_rows",
            params,
        ).fetchall()
        return int(rows[0][0])

    def arrow(self, sql: str, params: Sequence[object] | None = None) -> pa.Table:
        self.execute(sql, params)
        return self._cursor.fetch_arrow_table()

    def frame(self, sql: str, params: Sequence[object] | None = None) -> pl.DataFrame:
        frame = pl.from_arrow(self.arrow(sql, params))
        assert isinstance(frame, pl.DataFrame)
        return frame

    def register(self, name: str, data: pl.DataFrame | pa.Table) -> None:
        table = data.to_arrow() if isinstance(data, pl.DataFrame) else data
        self._cursor.execute(f"drop table if exists pg_temp.{quote_identifier(name)}")
        self._cursor.adbc_ingest(name, table, mode="create", temporary=True)

    def unregister(self, name: str) -> None:
        self._cursor.execute(f"drop table if exists pg_temp.{quote_identifier(name)}")

    def close(self) -> None:
        self._cursor.close()
        self._connection.close()


@contextmanager
def postgres_session(
    url: str, *, autocommit: bool, role: str | None = None
) -> Iterator[PostgresSession]:
    """One connection; in a transaction unless ``autocommit``. A ``role`` is taken with
    SET ROLE, so what the step may do is what that role is granted."""
    connection = adbc.connect(url, autocommit=autocommit)
    session = PostgresSession(connection)
    try:
        if role is not None:
            session.execute(f"set role {quote_identifier(role)}")
        yield session
        if not autocommit:
            connection.commit()
    except BaseException:
        if not autocommit:
            connection.rollback()
        raise
    finally:
        session.close()


def describe(url: str) -> dict[str, Any]:
    """The URL without its password, for metadata and error messages."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return {
        "host": parts.hostname or "local socket",
        "port": parts.port or 5432,
        "database": parts.path.lstrip("/") or None,
        "user": parts.username,
    }
