"""Fixtures for the check library: a real DuckDB file, tables written into it, and the
resources a check run needs.

``warehouse_path`` (the project's root conftest) is a fresh DuckDB file in tmp_path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import polars as pl
import pytest

from platform_assets.warehouse import Warehouse, WarehouseIOManager
from platform_assets.warehouse.io_manager import qualified

WriteTable = Callable[[str, pl.DataFrame], str]


@pytest.fixture
def connection(warehouse_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(warehouse_path)) as connection:
        yield connection


@pytest.fixture
def write_table(connection: duckdb.DuckDBPyConnection) -> WriteTable:
    """Writes a frame as ``<schema>.<table>`` and returns the quoted name the checks use."""

    def write(name: str, frame: pl.DataFrame) -> str:
        schema, table = name.split(".")
        connection.execute(f"create schema if not exists {schema}")
        connection.register("incoming", frame.to_arrow())
        connection.execute(f"create or replace table {qualified(schema, table)} as from incoming")
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
