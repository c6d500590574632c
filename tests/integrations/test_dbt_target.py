"""What the platform's dbt resource adds to a dbt process's environment for each warehouse:
the profile's target, the PostgreSQL connection from the warehouse URL (decoded), the
transformer role, and the pseudonym key as session settings. (That dbt builds with them
is tests/integrations/test_dbt_postgres.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from platform_assets.integrations.dbt.target import adopt_libpq_variables, dbt_target_environment
from platform_assets.warehouse import Warehouse

KEY = "k" * 40


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLATFORM_PII_HMAC_KEY", KEY)
    monkeypatch.delenv("PGOPTIONS", raising=False)
    monkeypatch.delenv("PLATFORM_POSTGRES_ROLE_PREFIX", raising=False)


def test_duckdb_selects_the_local_target_and_nothing_else(tmp_path: Path) -> None:
    warehouse = Warehouse(database=str(tmp_path / "warehouse.duckdb"))
    assert dbt_target_environment(warehouse) == {"PLATFORM_DBT_TARGET": "local"}


def test_postgres_connection_role_and_key_come_from_the_url_and_the_environment() -> None:
    warehouse = Warehouse(
        postgres_url="postgresql://dbt%40corp:p%40ss%3Aw%2Frd@db.internal:6543/my%20dw?sslmode=require"
    )
    environment = dbt_target_environment(warehouse)
    assert environment == {
        "PLATFORM_DBT_TARGET": "postgres",
        "PLATFORM_PG_HOST": "db.internal",
        "PLATFORM_PG_PORT": "6543",
        "PLATFORM_PG_USER": "dbt@corp",
        "PLATFORM_PG_PASSWORD": "p@ss:w/rd",
        "PLATFORM_PG_DATABASE": "my dw",
        "PLATFORM_DBT_PGSSLMODE": "require",
        "PLATFORM_PG_ROLE": "platform_transformer",
        "PLATFORM_DBT_PGOPTIONS": "-c role=platform_transformer"
        f" -c platform.pii_hmac_key={KEY.encode().hex()}"
        " -c platform.pii_hmac_key_origin=environment",
    }


def test_options_already_set_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGOPTIONS", "-c statement_timeout=0")
    environment = dbt_target_environment(Warehouse(postgres_url="postgresql://u@h/d"))
    assert environment["PLATFORM_DBT_PGOPTIONS"].startswith("-c statement_timeout=0 -c role=")


def test_the_generated_key_file_is_the_data_directorys_and_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PLATFORM_PII_HMAC_KEY")
    monkeypatch.setenv("PLATFORM_WAREHOUSE_PATH", str(tmp_path / "data" / "warehouse.duckdb"))
    environment = dbt_target_environment(Warehouse(postgres_url="postgresql://u@h/d"))
    key = (tmp_path / "data" / "pii_hmac.key").read_text().strip()
    assert f"platform.pii_hmac_key={key.encode().hex()}" in environment["PLATFORM_DBT_PGOPTIONS"]
    assert environment["PLATFORM_DBT_PGOPTIONS"].endswith("platform.pii_hmac_key_origin=file")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql://u@h/d?application_name=x", "takes no application_name"),
        ("postgresql://h/d", "no user"),
        ("postgresql://u@h", "no database"),
    ],
)
def test_a_url_dbt_cannot_use_is_refused_with_what_to_change(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        dbt_target_environment(Warehouse(postgres_url=url))


def test_libpq_variables_reach_the_dbt_process_only() -> None:
    """The run worker's own libpq (the instance's PostgreSQL storage) must never see the
    transformer role: the variables carry platform names until platform-dbt adopts them."""
    environment = dbt_target_environment(
        Warehouse(postgres_url="postgresql://login:pw@db.internal:5433/platform?sslmode=require")
    )
    assert not {"PGOPTIONS", "PGSSLMODE"} & set(environment)
    child = dict(environment)
    adopt_libpq_variables(child)
    assert child["PGOPTIONS"] == environment["PLATFORM_DBT_PGOPTIONS"]
    assert child["PGSSLMODE"] == "require"
    assert not any(name.startswith("PLATFORM_DBT_PG") for name in child)
