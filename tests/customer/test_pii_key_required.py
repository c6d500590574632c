"""Beta and GA customer assets refuse to run with the key generated beside the warehouse:
the bronze loads and the dbt models alike name PLATFORM_PII_HMAC_KEY, and run once it is
set (docs/personal-data.md)."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import dagster as dg
import pytest

from platform_assets.domains.customer.raw_assets import CUSTOMER_LANDING, bronze_assets
from platform_assets.domains.customer.sources import customer_source_from_env
from platform_assets.integrations.dbt.pii_key import PII_HMAC_KEY_ENV
from platform_assets.warehouse import Warehouse, WarehouseIOManager
from tests.customer.test_customer_models import AS_OF, DBT_PROJECT_DIR, land
from tests.dbt_invocation import invoke_dbt


def _run_silver_model(warehouse: Path, workdir: Path) -> tuple[bool, str]:
    result = invoke_dbt(
        DBT_PROJECT_DIR,
        workdir,
        "build",
        "--select",
        "country_codes",
        "postal_areas",
        "customer_crm_contacts",
        "--exclude-resource-type",
        "test",
        "--vars",
        json.dumps({"customer_as_of": AS_OF}),
    )
    messages = " ".join(str(node.message) for node in (result.result or []))
    return result.success, messages


def test_a_ga_silver_model_refuses_the_generated_key_and_runs_with_a_configured_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    land(warehouse)
    monkeypatch.setenv("PLATFORM_WAREHOUSE_PATH", str(warehouse))
    monkeypatch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    monkeypatch.delenv(PII_HMAC_KEY_ENV, raising=False)

    success, message = _run_silver_model(warehouse, tmp_path)
    assert not success
    assert PII_HMAC_KEY_ENV in message
    assert "customer_crm_contacts" in message

    monkeypatch.setenv(PII_HMAC_KEY_ENV, secrets.token_hex(32))
    success, message = _run_silver_model(warehouse, tmp_path)
    assert success, message


def test_a_ga_bronze_load_refuses_to_run_without_a_configured_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PII_HMAC_KEY_ENV, raising=False)
    monkeypatch.setenv("PLATFORM_CUSTOMER_DEMO_PEOPLE", "20")
    (bronze,) = [a for a in bronze_assets if a.key == dg.AssetKey(["bronze", "crm_contacts"])]
    database = str(tmp_path / "warehouse.duckdb")
    resources = {
        CUSTOMER_LANDING.source_key: customer_source_from_env(),
        "warehouse": Warehouse(database=database),
        "warehouse_io_manager": WarehouseIOManager(database=database),
    }

    with pytest.raises(Exception, match=PII_HMAC_KEY_ENV):
        dg.materialize([bronze], resources=resources, selection=[bronze.key])
    assert not (tmp_path / "warehouse.duckdb").exists()

    monkeypatch.setenv(PII_HMAC_KEY_ENV, secrets.token_hex(32))
    result = dg.materialize([bronze], resources=resources, selection=[bronze.key])
    assert result.success
