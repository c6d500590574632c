"""Copying tables from one warehouse into another in a test: a DuckDB warehouse built
the usual way, the same tables in PostgreSQL, so a reader can be run on both and its
results compared."""

from __future__ import annotations

from collections.abc import Iterable

from platform_assets.warehouse import Warehouse, WarehouseRole, qualified
from platform_assets.warehouse.dialect import create_schema_sql

_COPIED = "copied_table"


def tables_of(warehouse: Warehouse, schemas: Iterable[str]) -> list[tuple[str, str]]:
    """Every (schema, table) of ``schemas``, views included, in name order."""
    wanted = sorted(set(schemas))
    placeholders = ", ".join("?" for _ in wanted)
    with warehouse.connect(read_only=True) as session:
        rows = session.execute(
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema in ({placeholders}) order by 1, 2",
            wanted,
        ).fetchall()
    return [(schema, table) for schema, table in rows]


def copy_tables(
    source: Warehouse,
    target: Warehouse,
    tables: Iterable[tuple[str, str]],
    role: WarehouseRole | None = None,
) -> None:
    """Each table of ``source`` as a table of ``target`` with the same rows and columns
    (through Arrow: the column types are those Arrow carries over), written as ``role``:
    on PostgreSQL the role that writes the tables in production, whose grants let the
    readers read them."""
    with source.connect(read_only=True) as reading, target.transaction(role=role) as writing:
        for schema, table in tables:
            writing.execute(create_schema_sql(schema, writing.dialect))
            writing.register(_COPIED, reading.arrow(f"select * from {qualified(schema, table)}"))
            writing.execute(f"create table {qualified(schema, table)} as select * from {_COPIED}")
            writing.unregister(_COPIED)
