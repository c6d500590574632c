"""Fixtures shared by the connector tests: a warehouse file, a log, and a fast retry
policy (the delays are configuration, so the tests do not sleep for seconds)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from platform_assets.ingestion import RetrySettings
from platform_assets.integrations.duckdb import Warehouse

FAST_RETRY = RetrySettings(max_attempts=4, backoff_seconds=0.01, max_backoff_seconds=0.05)


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    return Warehouse(database=str(tmp_path / "warehouse.duckdb"))


@pytest.fixture
def log() -> logging.Logger:
    return logging.getLogger("tests.ingestion")


def rows(warehouse: Warehouse, sql: str) -> list[tuple]:
    with warehouse.connect() as connection:
        return connection.execute(sql).fetchall()
