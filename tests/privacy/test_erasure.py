from __future__ import annotations

import json
import threading
from datetime import UTC, datetime

import adbc_driver_manager
import duckdb
import pytest

from platform_assets.privacy.erasure import ErasureError, erase_customer
from platform_assets.privacy.erasure_log import append_erasure_entry, verify_erasure_log
from platform_assets.privacy.keyed_digest import (
    customer_key_digest,
    email_digest,
    record_key_digest,
)
from platform_assets.warehouse import Warehouse
from tests.privacy.customer_warehouse import (
    A_SHEET_ROW,
    CRM_SOURCE,
    CUSTOMER_A,
    CUSTOMER_B,
    KEY,
    SPREADSHEET_SOURCE,
    seed_customer_warehouse,
    table_rows,
)

ERASED_AT = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)

#: Every table with rows of customer A, and how many.
A_ROWS = {
    "bronze.crm_contacts": 2,
    "bronze.spreadsheet_customers": 1,
    "silver.customer_crm_contacts": 1,
    "silver.customer_spreadsheet_records": 1,
    "silver.customer_records": 2,
    "silver.customer_data_quality_issues": 1,
    "silver.contact_validation": 4,
    "gold.customer_source_xref": 2,
    "gold.customer_match_review": 1,
    "gold.dim_customer": 1,
    "gold.fct_customer_weather": 2,
    "gold.consumer_customer_profile": 1,
    "ops.quarantine": 2,
}


@pytest.fixture
def warehouse(any_warehouse: Warehouse) -> Warehouse:
    """The customer warehouse on DuckDB and on PostgreSQL: erasure runs unchanged on both."""
    seed_customer_warehouse(any_warehouse)
    return any_warehouse


def everything(warehouse: Warehouse) -> dict[str, list[tuple]]:
    return {table: table_rows(warehouse, table) for table in A_ROWS}


def mentions_customer_a(rows: list[tuple]) -> bool:
    text = repr(rows).lower()
    return any(v in text for v in (CUSTOMER_A, "c-1'", "c-0'", A_SHEET_ROW.lower(), "jane", "0001"))


def test_erasing_a_customer_removes_them_from_every_layer_and_keeps_the_others(warehouse):
    before = everything(warehouse)

    result = erase_customer(
        warehouse, key=KEY, customer_key=CUSTOMER_A, reason="ticket 42", now=ERASED_AT
    )

    after = everything(warehouse)
    assert {t: n for t, n in result.rows_removed.items() if n} == A_ROWS
    for table, rows in after.items():
        assert not mentions_customer_a(rows), table
        assert len(rows) == len(before[table]) - A_ROWS[table], table
    assert table_rows(warehouse, "gold.dim_customer")[0][0] == CUSTOMER_B
    assert len(table_rows(warehouse, "bronze.weather_daily")) == 1
    assert (result.customer_count, result.source_records, result.suppressed) == (1, 3, 3)


def test_rows_the_source_deleted_with_the_customers_email_are_erased_too(warehouse):
    erase_customer(warehouse, key=KEY, customer_key=CUSTOMER_A, reason="r")

    # c-0 (deleted, Jane's email) goes; c-9 (deleted, another email) stays
    assert [row[0] for row in table_rows(warehouse, "bronze.crm_contacts")] == ["c-2", "c-9"]


def test_the_suppression_list_holds_the_digests_the_ingestion_computes(warehouse):
    result = erase_customer(warehouse, key=KEY, customer_key=CUSTOMER_A, reason="r")

    rows = table_rows(warehouse, "ops.erasure_suppression")

    assert {(r[0], r[1], r[2], r[3], r[5]) for r in rows} == {
        (
            CRM_SOURCE,
            "crm_contacts",
            record_key_digest(KEY, CRM_SOURCE, "crm_contacts", "c-1"),
            email_digest(KEY, "jane.doe@example.com"),
            result.erasure_id,
        ),
        (
            CRM_SOURCE,
            "crm_contacts",
            record_key_digest(KEY, CRM_SOURCE, "crm_contacts", "c-0"),
            email_digest(KEY, "jane.doe@example.com"),
            result.erasure_id,
        ),
        (
            SPREADSHEET_SOURCE,
            "spreadsheet_customers",
            record_key_digest(KEY, SPREADSHEET_SOURCE, "spreadsheet_customers", A_SHEET_ROW),
            email_digest(KEY, "jane.doe@example.com"),
            result.erasure_id,
        ),
    }
    assert "jane" not in repr(rows).lower()


def test_the_erasure_log_records_counts_and_digests_and_names_no_one(warehouse):
    result = erase_customer(
        warehouse, key=KEY, customer_key=CUSTOMER_A, reason="ticket 42", now=ERASED_AT
    )

    [entry] = table_rows(warehouse, "ops.erasure_log")
    erasure_id, erased_at, digest, reason, rows_removed = entry[:5]
    assert erasure_id == result.erasure_id
    assert erased_at == ERASED_AT
    assert digest == customer_key_digest(KEY, [CUSTOMER_A])
    assert reason == "ticket 42"
    assert {t: n for t, n in json.loads(rows_removed).items() if n} == A_ROWS
    assert CUSTOMER_A not in repr(entry) and "jane" not in repr(entry).lower()


def test_an_email_resolves_to_the_customer_whatever_its_case(warehouse):
    result = erase_customer(warehouse, key=KEY, email="  JANE.doe@example.COM", reason="r")

    assert result.customer_count == 1
    assert [r[2] for r in table_rows(warehouse, "gold.customer_source_xref")] == [CUSTOMER_B]


def test_a_person_only_in_rows_the_source_deleted_is_erased_by_email(warehouse):
    result = erase_customer(warehouse, key=KEY, email="Ann@example.net", reason="r")

    assert (result.customer_count, result.source_records, result.suppressed) == (0, 1, 1)
    assert "c-9" not in repr(table_rows(warehouse, "bronze.crm_contacts"))
    [entry] = table_rows(warehouse, "ops.erasure_log")
    assert entry[2] == email_digest(KEY, "ann@example.net")


def test_a_missing_customer_is_a_clear_error_and_writes_nothing(warehouse):
    before = everything(warehouse)

    with pytest.raises(ErasureError, match="no customer 'cust_0000000000000000'"):
        erase_customer(warehouse, key=KEY, customer_key="cust_0000000000000000", reason="r")
    with pytest.raises(ErasureError, match="no customer has that email"):
        erase_customer(warehouse, key=KEY, email="nobody@example.com", reason="r")

    assert everything(warehouse) == before
    with warehouse.connect() as session:
        assert verify_erasure_log(session).entries == 0


def test_a_fresh_warehouse_has_no_one_to_erase(any_warehouse):
    with pytest.raises(ErasureError, match=r"no gold\.customer_source_xref"):
        erase_customer(any_warehouse, key=KEY, customer_key=CUSTOMER_A, reason="r")


def test_tables_not_built_yet_are_skipped(warehouse):
    with warehouse.transaction() as session:
        for table in ("silver.customer_records", "gold.dim_customer", "ops.quarantine"):
            session.execute(f"drop table {table}")

    result = erase_customer(warehouse, key=KEY, customer_key=CUSTOMER_A, reason="r")

    assert "gold.dim_customer" not in result.rows_removed
    assert result.rows_removed["bronze.crm_contacts"] == 2


def test_a_dry_run_counts_exactly_and_changes_nothing(warehouse):
    before = everything(warehouse)

    result = erase_customer(warehouse, key=KEY, customer_key=CUSTOMER_A, reason="r", dry_run=True)

    assert {t: n for t, n in result.rows_removed.items() if n} == A_ROWS
    assert result.dry_run
    assert everything(warehouse) == before
    with warehouse.connect() as session:
        assert verify_erasure_log(session).entries == 0


def test_a_failed_erasure_leaves_every_table_as_it_was(warehouse):
    # a suppression list without its erasure_id: the insert fails after every delete ran
    with warehouse.transaction() as session:
        session.execute("drop table if exists ops.erasure_suppression")
        session.execute(
            "create table ops.erasure_suppression (source VARCHAR, entity VARCHAR, "
            "record_key_digest VARCHAR, email_digest VARCHAR, suppressed_at TIMESTAMPTZ)"
        )
    before = everything(warehouse)

    with pytest.raises((duckdb.BinderException, adbc_driver_manager.ProgrammingError)) as error:
        erase_customer(warehouse, key=KEY, customer_key=CUSTOMER_A, reason="r")

    assert "erasure_id" in str(error.value)
    assert everything(warehouse) == before


def test_erasures_chain_in_the_log_and_the_chain_verifies(warehouse):
    first = erase_customer(warehouse, key=KEY, customer_key=CUSTOMER_A, reason="one")
    second = erase_customer(warehouse, key=KEY, customer_key=CUSTOMER_B, reason="two")

    with warehouse.connect() as session:
        verification = verify_erasure_log(session)
        rows = dict(
            session.execute(
                "select erasure_id, previous_entry_hash from ops.erasure_log"
            ).fetchall()
        )
        first_hash = session.execute(
            "select entry_hash from ops.erasure_log where erasure_id = ?", [first.erasure_id]
        ).fetchall()[0][0]

    assert verification.intact and verification.entries == 2
    assert rows[second.erasure_id] == first_hash


def test_the_chain_verifies_whatever_time_zone_reads_it(warehouse):
    erase_customer(warehouse, key=KEY, customer_key=CUSTOMER_A, reason="one", now=ERASED_AT)

    with warehouse.connect() as session:
        session.execute("set TimeZone = 'America/New_York'")
        verification = verify_erasure_log(session)

    assert verification.intact and verification.entries == 1


def test_an_edited_entry_breaks_the_chain(warehouse):
    erase_customer(warehouse, key=KEY, customer_key=CUSTOMER_A, reason="one")
    erase_customer(warehouse, key=KEY, customer_key=CUSTOMER_B, reason="two")
    with warehouse.transaction() as session:
        session.execute("update ops.erasure_log set reason = 'nothing' where reason = 'one'")
        verification = verify_erasure_log(session)

    assert not verification.intact
    assert "edited" in verification.problems[0]


def test_a_deleted_entry_breaks_the_chain(warehouse):
    erase_customer(warehouse, key=KEY, customer_key=CUSTOMER_A, reason="one")
    erase_customer(warehouse, key=KEY, customer_key=CUSTOMER_B, reason="two")
    with warehouse.transaction() as session:
        session.execute("delete from ops.erasure_log where reason = 'one'")
        verification = verify_erasure_log(session)

    assert not verification.intact
    assert "not reachable" in verification.problems[0]


@pytest.mark.postgres
def test_concurrent_erasures_on_postgresql_chain_one_after_the_other(postgres_url):
    warehouse = Warehouse(postgres_url=postgres_url)
    seed_customer_warehouse(warehouse)
    erase_customer(warehouse, key=KEY, customer_key=CUSTOMER_B, reason="first")
    erasing: list[Exception] = []

    def erase_a() -> None:
        try:
            erase_customer(warehouse, key=KEY, customer_key=CUSTOMER_A, reason="concurrent")
        except Exception as error:  # reported by the assertion below
            erasing.append(error)

    with warehouse.transaction() as session:
        # an erasure still in its transaction holds the log's head
        append_erasure_entry(
            session,
            erasure_id="held",
            erased_at=ERASED_AT,
            customer_key_digest="d",
            reason="held open",
            rows_removed={},
        )
        concurrent = threading.Thread(target=erase_a)
        concurrent.start()
        # long enough for the other erasure to reach the log, were it not locked
        concurrent.join(timeout=2)
        assert concurrent.is_alive()
    concurrent.join(timeout=30)

    with warehouse.connect() as session:
        verification = verify_erasure_log(session)
    assert not erasing
    assert verification.intact and verification.entries == 3
