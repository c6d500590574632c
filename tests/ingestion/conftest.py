"""Fixtures for the ingestion machinery tests: a warehouse file, a log, and a reader of
whole tables (lineage columns included) for byte-for-byte comparisons."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pytest

from platform_assets.domains.dora.demo_source import DemoConnector, DemoSettings
from platform_assets.warehouse import Warehouse

#: A fixed window end, so the tests do not depend on the day they run.
END = date(2026, 11, 1)


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    return Warehouse(database=str(tmp_path / "warehouse.duckdb"))


@pytest.fixture
def log() -> logging.Logger:
    return logging.getLogger("tests.ingestion")


def demo(end: date = END, days: int = 30) -> DemoConnector:
    return DemoConnector(DemoSettings(seed=11, days=days, end=end))


def all_tables(warehouse: Warehouse) -> dict[str, list[tuple]]:
    """Every table of the raw and ops schemas, all columns, in a stable order."""
    with warehouse.connect() as connection:
        names = connection.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in ('raw', 'ops') order by 1"
        ).fetchall()
        return {
            name: connection.execute(f"select * from {name} order by all").fetchall()
            for (name,) in names
        }
