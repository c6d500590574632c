"""Fixtures for the ingestion machinery tests: a warehouse file, the same tests on
PostgreSQL (``any_warehouse``, with the platform's roles), a log, and a reader of whole
tables (lineage columns included) for byte-for-byte comparisons."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from platform_assets.domains.dora.demo_source import DemoConnector, DemoSettings
from platform_assets.warehouse import Warehouse
from platform_assets.warehouse.roles import ROLES, role_name
from tests.postgres_server import SUPERUSER, PostgresServer

#: A fixed window end, so the tests do not depend on the day they run.
END = date(2026, 11, 1)


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    return Warehouse(database=str(tmp_path / "warehouse.duckdb"))


@pytest.fixture
def any_warehouse(any_warehouse: Warehouse, request: pytest.FixtureRequest) -> Warehouse:
    """The shared DuckDB | PostgreSQL warehouse; on PostgreSQL with the roles the
    ingestion takes (``role="loader"``) and the IO manager takes (``"transformer"``).
    TEMPORARY: ``platform-assets warehouse setup`` creates them (with their grants) once
    it lands, and this fixture then calls it instead."""
    if any_warehouse.dialect == "postgres":
        server: PostgresServer = request.getfixturevalue("postgres_server")
        database = urlsplit(any_warehouse.postgres_url).path.lstrip("/")
        server.psql(database, _roles_sql(database))
    return any_warehouse


def _roles_sql(database: str) -> str:
    """Roles are cluster-wide and the cluster is shared by the session: created once."""
    names = [role_name(role) for role in ROLES]
    creates = "".join(
        f"if not exists (select from pg_roles where rolname = '{name}') then "
        f'create role "{name}"; end if; '
        for name in names
    )
    members = ", ".join(f'"{name}"' for name in names)
    writers = ", ".join(f'"{role_name(role)}"' for role in ("loader", "transformer"))
    return (
        f"do $$ begin {creates}end $$; "
        f'grant {members} to "{SUPERUSER}"; '
        f'grant create on database "{database}" to {writers};'
    )


@pytest.fixture
def log() -> logging.Logger:
    return logging.getLogger("tests.ingestion")


def demo(end: date = END, days: int = 30) -> DemoConnector:
    return DemoConnector(DemoSettings(seed=11, days=days, end=end))


def all_tables(warehouse: Warehouse) -> dict[str, list[tuple]]:
    """Every table of the raw and ops schemas, all columns, rows in a stable order (the
    same values whichever database holds them: timestamps in UTC)."""
    with warehouse.connect() as session:
        names = session.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in ('raw', 'ops') order by 1"
        ).fetchall()
        frames = {name: session.frame(f"select * from {name}") for (name,) in names}
    return {
        name: frame.sort(frame.columns, nulls_last=True).rows() for name, frame in frames.items()
    }
