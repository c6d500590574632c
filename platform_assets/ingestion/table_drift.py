"""Whether a raw table still has the shape its contract gives it, checked before a load.

A table altered outside the platform (a column retyped to VARCHAR, dropped, made
optional) either takes wrong data silently or fails every load, and no retry changes
that: it is a configuration error, reported with every mismatch at once. The expected
shape is the table the contract's own DDL creates, read back from an in-memory DuckDB
(once per contract), so the contract stays the only statement of the shape; on
PostgreSQL its types are compared in PostgreSQL's spelling of them. The check itself is
one catalog query per load, as the loader role (the catalog lists only tables the role
may use, and a table it may not use fails the load anyway). A contract that changes an
existing table ships with a migration; a warehouse not upgraded yet reports drift, so
the message names the upgrade first.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Final

import duckdb

from platform_assets.ingestion.contract import TableContract
from platform_assets.warehouse import Dialect, Warehouse, WarehouseSession, quote_identifier
from platform_assets.warehouse.dialect import catalog_type
from platform_assets.warehouse.duckdb_session import DuckDBSession
from platform_assets.warehouse.migrations.guard import UPGRADE_COMMAND

RUNBOOK: Final = "docs/runbooks/dora.md"

_CATALOG_SQL: Final = (
    "select column_name, data_type, is_nullable = 'YES', column_default is not null "
    "from information_schema.columns "
    "where table_catalog = current_database() and table_schema = ? and table_name = ? "
    "order by ordinal_position"
)


@dataclass(frozen=True)
class CatalogColumn:
    data_type: str
    nullable: bool
    has_default: bool


class TableDrift(Exception):
    """The table does not match its contract; someone has to change the table back."""


def check_table(warehouse: Warehouse, contract: TableContract) -> None:
    """Raises TableDrift naming every mismatch; a table that does not exist yet passes
    (the load creates it from the contract)."""
    with warehouse.connect(role="loader") as session:
        actual = _catalog_columns(session, contract.schema, contract.table)
    if not actual:
        return
    mismatches = _mismatches(_contract_columns(contract, warehouse.dialect), actual)
    if mismatches:
        raise TableDrift(
            f"{contract.qualified_name} does not match its contract: {'; '.join(mismatches)}. "
            f"Nothing was read or written. Run `{UPGRADE_COMMAND}` first: a change to an "
            "existing table is a migration (docs/migrations.md). If the warehouse is at head, "
            "the table was altered outside the platform: alter it back to the contract (or "
            f"drop it and rerun with full_refresh: true), see {RUNBOOK}, 'warehouse drift'."
        )


def _mismatches(expected: dict[str, CatalogColumn], actual: dict[str, CatalogColumn]) -> list[str]:
    mismatches = []
    for name, want in expected.items():
        have = actual.get(name)
        if have is None:
            mismatches.append(f"{name} ({want.data_type}) is missing")
            continue
        if have.data_type != want.data_type:
            mismatches.append(f"{name} is {have.data_type}, the contract says {want.data_type}")
        if have.nullable and not want.nullable:
            mismatches.append(f"{name} allows NULL, the contract says NOT NULL")
        elif want.nullable and not have.nullable:
            mismatches.append(f"{name} is NOT NULL, the contract allows NULL")
    # An extra column that takes NULL or has a default harms no insert; one that needs a
    # value fails every new row.
    mismatches += [
        f"{name} is not in the contract and is NOT NULL"
        for name, have in actual.items()
        if name not in expected and not have.nullable and not have.has_default
    ]
    return mismatches


def _contract_columns(contract: TableContract, dialect: Dialect) -> dict[str, CatalogColumn]:
    created = _columns_created_by(contract.schema, contract.table, contract.create_table_sql())
    return {
        name: CatalogColumn(
            catalog_type(column.data_type, dialect), column.nullable, column.has_default
        )
        for name, column in created.items()
    }


@functools.cache
def _columns_created_by(schema: str, table: str, ddl: str) -> dict[str, CatalogColumn]:
    """Cached on the DDL text, which is what decides the shape (and is hashable whatever
    the contract holds)."""
    with duckdb.connect() as connection:
        session = DuckDBSession(connection)
        session.execute(f"create schema {quote_identifier(schema)}")
        session.execute(ddl)
        return _catalog_columns(session, schema, table)


def _catalog_columns(
    session: WarehouseSession, schema: str, table: str
) -> dict[str, CatalogColumn]:
    rows = session.execute(_CATALOG_SQL, [schema, table]).fetchall()
    return {
        name: CatalogColumn(data_type, nullable, default)
        for name, data_type, nullable, default in rows
    }
