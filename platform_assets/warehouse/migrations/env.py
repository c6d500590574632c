"""What Alembic runs for every command: connect, take the loader role, apply revisions.

All revisions of one command run in one transaction, so an upgrade that fails leaves the
warehouse at the revision it started from. On PostgreSQL the migrations run as the
loader role when ``platform-assets warehouse setup`` has given it the ``ops`` schema:
the tables are then owned by the role that writes them, exactly as when loads created
them, so the transformer reads them through the loader's default privileges and no
migration names a role. A database not set up has no such role: there the login runs
them.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine, pool, text

from platform_assets.warehouse import Dialect
from platform_assets.warehouse.dialect import create_schema_sql
from platform_assets.warehouse.migrations.config import (
    RUN_AS_ATTRIBUTE,
    URL_ATTRIBUTE,
    VERSION_SCHEMA,
    VERSION_TABLE,
)
from platform_assets.warehouse.migrations.duckdb_impl import DuckDBImpl
from platform_assets.warehouse.quoting import quote_identifier

_MAY_RUN_AS = text(
    "select coalesce((select pg_has_role(current_user, oid, 'MEMBER') "
    "and has_schema_privilege(oid, :schema, 'CREATE') from pg_roles where rolname = :role), "
    "false)"
)


def _prepare(connection: Connection) -> None:
    dialect: Dialect = "postgres" if connection.dialect.name == "postgresql" else "duckdb"
    assert connection.dialect.name in ("postgresql", DuckDBImpl.__dialect__)
    connection.execute(text(create_schema_sql(VERSION_SCHEMA, dialect)))
    role = context.config.attributes[RUN_AS_ATTRIBUTE]
    if (
        dialect == "postgres"
        and connection.execute(_MAY_RUN_AS, {"schema": VERSION_SCHEMA, "role": role}).scalar()
    ):
        connection.execute(text(f"set local role {quote_identifier(role)}"))


def run_migrations() -> None:
    if context.is_offline_mode():
        raise SystemExit(
            "offline (--sql) migrations are not supported: run `platform-assets migrate "
            "upgrade` against the warehouse"
        )
    engine = create_engine(context.config.attributes[URL_ATTRIBUTE], poolclass=pool.NullPool)
    with engine.begin() as connection:
        _prepare(connection)
        context.configure(
            connection=connection,
            version_table=VERSION_TABLE,
            version_table_schema=VERSION_SCHEMA,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
