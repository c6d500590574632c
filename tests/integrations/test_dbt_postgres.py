"""The DORA dbt models on PostgreSQL, run through the platform's dbt resource exactly as
the Dagster asset runs them: the same scenario landed in a DuckDB file and in a
PostgreSQL database gives the same marts, row for row, after a full build and after an
incremental one that replaces units (the PostgreSQL tombstones and change logs).

The PostgreSQL database is prepared the way ``platform-assets warehouse setup`` prepares
one, reduced to what dbt needs: the four roles (the login a member of each), pgcrypto,
and the transformer allowed to create the layer schemas, read ``raw`` and keep dbt's
bookkeeping in ``ops``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from platform_assets.ingestion.contract import DELETED_AT_COLUMN, EXTRAS_COLUMN
from platform_assets.integrations.dbt.assets import warehouse_arguments
from platform_assets.integrations.dbt.project import dbt_executable, dbt_project
from platform_assets.integrations.dbt.resource import PlatformDbtCliResource
from platform_assets.warehouse import Warehouse
from platform_assets.warehouse.roles import ROLES, role_name
from tests.dora_metrics.scenario import AS_OF, DORA_SELECTION, RAW_ROWS, RAW_TABLES_DDL, ts
from tests.postgres_server import PostgresServer

pytestmark = pytest.mark.postgres

PII_KEY = "0123456789abcdef" * 4
LINEAGE = ("test", "2024-01-28 12:00:00+00", "first-load")

#: A second load, after the first build: a deployment shipping a new commit, and an
#: incident it causes. The incremental build replaces only the units these touch.
SECOND_LOAD: dict[str, list[tuple[Any, ...]]] = {
    "deployments": [
        (
            *("D11", "api", "PRODUCTION", "SUCCESS"),
            *(ts("01-17 09:50:00"), ts("01-17 10:00:00"), "ci", "planned"),
        )
    ],
    "deployment_commits": [("D11", "acme/api", "a11", None, None, None)],
    "commits": [("acme/api", "a11", "alice", ts("01-17 08:00:00"), "retry budget")],
    "incidents": [
        (
            *("I6", "api", "retries", ts("01-17 11:00:00"), ts("01-17 12:30:00")),
            *("SEV2", "pd", "D11", None),
        )
    ],
}
SECOND_LINEAGE = ("test", "2024-01-29 12:00:00+00", "second-load")

#: The marts compared, each whole.
MARTS = (
    "fct_deployment_frequency",
    "fct_lead_time_for_changes",
    "fct_change_failure_rate",
    "fct_incident_recovery",
    "fct_pull_request_stages",
    "agg_lead_time_for_changes",
    "agg_dora_performance_levels",
    "agg_dora__headline_figures",
)


@pytest.fixture
def postgres_warehouse(postgres_server: PostgresServer) -> Warehouse:
    url = postgres_server.create_database("dbt")
    database = urlsplit(url).path.lstrip("/")
    login = urlsplit(url).username
    for role in ROLES:
        name = role_name(role)
        postgres_server.psql(
            "postgres",
            "do $$ begin "
            f"if not exists (select from pg_roles where rolname = '{name}') then "
            f"create role {name} nologin; end if; end $$; "
            f"grant {name} to {login}",
        )
    transformer = role_name("transformer")
    postgres_server.psql(
        database,
        "create extension if not exists pgcrypto; "
        f'grant create on database "{database}" to {transformer}; '
        # dbt keeps its incremental-replace state and change logs in ops
        "create schema if not exists ops; "
        f"grant usage, create on schema ops to {transformer}",
    )
    warehouse = Warehouse(postgres_url=url)
    _land(warehouse, RAW_ROWS, LINEAGE, create=True)
    postgres_server.psql(
        database,
        f"grant usage on schema raw to {transformer}; "
        f"grant select on all tables in schema raw to {transformer}",
    )
    return warehouse


@pytest.fixture
def duckdb_warehouse(tmp_path: Path) -> Warehouse:
    warehouse = Warehouse(database=str(tmp_path / "warehouse.duckdb"))
    _land(warehouse, RAW_ROWS, LINEAGE, create=True)
    return warehouse


@pytest.fixture
def dbt() -> PlatformDbtCliResource:
    return PlatformDbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())


@pytest.fixture(autouse=True)
def _pseudonym_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """One key for both warehouses, so their pseudonyms are comparable."""
    monkeypatch.setenv("PLATFORM_PII_HMAC_KEY", PII_KEY)
    yield


def _land(
    warehouse: Warehouse,
    rows_by_table: dict[str, list[tuple[Any, ...]]],
    lineage: tuple[str, str, str],
    *,
    create: bool = False,
) -> None:
    """Plain SQL through the warehouse session; each value cast to its column's type, so
    PostgreSQL does not have to guess the type of a text parameter."""
    with warehouse.transaction() as session:
        if create:
            for statement in RAW_TABLES_DDL.read_text().split(";"):
                sql = "\n".join(
                    line for line in statement.splitlines() if not line.startswith("--")
                )
                if sql.strip():
                    session.execute(sql)
        for table, rows in rows_by_table.items():
            # a scenario row is the data columns then the lineage; what the loader keeps
            # beside them (_deleted_at, _extras) stays NULL, as for a row never deleted
            columns = session.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'raw' and table_name = ? "
                f"and column_name not in ('{DELETED_AT_COLUMN}', '{EXTRAS_COLUMN}') "
                "order by ordinal_position",
                [table],
            ).fetchall()
            names = ", ".join(name for name, _ in columns)
            values = ", ".join(f"cast(? as {data_type})" for _, data_type in columns)
            for row in rows:
                session.execute(
                    f"insert into raw.{table} ({names}) values ({values})", [*row, *lineage]
                )


def _build(dbt: PlatformDbtCliResource, warehouse: Warehouse) -> None:
    dbt_vars = {"dora_as_of": AS_OF, "dora_window_days": 28, "dora_mode": "default"}
    arguments = ["build", "--select", " ".join(DORA_SELECTION), "--vars", json.dumps(dbt_vars)]
    # the resource's file is named in the same --vars as the DORA settings on DuckDB
    named = warehouse_arguments(warehouse)
    if named:
        arguments[-1] = json.dumps({**dbt_vars, **json.loads(named[1])})
    invocation = dbt.cli(arguments, warehouse=warehouse, raise_on_error=False)
    invocation.wait()
    # the key travels in dbt's environment, never on its command line
    assert PII_KEY.encode().hex() not in " ".join(map(str, invocation.process.args))
    results = invocation.get_artifact("run_results.json")["results"]
    passed = ("success", "pass")
    failed = {r["unique_id"]: r["message"] for r in results if r["status"] not in passed}
    assert invocation.is_successful() and not failed, (failed, invocation.get_error())


def _rows(warehouse: Warehouse, sql: str) -> list[tuple[Any, ...]]:
    with warehouse.connect() as session:
        return session.execute(sql).fetchall()


def _sorted(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    def key(row: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(
            (0, "") if v is None else (1, round(v, 6)) if isinstance(v, float) else (2, str(v))
            for v in row
        )

    return sorted(rows, key=key)


def _same(duckdb_value: Any, postgres_value: Any) -> bool:
    if isinstance(duckdb_value, float) and isinstance(postgres_value, float):
        return math.isclose(duckdb_value, postgres_value, rel_tol=1e-9, abs_tol=1e-9)
    return bool(duckdb_value == postgres_value)


def _assert_same_marts(duckdb_warehouse: Warehouse, postgres_warehouse: Warehouse) -> None:
    for mart in MARTS:
        query = f"select * from marts.{mart}"
        on_duckdb = _sorted(_rows(duckdb_warehouse, query))
        on_postgres = _sorted(_rows(postgres_warehouse, query))
        assert on_duckdb, f"marts.{mart} is empty: the comparison would prove nothing"
        assert len(on_duckdb) == len(on_postgres), mart
        for duckdb_row, postgres_row in zip(on_duckdb, on_postgres, strict=True):
            assert all(map(_same, duckdb_row, postgres_row)), (mart, duckdb_row, postgres_row)


def test_the_dora_marts_on_postgres_equal_those_on_duckdb(
    dbt: PlatformDbtCliResource, duckdb_warehouse: Warehouse, postgres_warehouse: Warehouse
) -> None:
    for warehouse in (duckdb_warehouse, postgres_warehouse):
        _build(dbt, warehouse)
    _assert_same_marts(duckdb_warehouse, postgres_warehouse)

    # the key reached PostgreSQL through PGOPTIONS: pgcrypto's pseudonym is Python's HMAC
    expected = hmac.new(PII_KEY.encode(), b"alice", hashlib.sha256).hexdigest()
    authors = _rows(
        postgres_warehouse, "select distinct author_hash from staging.stg_dora__commits"
    )
    assert (expected,) in authors

    for warehouse in (duckdb_warehouse, postgres_warehouse):
        _land(warehouse, SECOND_LOAD, SECOND_LINEAGE)
        _build(dbt, warehouse)
    _assert_same_marts(duckdb_warehouse, postgres_warehouse)
    # the second build replaced units (its watermark moved past the last full build)
    # and saw the new deployment
    assert _rows(
        postgres_warehouse,
        "select cast(count(*) as bigint) from ops.incremental_replace_state "
        "where watermark > full_built_at",
    ) != [(0,)]
    assert _rows(
        postgres_warehouse,
        "select attributed_deployment_id from marts.fct_incident_recovery where incident_id = 'I6'",
    ) == [("D11",)]
