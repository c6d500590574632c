"""Fixtures for the ingestion machinery tests: a warehouse file, the same tests on
PostgreSQL (``any_warehouse``, set up with the platform's roles), a log, and a reader of
whole tables (lineage columns included) for byte-for-byte comparisons."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from platform_assets.domains.dora.demo_source import DemoConnector, DemoSettings
from platform_assets.integrations.postgres.grants import set_up_warehouse
from platform_assets.warehouse import Warehouse

#: A fixed window end, so the tests do not depend on the day they run.
END = date(2026, 11, 1)


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    return Warehouse(database=str(tmp_path / "warehouse.duckdb"))


@pytest.fixture
def any_warehouse(any_warehouse: Warehouse) -> Warehouse:
    """The shared DuckDB | PostgreSQL warehouse; PostgreSQL set up as ``platform-assets
    warehouse setup`` does (schemas, roles, grants), so the ingestion's loader role and
    the IO manager's transformer role may do exactly what they may in production."""
    if any_warehouse.dialect == "postgres":
        with any_warehouse.transaction() as session:
            set_up_warehouse(session)
    return any_warehouse


@pytest.fixture
def log() -> logging.Logger:
    return logging.getLogger("tests.ingestion")


def demo(end: date = END, days: int = 30) -> DemoConnector:
    return DemoConnector(DemoSettings(seed=11, days=days, end=end))


def table_frames(warehouse: Warehouse, schemas: Sequence[str]) -> dict[str, pl.DataFrame]:
    """Every table of ``schemas``, all columns, by qualified name in name order."""
    listed = ", ".join(f"'{schema}'" for schema in schemas)
    with warehouse.connect() as session:
        names = session.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            f"where table_schema in ({listed}) order by 1"
        ).fetchall()
        return {name: session.frame(f"select * from {name}") for (name,) in names}


#: Columns a rerun rightly changes: when a schema drift was last seen.
RERUN_COLUMNS = {"ops.schema_drift_events": ["last_seen_run_id", "last_seen_at"]}


def all_tables(warehouse: Warehouse) -> dict[str, list[tuple]]:
    """Every table of the raw and ops schemas, all columns but ``RERUN_COLUMNS``, rows in
    a stable order (the same values whichever database holds them: timestamps in UTC)."""
    frames = {
        name: frame.drop(RERUN_COLUMNS.get(name, []))
        for name, frame in table_frames(warehouse, ("raw", "ops")).items()
    }
    return {
        name: frame.sort(frame.columns, nulls_last=True).rows() for name, frame in frames.items()
    }
