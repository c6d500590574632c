"""Fixtures shared by the connector tests: a warehouse file, a log, a fast retry policy
(the delays are configuration, so the tests do not sleep for seconds), and a server on
another origin for links and redirects to point at."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from platform_assets.ingestion import RetrySettings
from platform_assets.warehouse import Warehouse
from tests.connectors.fakes.server import OtherOriginApi

FAST_RETRY = RetrySettings(max_attempts=4, backoff_seconds=0.01, max_backoff_seconds=0.05)


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    return Warehouse(database=str(tmp_path / "warehouse.duckdb"))


@pytest.fixture
def log() -> logging.Logger:
    return logging.getLogger("tests.ingestion")


@pytest.fixture
def elsewhere() -> Iterator[OtherOriginApi]:
    """Another origin (another port): where an API's links and redirects may point, and
    where nothing, credentials least of all, may be sent."""
    fake = OtherOriginApi()
    with fake.running():
        yield fake


def rows(warehouse: Warehouse, sql: str) -> list[tuple]:
    with warehouse.connect() as connection:
        return connection.execute(sql).fetchall()
