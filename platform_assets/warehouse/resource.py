"""The warehouse as a Dagster resource: a DuckDB file by default, PostgreSQL when a URL
is configured (``PLATFORM_POSTGRES_URL``; docs/deployment.md).

Steps ask for a ``WarehouseSession`` and never for a driver: the same ingestion, checks
and transforms run on both. On PostgreSQL a step may name the least-privilege role it
runs as; DuckDB has no roles, so there the name documents intent only (docs/deployment.md
says what the file-based default enforces instead).

In a Dagster run the resource refuses a warehouse behind the code's migrations
(``migrations.guard``) before its first statement; code outside a run calls the guard
itself (the ingestion, the erasure).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from platform_assets.owner_only import owner_only_directory, tighten_to_owner
from platform_assets.settings import resolve_path, warehouse_path
from platform_assets.warehouse.duckdb_session import DuckDBSession
from platform_assets.warehouse.roles import role_name
from platform_assets.warehouse.session import Dialect, WarehouseRole, WarehouseSession


class Warehouse(dg.ConfigurableResource):
    """``database`` is the DuckDB file (relative paths resolve against the project
    root; empty: ``warehouse.duckdb`` under the data root); a non-empty ``postgres_url``
    selects PostgreSQL instead."""

    database: str = ""
    postgres_url: str = ""
    _check_migrations: bool = PrivateAttr(default=False)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Arms the migration guard for the run's first use of the warehouse, not here: a
        run initializes its resources before the `duckdb_warehouse` pool admits its first
        step, while another run's step may hold the DuckDB file's lock."""
        self._check_migrations = True

    @property
    def dialect(self) -> Dialect:
        return "postgres" if self.postgres_url else "duckdb"

    @property
    def path(self) -> Path:
        """The DuckDB file; a PostgreSQL warehouse has none."""
        if self.postgres_url:
            raise ValueError("the warehouse is PostgreSQL (PLATFORM_POSTGRES_URL): it has no file")
        return resolve_path(self.database) if self.database else warehouse_path()

    @property
    def description(self) -> str:
        if not self.postgres_url:
            return str(self.path)
        from platform_assets.warehouse.postgres_session import describe

        where = describe(self.postgres_url)
        login = where["user"] or ""
        return f"postgresql://{login}@{where['host']}:{where['port']}/{where['database'] or ''}"

    @contextmanager
    def connect(
        self, read_only: bool = False, role: WarehouseRole | None = None
    ) -> Iterator[WarehouseSession]:
        """Each statement commits on its own."""
        self._guard_run()
        if self.postgres_url:
            with self._postgres(autocommit=True, role=role) as session:
                yield session
            return
        with self._duckdb(read_only) as connection:
            yield DuckDBSession(connection)

    @contextmanager
    def transaction(self, role: WarehouseRole | None = None) -> Iterator[WarehouseSession]:
        """All or nothing: a failure inside the block rolls every statement back."""
        self._guard_run()
        if self.postgres_url:
            with self._postgres(autocommit=False, role=role) as session:
                yield session
            return
        with self._duckdb(read_only=False) as connection:
            connection.begin()
            try:
                yield DuckDBSession(connection)
            except BaseException:
                connection.rollback()
                raise
            connection.commit()

    def _guard_run(self) -> None:
        if not self._check_migrations:
            return
        from platform_assets.warehouse.migrations.guard import ensure_current

        # off first: the guard itself connects through this resource
        self._check_migrations = False
        try:
            ensure_current(self)
        except BaseException:
            self._check_migrations = True
            raise

    @contextmanager
    def _postgres(
        self, *, autocommit: bool, role: WarehouseRole | None
    ) -> Iterator[WarehouseSession]:
        from platform_assets.warehouse.postgres_session import postgres_session

        with postgres_session(
            self.postgres_url, autocommit=autocommit, role=role_name(role) if role else None
        ) as session:
            yield session

    @contextmanager
    def _duckdb(self, read_only: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        path = self.path
        owner_only_directory(path.parent)
        # DuckDB creates its files with the process umask; a file an older checkout left
        # readable by everyone is tightened before it is used again
        for existing in (path, path.with_name(f"{path.name}.wal")):
            tighten_to_owner(existing)
        connection = duckdb.connect(str(path), read_only=read_only)
        try:
            yield connection
        finally:
            connection.close()
