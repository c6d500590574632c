"""The customer macros on PostgreSQL, through real dbt against the throwaway server: the
pgcrypto pseudonym equals Python's :func:`hmac.new` under the key dbt's connection gets
as a session setting (PGOPTIONS, hex), a connection without the key fails rather than
write NULL pseudonyms, a GA model refuses a key that is not from the environment, and
the standardising and masking macros give DuckDB's results on a server under the C
locale (the test cluster's, and a common server default)."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from dbt.cli.main import dbtRunnerResult

from platform_assets.integrations.postgres.grants import set_up_warehouse
from platform_assets.warehouse import Warehouse
from platform_assets.warehouse.roles import role_name
from tests.customer.conftest import TEST_PII_KEY
from tests.customer.test_customer_models import DBT_PROJECT_DIR
from tests.dbt_invocation import invoke_dbt
from tests.postgres_server import PostgresServer

pytestmark = pytest.mark.postgres

VALUES = [
    "alice@example.com",
    "Émile Zola",
    "ΟΔΟΣ",
    "",
    "  jean-PAUL  de la\tTOUR ",
    "o'BRIEN",
    "--a--",
    "2023-1-5",
    "2024-02-29",
    "2023-02-30",
    "0-01-01",
    "02023-01-05",
    "1990-05-17 10:00",
    "17/05/1980",
    "+441234567890",
    None,
]


def _sql_literal(value: str | None) -> str:
    if value is None:
        return "null"
    return "'" + value.replace("'", "''").replace("\t", "' || chr(9) || '") + "'"


#: Each macro over every value of VALUES, one row per value (dbt show).
MACROS_QUERY = (
    "select position, {{ pii_hmac('raw') }} as pseudonym, {{ clean_text('raw') }} as clean,"
    " {{ title_case('raw') }} as title, {{ country_lookup_name('raw') }} as country_name,"
    " {{ postal_code_form('raw') }} as postal_code, {{ mask_email('raw') }} as email_masked,"
    " {{ mask_phone('raw') }} as phone_masked, {{ birth_date('raw') }} as birth_date,"
    " {{ birth_date_invalid_reason('raw') }} as birth_date_reason"
    " from (values "
    + ", ".join(f"({position}, {_sql_literal(value)})" for position, value in enumerate(VALUES))
    + ") as raw_values (position, raw) order by position"
)


def _use_postgres(
    monkeypatch: pytest.MonkeyPatch, url: str, key_hex: str | None, origin: str = "environment"
) -> None:
    """The environment the platform's dbt resource gives dbt for a PostgreSQL warehouse."""
    parsed = urlparse(url)
    monkeypatch.setenv("PLATFORM_DBT_TARGET", "postgres")
    monkeypatch.setenv("PLATFORM_PG_HOST", parsed.hostname or "")
    monkeypatch.setenv("PLATFORM_PG_PORT", str(parsed.port))
    monkeypatch.setenv("PLATFORM_PG_USER", parsed.username or "")
    monkeypatch.setenv("PLATFORM_PG_DATABASE", parsed.path.lstrip("/"))
    monkeypatch.setenv("PLATFORM_PG_ROLE", role_name("transformer"))
    options = [f"-c platform.pii_hmac_key_origin={origin}"]
    if key_hex is not None:
        options.append(f"-c platform.pii_hmac_key={key_hex}")
    monkeypatch.setenv("PGOPTIONS", " ".join(options))


def _dbt(workdir: Path, *arguments: str) -> dbtRunnerResult:
    return invoke_dbt(DBT_PROJECT_DIR, workdir, *arguments)


def _show(workdir: Path, query: str) -> list[dict[str, Any]]:
    result = _dbt(workdir, "show", "--inline", query, "--limit", "-1")
    assert result.success, result.exception
    (node,) = result.result or []
    table = node.agate_table
    return [
        {
            name: None if value is None else str(value)
            for name, value in zip(table.column_names, row, strict=True)
        }
        for row in table.rows
    ]


def _bc_as_postgres_writes_it(row: dict[str, Any]) -> dict[str, Any]:
    """The same day: DuckDB writes a date before year 1 as "0001-01-01 (BC)", PostgreSQL
    as "0001-01-01 BC"."""
    birth_date = row["birth_date"]
    if birth_date is not None:
        birth_date = birth_date.replace(" (BC)", " BC")
    return {**row, "birth_date": birth_date}


@pytest.fixture
def warehouse_database(postgres_server: PostgresServer) -> str:
    """A fresh database as `platform-assets warehouse setup` leaves it: pgcrypto, the
    schemas and the roles dbt takes (transformer) and grants to (analyst, consumer)."""
    url = postgres_server.create_database()
    with Warehouse(postgres_url=url).transaction() as session:
        set_up_warehouse(session)
    return url


@pytest.fixture(autouse=True)
def _no_usage_stats(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")


def test_the_postgresql_pseudonym_is_pythons_hmac_sha256_under_the_session_key(
    warehouse_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use_postgres(monkeypatch, warehouse_database, TEST_PII_KEY.encode().hex())

    rows = _show(tmp_path, MACROS_QUERY)

    assert [row["pseudonym"] for row in rows] == [
        None
        if value is None
        else hmac.new(TEST_PII_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()
        for value in VALUES
    ]


def test_a_connection_without_the_key_fails_naming_the_session_setting(
    warehouse_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use_postgres(monkeypatch, warehouse_database, key_hex=None)

    result = _dbt(tmp_path, "show", "--inline", "select {{ pii_hmac(\"'x'\") }} as pseudonym")

    assert not result.success
    assert "pii_hmac: this connection has no pseudonym key" in str(result.exception)
    assert "platform.pii_hmac_key" in str(result.exception)


def test_the_macros_give_duckdbs_results_on_a_c_locale_server(
    warehouse_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLATFORM_CUSTOMER_AS_OF", "2026-12-07")
    monkeypatch.setenv("PLATFORM_DBT_TARGET", "local")
    monkeypatch.setenv("PLATFORM_WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    on_duckdb = _show(tmp_path / "duckdb", MACROS_QUERY)
    _use_postgres(monkeypatch, warehouse_database, TEST_PII_KEY.encode().hex())

    on_postgres = _show(tmp_path / "postgres", MACROS_QUERY)

    assert [_bc_as_postgres_writes_it(row) for row in on_duckdb] == on_postgres
    by_value = dict(zip(VALUES, on_postgres, strict=True))
    assert by_value["Émile Zola"]["title"] == "Émile Zola"
    assert by_value["  jean-PAUL  de la\tTOUR "]["title"] == "Jean-Paul De La Tour"
    assert by_value["2023-02-30"]["birth_date_reason"] == "birth_date: not a YYYY-MM-DD date"


def _land_weather(url: str) -> None:
    """One bronze weather row, landed as ingestion lands it (the loader role)."""
    with Warehouse(postgres_url=url).connect(role="loader") as session:
        session.execute(
            "create table bronze.weather_daily ("
            " country_code text, postal_code text, observed_on date,"
            " temperature_max_c double precision, temperature_min_c double precision,"
            " precipitation_mm double precision, weather_source text,"
            " _source text, _loaded_at timestamptz, _run_id text, _row_hash text)"
        )
        session.execute(
            "insert into bronze.weather_daily values ('gb', 'b1 4rn', date '2024-06-01',"
            " 20, 10, 1.5, 'open-meteo', 'demo', now(), 'run', 'hash')"
        )


def _build_weather(workdir: Path) -> dbtRunnerResult:
    return _dbt(workdir, "run", "--select", "customer_weather_daily")


def test_a_ga_model_refuses_a_key_not_from_the_environment(
    postgres_server: PostgresServer,
    warehouse_database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _land_weather(warehouse_database)
    _use_postgres(monkeypatch, warehouse_database, TEST_PII_KEY.encode().hex(), origin="file")

    refused = _build_weather(tmp_path)

    assert not refused.success
    message = " ".join(str(node.message) for node in (refused.result or []))
    assert "PLATFORM_PII_HMAC_KEY is not set (key origin: file)" in message
    assert "the ga model customer_weather_daily refuses" in message

    _use_postgres(monkeypatch, warehouse_database, TEST_PII_KEY.encode().hex())
    built = _build_weather(tmp_path)
    assert built.success, [str(node.message) for node in (built.result or [])]
    weather = postgres_server.psql(
        urlparse(warehouse_database).path.lstrip("/"),
        "select country_code, postal_code from silver.customer_weather_daily",
    )
    assert weather.strip() == "GB|B1 4RN"
