"""The customer domain end to end on real parts: the project's definitions with
``PLATFORM_CUSTOMER_SOURCE=live``, a fake Dataverse and two fake weather APIs over
loopback, real workbooks in a folder, real dbt, a real DuckDB file, a real Dagster
instance, and the real ``platform-assets erase``.

This is the integration test the customer domain's Beta and GA assets claim
(BETA.INTEGRATION_TESTED): one run lands, validates, links and publishes; a rerun with
nothing changed gives identical tables; an erased customer stays erased when the sources
send them again; a contact the CRM deletes leaves silver's linkage input and gold.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from platform_assets.cli.main import main as platform_assets_cli
from platform_assets.domains.customer.sources import customer_source_from_env
from platform_assets.stages.contract_metadata import DOMAIN_TAG
from tests.integration.customer_sources import (
    DELETED_CONTACT,
    DUPLICATES,
    ERASED_CONTACT,
    ERASED_EMAIL,
    FAILING_AREA,
    FALLBACK_NAME,
    INVALID_EMAIL_CONTACT,
    LATER_ROW,
    UNREADABLE_WORKBOOK,
    WORKBOOK,
    WORKBOOK_ROWS,
    live_customer_sources,
)
from tests.integration.pipeline_runs import project_job, schema_tables

CUSTOMER_SCHEMAS = ("bronze", "silver", "gold")
#: The whole domain: bronze, contact validation, the dbt silver and gold models and
#: reference seeds, identity resolution, the dashboard and the retention purge.
CUSTOMER_GRAPH = dg.AssetSelection.tag(DOMAIN_TAG, "customer").upstream()


def _run(defs: dg.Definitions, instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    """One run of the customer graph with every check passing. The source resource is
    the one the environment configures now: the project's definitions may have been
    imported (by another test) before this test set ``PLATFORM_CUSTOMER_SOURCE``."""
    result = project_job(defs, "customer_pipeline", CUSTOMER_GRAPH).execute_in_process(
        instance=instance,
        resources={"customer_source": customer_source_from_env()},
        raise_on_error=False,
    )
    failed_steps = [event.message for event in result.all_events if event.is_step_failure]
    assert result.success, failed_steps
    failed_checks = [
        f"{e.asset_key.to_user_string()}:{e.check_name}: {e.description}"
        for e in result.get_asset_check_evaluations()
        if not e.passed
    ]
    assert failed_checks == []
    return result


def _tables(path: Path) -> dict[str, pl.DataFrame]:
    return schema_tables(path, CUSTOMER_SCHEMAS)


def _query(path: Path, sql: str, *parameters: object) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(sql, list(parameters)).fetchall()


def _tables_naming(path: Path, needles: list[str]) -> list[str]:
    """``schema.table.column`` of every customer-layer table and of ops.quarantine
    holding a value that contains one of ``needles`` (case-insensitive)."""
    found = []
    for name, frame in _tables(path).items():
        found += _columns_naming(name, frame, needles)
    with duckdb.connect(str(path), read_only=True) as connection:
        quarantine = connection.sql("select * from ops.quarantine").pl()
    return found + _columns_naming("ops.quarantine", quarantine, needles)


def _columns_naming(name: str, frame: pl.DataFrame, needles: list[str]) -> list[str]:
    return [
        f"{name}.{column}"
        for column in frame.columns
        # str() reaches into lists and structs (silver's quality_issues), a cast does not
        if frame[column]
        .map_elements(str, return_dtype=pl.String)
        .str.to_lowercase()
        .str.contains_any([needle.lower() for needle in needles])
        .any()
    ]


def _gold_naming(path: Path, needles: list[str]) -> list[str]:
    return [
        column
        for name, frame in _tables(path).items()
        if name.startswith("gold.")
        for column in _columns_naming(name, frame, needles)
    ]


def _customer_key(path: Path, source_record_id: str) -> str:
    ((key,),) = _query(
        path,
        "select customer_key from gold.customer_source_xref where source_record_id = ?",
        source_record_id,
    )
    return str(key)


def _bronze_metadata(result: dg.ExecuteInProcessResult, table: str, name: str) -> object:
    (materialization,) = [
        event.step_materialization_data.materialization
        for event in result.get_asset_materialization_events()
        if event.asset_key == dg.AssetKey(["bronze", table])
    ]
    return materialization.metadata[name].value


def _assert_first_run(path: Path) -> None:
    # the three CRM records of one person are one customer, one row of dim_customer
    (ada,) = {_customer_key(path, record) for record in DUPLICATES}
    assert _query(path, "select count(*) from gold.dim_customer where customer_key = ?", ada) == [
        (1,)
    ]
    assert _query(
        path, "select count(*) from gold.dim_customer where lower(last_name) = 'lovelace'"
    ) == [(1,)]
    # the person in the CRM and in a workbook is one customer too
    assert _customer_key(path, f"crm:{ERASED_CONTACT}") == _customer_key(
        path, f"spreadsheet:{WORKBOOK}:Customers:2"
    )

    # the invalid email: NULL in silver, its reason (not its value) in the issues
    assert _query(
        path,
        "select email from silver.customer_crm_contacts where contactid = ?",
        INVALID_EMAIL_CONTACT,
    ) == [(None,)]
    ((raw_value_hmac, reason),) = _query(
        path,
        "select raw_value_hmac, reason from silver.customer_data_quality_issues "
        "where source_record_id = ? and column_name = 'email'",
        f"crm:{INVALID_EMAIL_CONTACT}",
    )
    assert reason.startswith("email: ") and "@" not in raw_value_hmac

    # the area the primary failed for has the fallback's weather, every other the primary's
    provenance = dict(
        _query(
            path,
            "select (country_code, postal_code) = (?, ?), list(distinct weather_source) "
            "from bronze.weather_daily group by 1",
            *FAILING_AREA,
        )
    )
    assert provenance == {True: [f"fallback:{FALLBACK_NAME}"], False: ["open-meteo"]}
    assert _query(
        path, "select count(*) from silver.customer_weather_completeness where is_missing"
    ) == [(0,)]

    # the unreadable workbook is quarantined whole, with its reason
    ((reason,),) = _query(
        path,
        "select reason from ops.quarantine where entity = 'spreadsheet_customers' "
        "and record_key = ?",
        UNREADABLE_WORKBOOK,
    )
    assert "not a readable .xlsx workbook" in reason

    # the consumer table holds no email of any source record
    emails = [
        email
        for (email,) in _query(
            path,
            "select distinct emailaddress1 from bronze.crm_contacts where emailaddress1 is not "
            "null union select distinct email from bronze.spreadsheet_customers "
            "where email is not null",
        )
    ]
    assert ERASED_EMAIL in emails
    profile = _tables(path)["gold.consumer_customer_profile"]
    assert profile.height > 0
    assert _columns_naming("gold.consumer_customer_profile", profile, emails) == []


def _erase(path: Path, customer_key: str) -> None:
    arguments = ["--customer-key", customer_key, "--reason", "TICKET-12"]
    assert platform_assets_cli(["erase", *arguments, "--warehouse", str(path)]) == 0


def _assert_rerun_identical(path: Path, defs: dg.Definitions, instance: dg.DagsterInstance) -> None:
    """Nothing changed at the sources: every table identical, no column excluded (the
    loader's lineage columns do not move either: an unchanged row is not rewritten)."""
    before = _tables(path)
    _run(defs, instance)
    after = _tables(path)
    assert after.keys() == before.keys()
    changed = [name for name in before if not before[name].equals(after[name])]
    assert changed == [], "a rerun must leave every table identical"


# A literal list: the stage audit reads the claim from the source without running it.
@pytest.mark.integration(
    covers=[
        "group:customer_bronze",
        "group:customer_silver",
        "group:customer_gold",
        "group:customer_reference",
        "group:customer_dashboards",
        "group:customer_ops",
    ]
)
def test_the_customer_view_builds_from_live_sources_reruns_identically_and_keeps_erasures(
    integration_instance, warehouse_path, tmp_path, monkeypatch
):
    from platform_assets.definitions import defs

    with live_customer_sources(tmp_path, monkeypatch) as sources:
        _run(defs, integration_instance)
        _assert_first_run(warehouse_path)
        _assert_rerun_identical(warehouse_path, defs, integration_instance)

        customer_key = _customer_key(warehouse_path, f"crm:{ERASED_CONTACT}")
        naming_them = [customer_key, ERASED_CONTACT, ERASED_EMAIL, "somerville", "900104"]
        assert _tables_naming(warehouse_path, naming_them) != []
        _erase(warehouse_path, customer_key)
        assert _tables_naming(warehouse_path, naming_them) == []
        deleted = f"crm:{DELETED_CONTACT}"
        assert _query(
            warehouse_path,
            "select count(*) from silver.customer_records where source_record_id = ?",
            deleted,
        ) == [(1,)]
        naming_deleted = [DELETED_CONTACT, "grace.hopper", "hopper"]
        assert _gold_naming(warehouse_path, naming_deleted) != []

        # One more read (one run: each costs four dbt invocations): both sources send the
        # erased person again (the CRM changed them, the workbook gained a row and is
        # read again whole), and the CRM's delta reports a contact deleted.
        sources.touch_contact(ERASED_CONTACT)
        sources.write_workbook([*WORKBOOK_ROWS, LATER_ROW])
        sources.dataverse.delete("contacts", DELETED_CONTACT)
        result = _run(defs, integration_instance)

        assert _bronze_metadata(result, "crm_contacts", "rows_suppressed") == 1
        assert _bronze_metadata(result, "spreadsheet_customers", "rows_suppressed") == 1
        assert _tables_naming(warehouse_path, naming_them) == []
        assert _query(
            warehouse_path,
            "select count(*) from silver.customer_records where last_name = 'Franklin'",
        ) == [(1,)]

        assert _query(
            warehouse_path,
            "select _deleted_at is not null from bronze.crm_contacts where contactid = ?",
            DELETED_CONTACT,
        ) == [(True,)]
        assert _query(
            warehouse_path,
            "select count(*) from silver.customer_records where source_record_id = ?",
            deleted,
        ) == [(0,)]
        assert _gold_naming(warehouse_path, naming_deleted) == []
