"""What tables the warehouse holds now: erasure and retention act on the tables that
exist and skip the others, so both run on a fresh warehouse and on one built before a
table was added.

``information_schema`` answers alike on DuckDB and PostgreSQL for the schemas asked
about; the one name that differs is DuckDB's default schema ``main``, PostgreSQL's
``public``, which the catalog looks up under the server's name and reports as ``main``.
"""

from __future__ import annotations

from collections.abc import Iterable

from platform_assets.warehouse import WarehouseSession

DEFAULT_SCHEMA = "main"
POSTGRES_DEFAULT_SCHEMA = "public"


def base_tables(
    session: WarehouseSession, schemas: Iterable[str]
) -> dict[tuple[str, str], frozenset[str]]:
    """(schema, table) → its column names, for every base table of ``schemas``. Views
    and temporary tables are left out: they hold no rows of their own to delete."""
    wanted = sorted(set(schemas))
    if not wanted:
        return {}
    as_asked = {_catalog_name(session, schema): schema for schema in wanted}
    rows = session.execute(
        "select c.table_schema, c.table_name, c.column_name "
        "from information_schema.columns c join information_schema.tables t "
        "on t.table_schema = c.table_schema and t.table_name = c.table_name "
        "where t.table_type = 'BASE TABLE' "
        "and c.table_schema in (select unnest(?::VARCHAR[])) "
        "order by c.table_schema, c.table_name, c.ordinal_position",
        [sorted(as_asked)],
    ).fetchall()
    tables: dict[tuple[str, str], set[str]] = {}
    for schema, table, column in rows:
        tables.setdefault((as_asked[schema], table), set()).add(column)
    return {name: frozenset(columns) for name, columns in tables.items()}


def _catalog_name(session: WarehouseSession, schema: str) -> str:
    if session.dialect == "postgres" and schema == DEFAULT_SCHEMA:
        return POSTGRES_DEFAULT_SCHEMA
    return schema
