"""``platform-assets erase`` and ``platform-assets retention purge`` on a real DuckDB file
(named by ``--warehouse``) and on a real PostgreSQL database (named by
``PLATFORM_POSTGRES_URL``, as a deployment names it)."""

from __future__ import annotations

import pytest

from platform_assets.cli.main import main
from platform_assets.integrations.dbt.pii_key import PII_HMAC_KEY_ENV
from platform_assets.settings import POSTGRES_URL_ENV
from platform_assets.warehouse import Warehouse
from tests.privacy.customer_warehouse import CUSTOMER_A, seed_customer_warehouse, table_rows


@pytest.fixture
def warehouse(any_warehouse: Warehouse, monkeypatch) -> Warehouse:
    """A seeded warehouse the CLI finds: PostgreSQL through the environment."""
    monkeypatch.setenv(PII_HMAC_KEY_ENV, "k" * 32)
    if any_warehouse.dialect == "postgres":
        monkeypatch.setenv(POSTGRES_URL_ENV, any_warehouse.postgres_url)
    seed_customer_warehouse(any_warehouse)
    return any_warehouse


def warehouse_option(warehouse: Warehouse) -> list[str]:
    """``--warehouse`` names a DuckDB file; PostgreSQL comes from the environment."""
    return [] if warehouse.dialect == "postgres" else ["--warehouse", str(warehouse.path)]


def erase(warehouse: Warehouse, *arguments: str) -> int:
    return main(["erase", *warehouse_option(warehouse), *arguments])


def test_erase_by_key_exits_0_and_reports_the_rows_per_table(warehouse, capsys):
    assert erase(warehouse, "--customer-key", CUSTOMER_A, "--reason", "DSR-1") == 0

    out = capsys.readouterr().out
    assert "bronze.crm_contacts: removed 2 row(s)" in out
    assert "1 customer(s), 3 source record(s) erased, 3 added to the suppression list" in out
    assert CUSTOMER_A not in repr(table_rows(warehouse, "gold.customer_source_xref"))


def test_a_missing_customer_exits_1_with_the_reason(warehouse, capsys):
    assert erase(warehouse, "--customer-key", "cust_0000000000000000", "--reason", "x") == 1

    assert "no customer 'cust_0000000000000000'" in capsys.readouterr().err


def test_an_erasure_without_a_reason_is_refused(warehouse, capsys):
    assert erase(warehouse, "--email", "jane.doe@example.com") == 1

    assert "--reason is required" in capsys.readouterr().err
    assert len(table_rows(warehouse, "gold.customer_source_xref")) == 3


def test_a_dry_run_says_so_and_changes_nothing(warehouse, capsys):
    assert erase(warehouse, "--email", "jane.doe@example.com", "--reason", "x", "--dry-run") == 0

    out = capsys.readouterr().out
    assert "would remove" in out and "nothing was changed" in out
    assert len(table_rows(warehouse, "gold.customer_source_xref")) == 3


def test_verify_log_exits_0_on_an_intact_chain_and_1_on_an_edited_one(warehouse, capsys):
    erase(warehouse, "--customer-key", CUSTOMER_A, "--reason", "DSR-1")
    assert erase(warehouse, "--verify-log") == 0
    assert "1 erasure log entries" in capsys.readouterr().out

    with warehouse.transaction() as session:
        session.execute("update ops.erasure_log set reason = 'other'")

    assert erase(warehouse, "--verify-log") == 1
    assert "edited" in capsys.readouterr().err


def test_retention_purge_reports_per_table(warehouse, tmp_path, capsys):
    config = tmp_path / "retention.yaml"
    config.write_text("tables:\n  ops.quarantine: {column: quarantined_at, days: 1}\n")
    arguments = ["retention", "purge", *warehouse_option(warehouse), "--config"]

    assert main([*arguments, str(config), "--dry-run"]) == 0
    assert "ops.quarantine: would purge 3 row(s)" in capsys.readouterr().out
    assert main([*arguments, str(config)]) == 0
    assert "3 row(s) purged" in capsys.readouterr().out
    assert table_rows(warehouse, "ops.quarantine") == []


def test_retention_purge_with_a_bad_config_exits_1(warehouse, tmp_path, capsys):
    config = tmp_path / "retention.yaml"
    config.write_text("tables:\n  quarantine: {column: quarantined_at, days: 1}\n")

    arguments = ["retention", "purge", *warehouse_option(warehouse), "--config", str(config)]

    assert main(arguments) == 1
    assert "schema.table" in capsys.readouterr().err


@pytest.mark.postgres
def test_erasing_on_postgresql_needs_the_key_from_the_environment(
    postgres_url, monkeypatch, capsys
):
    monkeypatch.setenv(POSTGRES_URL_ENV, postgres_url)
    monkeypatch.delenv(PII_HMAC_KEY_ENV, raising=False)
    warehouse = Warehouse(postgres_url=postgres_url)
    seed_customer_warehouse(warehouse)

    assert erase(warehouse, "--customer-key", CUSTOMER_A, "--reason", "DSR-1") == 2

    assert f"{PII_HMAC_KEY_ENV} is not set" in capsys.readouterr().err
    assert len(table_rows(warehouse, "gold.customer_source_xref")) == 3


@pytest.mark.postgres
def test_an_explicit_duckdb_file_wins_over_the_postgresql_environment(
    postgres_url, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv(POSTGRES_URL_ENV, postgres_url)
    monkeypatch.setenv(PII_HMAC_KEY_ENV, "k" * 32)
    duckdb_file = Warehouse(database=str(tmp_path / "warehouse.duckdb"))
    seed_customer_warehouse(duckdb_file)

    assert erase(duckdb_file, "--customer-key", CUSTOMER_A, "--reason", "DSR-1") == 0

    assert CUSTOMER_A not in repr(table_rows(duckdb_file, "gold.customer_source_xref"))
