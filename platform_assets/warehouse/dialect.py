"""The few places where SQL, catalogs and errors differ between DuckDB and PostgreSQL.

Platform code writes one statement for both databases; what cannot be written once is
decided here, by dialect, so each difference is stated in one place. Helpers are
appended by the modules that need them (docs: design of issue 13).
"""

from __future__ import annotations

from typing import Final

import adbc_driver_manager
import duckdb

from platform_assets.warehouse.session import Dialect

#: What a failing statement raises: DuckDB's own errors, or the ADBC driver's for
#: PostgreSQL (its dbapi errors derive from this base).
WAREHOUSE_ERRORS: Final[tuple[type[Exception], ...]] = (duckdb.Error, adbc_driver_manager.Error)

#: The schema a one-part name lands in: DuckDB's ``main`` is PostgreSQL's ``public``.
DEFAULT_SCHEMA: Final[dict[Dialect, str]] = {"duckdb": "main", "postgres": "public"}

#: ``information_schema.columns.data_type`` of the types the platform's DDL uses, as
#: DuckDB spells them and as PostgreSQL does, so a catalog read on either database can
#: be compared with the shape DuckDB reports for a contract's DDL.
_POSTGRES_CATALOG_TYPES: Final = {
    "VARCHAR": "character varying",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "BOOLEAN": "boolean",
    "DOUBLE": "double precision",
    "DATE": "date",
    "TIMESTAMP WITH TIME ZONE": "timestamp with time zone",
    "TIMESTAMP": "timestamp without time zone",
}


def catalog_type(duckdb_catalog_type: str, dialect: Dialect) -> str:
    """How ``dialect``'s catalog names a type DuckDB's catalog calls ``duckdb_catalog_type``
    (a type without a PostgreSQL counterpart here is returned as it is, so it shows in a
    mismatch message instead of passing silently)."""
    if dialect == "duckdb":
        return duckdb_catalog_type
    return _POSTGRES_CATALOG_TYPES.get(duckdb_catalog_type, duckdb_catalog_type)


def create_schema_sql(schema: str, dialect: Dialect) -> str:
    """A statement creating ``schema`` unless it exists. PostgreSQL checks the database's
    CREATE privilege before it sees that the schema exists, so its ``create schema if not
    exists`` fails for the least-privilege roles, which may not create schemas
    (docs/warehouse-roles.md): there the schema is looked up first."""
    from platform_assets.warehouse.quoting import quote_identifier

    if dialect == "duckdb":
        return f"create schema if not exists {quote_identifier(schema)}"
    literal = schema.replace("'", "''")
    return (
        f"do $$ begin if not exists (select from pg_namespace where nspname = '{literal}') "
        f"then create schema {quote_identifier(schema)}; end if; end $$"
    )
