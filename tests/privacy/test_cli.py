"""``platform-assets erase`` and ``platform-assets retention purge`` on a real DuckDB file."""

from __future__ import annotations

import pytest

from platform_assets.cli.main import main
from platform_assets.integrations.dbt.pii_key import PII_HMAC_KEY_ENV
from platform_assets.warehouse import Warehouse
from tests.privacy.customer_warehouse import CUSTOMER_A, seed_customer_warehouse, table_rows


@pytest.fixture
def warehouse(tmp_path, monkeypatch) -> Warehouse:
    monkeypatch.setenv(PII_HMAC_KEY_ENV, "k" * 32)
    warehouse = Warehouse(database=str(tmp_path / "warehouse.duckdb"))
    seed_customer_warehouse(warehouse)
    return warehouse


def erase(warehouse: Warehouse, *arguments: str) -> int:
    return main(["erase", "--warehouse", str(warehouse.path), *arguments])


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

    with warehouse.transaction() as connection:
        connection.execute("update ops.erasure_log set reason = 'other'")

    assert erase(warehouse, "--verify-log") == 1
    assert "edited" in capsys.readouterr().err


def test_retention_purge_reports_per_table(warehouse, tmp_path, capsys):
    config = tmp_path / "retention.yaml"
    config.write_text("tables:\n  ops.quarantine: {column: quarantined_at, days: 1}\n")
    arguments = ["retention", "purge", "--warehouse", str(warehouse.path), "--config"]

    assert main([*arguments, str(config), "--dry-run"]) == 0
    assert "ops.quarantine: would purge 3 row(s)" in capsys.readouterr().out
    assert main([*arguments, str(config)]) == 0
    assert "3 row(s) purged" in capsys.readouterr().out
    assert table_rows(warehouse, "ops.quarantine") == []


def test_retention_purge_with_a_bad_config_exits_1(warehouse, tmp_path, capsys):
    config = tmp_path / "retention.yaml"
    config.write_text("tables:\n  quarantine: {column: quarantined_at, days: 1}\n")

    assert (
        main(["retention", "purge", "--warehouse", str(warehouse.path), "--config", str(config)])
        == 1
    )
    assert "schema.table" in capsys.readouterr().err
