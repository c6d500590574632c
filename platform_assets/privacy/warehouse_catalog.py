"""What tables the warehouse holds now: erasure and retention act on the tables that
exist and skip the others, so both run on a fresh warehouse and on one built before a
table was added."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb


def base_tables(
    connection: duckdb.DuckDBPyConnection, schemas: Iterable[str]
) -> dict[tuple[str, str], frozenset[str]]:
    """(schema, table) → its column names, for every base table of ``schemas``. Views
    are left out: they hold no rows of their own to delete."""
    wanted = sorted(set(schemas))
    if not wanted:
        return {}
    placeholders = ", ".join("?" for _ in wanted)
    rows = connection.execute(
        "select c.table_schema, c.table_name, c.column_name "
        "from information_schema.columns c join information_schema.tables t "
        "on t.table_schema = c.table_schema and t.table_name = c.table_name "
        f"where t.table_type = 'BASE TABLE' and c.table_schema in ({placeholders}) "
        "order by c.table_schema, c.table_name, c.ordinal_position",
        wanted,
    ).fetchall()
    tables: dict[tuple[str, str], set[str]] = {}
    for schema, table, column in rows:
        tables.setdefault((schema, table), set()).add(column)
    return {name: frozenset(columns) for name, columns in tables.items()}
