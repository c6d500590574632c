"""What a consumer may read, copied out of the DuckDB warehouse into a file of its own.

DuckDB has no roles: whoever can open the warehouse file reads every table in it, clear
personal data included. So a consumer is never given the warehouse, but this export: the
models tagged ``access: consumer`` in the dbt manifest (masked or pseudonymised, and
proven so by the stage audit; docs/personal-data.md), and nothing else, in a new DuckDB
file readable by its owner only (docs/warehouse-roles.md).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from platform_assets.owner_only import OWNER_ONLY_FILE, OWNER_ONLY_UMASK, owner_only_directory
from platform_assets.warehouse.quoting import qualified, quote_identifier

CONSUMER_ACCESS = "consumer"


class ConsumerExportError(RuntimeError):
    """The export cannot be made; the message says what to do."""


@dataclass(frozen=True)
class ConsumerTable:
    schema: str
    name: str

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"


def consumer_tables(manifest_path: Path) -> list[ConsumerTable]:
    """The dbt models tagged ``access: consumer``, as the tables they build."""
    if not manifest_path.is_file():
        raise ConsumerExportError(
            f"no dbt manifest at {manifest_path}: run `make prepare` to build it"
        )
    nodes = json.loads(manifest_path.read_text())["nodes"].values()
    return sorted(
        (
            ConsumerTable(schema=node["schema"], name=node["alias"] or node["name"])
            for node in nodes
            if node["resource_type"] == "model"
            and node["config"].get("meta", {}).get("access") == CONSUMER_ACCESS
        ),
        key=lambda table: table.qualified_name,
    )


def export_consumer_tables(
    warehouse: Path, tables: list[ConsumerTable], destination: Path
) -> dict[str, int]:
    """Copies ``tables`` from the warehouse into a new DuckDB file at ``destination``
    (replaced if it exists); returns the rows copied per table. All or nothing: the file
    appears only once every table is in it."""
    if not tables:
        raise ConsumerExportError("no dbt model is tagged `access: consumer`: nothing to export")
    owner_only_directory(destination.parent)
    partial = destination.with_name(f".{destination.name}.partial")
    partial.unlink(missing_ok=True)
    # DuckDB creates the file with the process umask: owner-only from its first byte
    previous_umask = os.umask(OWNER_ONLY_UMASK)
    try:
        rows = _copy(warehouse, tables, partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        os.umask(previous_umask)
    partial.chmod(OWNER_ONLY_FILE)
    partial.replace(destination)
    return rows


def _copy(warehouse: Path, tables: list[ConsumerTable], target: Path) -> dict[str, int]:
    with duckdb.connect(str(target)) as connection:
        connection.execute(f"attach {_string_literal(str(warehouse))} as warehouse (read_only)")
        present = {
            f"{schema}.{name}"
            for schema, name in connection.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_catalog = 'warehouse'"
            ).fetchall()
        }
        missing = [table.qualified_name for table in tables if table.qualified_name not in present]
        if missing:
            raise ConsumerExportError(
                f"{', '.join(missing)} not in {warehouse}: build them first (`make run`)"
            )
        rows: dict[str, int] = {}
        for table in tables:
            name = qualified(table.schema, table.name)
            connection.execute(f"create schema if not exists {quote_identifier(table.schema)}")
            connection.execute(f"create table {name} as select * from warehouse.{name}")
            counted = connection.execute(f"select count(*) from {name}").fetchone()
            rows[table.qualified_name] = int(counted[0]) if counted else 0
        connection.execute("detach warehouse")
        connection.execute("checkpoint")
    return rows


def _string_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
