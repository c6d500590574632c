"""The DuckDB warehouse as a Dagster resource."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from platform_assets.owner_only import owner_only_directory, tighten_to_owner
from platform_assets.settings import resolve_path


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Warehouse(dg.ConfigurableResource):
    """A DuckDB file. Relative paths resolve against the project root."""

    database: str

    @property
    def path(self) -> Path:
        return resolve_path(self.database)

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        owner_only_directory(self.path.parent)
        # DuckDB creates its files with the process umask; a file an older checkout left
        # readable by everyone is tightened before it is used again
        for existing in (self.path, self.path.with_name(f"{self.path.name}.wal")):
            tighten_to_owner(existing)
        connection = duckdb.connect(str(self.path), read_only=read_only)
        try:
            yield connection
        finally:
            connection.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: a failure inside the block rolls every statement back."""
        with self.connect() as connection:
            connection.begin()
            try:
                yield connection
            except BaseException:
                connection.rollback()
                raise
            connection.commit()
