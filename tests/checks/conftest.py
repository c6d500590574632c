"""Fixtures for the check library: a real warehouse (a DuckDB file, and a PostgreSQL
database for the tests marked ``postgres``), tables written into it, and the resources a
check run needs.

``warehouse_path`` (the project's root conftest) is a fresh DuckDB file in tmp_path;
``any_warehouse`` is the DuckDB file or the PostgreSQL database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import polars as pl
import pytest

from platform_assets.warehouse import Warehouse, WarehouseIOManager, WarehouseSession
from platform_assets.warehouse.io_manager import qualified

WriteTable = Callable[[str, pl.DataFrame], str]


@pytest.fixture
def connection(any_warehouse: Warehouse) -> Iterator[WarehouseSession]:
    """A session on the DuckDB file or the PostgreSQL database, as the checks get one."""
    with any_warehouse.connect() as session:
        yield session


@pytest.fixture
def write_table(connection: WarehouseSession) -> WriteTable:
    """Writes a frame as ``<schema>.<table>`` with plain SQL through the session and
    returns the quoted name the checks use."""

    def write(name: str, frame: pl.DataFrame) -> str:
        schema, table = name.split(".")
        connection.execute(f"create schema if not exists {schema}")
        connection.register("incoming", frame)
        connection.execute(f"drop table if exists {qualified(schema, table)}")
        connection.execute(f"create table {qualified(schema, table)} as select * from incoming")
        connection.unregister("incoming")
        return qualified(schema, table)

    return write


@pytest.fixture
def resources(warehouse_path: Path) -> dict[str, Any]:
    return {
        "warehouse": Warehouse(database=str(warehouse_path)),
        "warehouse_io_manager": WarehouseIOManager(database=str(warehouse_path)),
    }


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    with dg.instance_for_test() as instance:
        yield instance
