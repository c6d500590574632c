"""The contact validation asset through a real Dagster materialization, on a real DuckDB
file and on a real PostgreSQL database: bronze values in, one validated row per (kind,
raw value, country) out, read as the transformer."""

from __future__ import annotations

from typing import Any

import dagster as dg
import pytest

from platform_assets.domains.customer.contact_validation import (
    VALIDATED_WITH,
    contact_validation,
    read_previous_results,
    read_raw_contacts,
    validate_contacts,
)
from platform_assets.domains.customer.country_codes import country_code
from platform_assets.warehouse import Warehouse
from platform_assets.warehouse.dialect import create_schema_sql
from platform_assets.warehouse.io_manager import WarehouseIOManager
from tests.customer.warehouse_roles import prepare_roles

CRM_CONTACTS = """
    create table bronze.crm_contacts as
    select * from (values
        ('c1', ' Ann.Lee@Example.COM ', '020 7946 0018', NULL, 'United Kingdom'),
        ('c2', 'ann.lee@example.com', '12', '+49 30 901820', ' germany '),
        ('c3', 'not an email', '020 7946 0018', '', 'Atlantis'),
        ('c4', NULL, NULL, '   ', 'GB')
    ) as t(contactid, emailaddress1, telephone1, mobilephone, address1_country)
"""
SPREADSHEET_CUSTOMERS = """
    create table bronze.spreadsheet_customers as
    select * from (values
        ('f.xlsx:Sheet1:2', 'bob@@example.com', '06 12 34 56 78', 'France'),
        ('f.xlsx:Sheet1:3', 'ann.lee@example.com', '020 7946 0018', 'UK')
    ) as t(record_id, email, phone, country)
"""


Row = tuple[str, str, str, str | None, str | None]


def _materialize_reporting(warehouse: Warehouse) -> tuple[list[Row], dict[str, Any]]:
    """The table's rows (without the library versions) and the materialization's metadata."""
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [contact_validation],
            instance=instance,
            resources={
                "warehouse": warehouse,
                "warehouse_io_manager": WarehouseIOManager(
                    database=warehouse.database, postgres_url=warehouse.postgres_url
                ),
            },
        )
    assert result.success
    (event,) = result.get_asset_materialization_events()
    metadata = {key: value.value for key, value in event.materialization.metadata.items()}
    with warehouse.connect() as session:
        rows = session.execute(
            "select kind, raw_value, country_code, normalized_value, invalid_reason "
            "from silver.contact_validation order by 1, 2, 3"
        ).fetchall()
    return rows, metadata


def _materialize(warehouse: Warehouse) -> list[Row]:
    return _materialize_reporting(warehouse)[0]


@pytest.fixture
def empty_warehouse(any_warehouse: Warehouse) -> Warehouse:
    """No bronze table yet, on DuckDB or PostgreSQL (there with the platform's roles)."""
    prepare_roles(any_warehouse)
    return any_warehouse


@pytest.fixture
def warehouse(empty_warehouse: Warehouse) -> Warehouse:
    """The bronze tables, written as the ingestion writes them: by the loader."""
    with empty_warehouse.transaction(role="loader") as session:
        session.execute(create_schema_sql("bronze", session.dialect))
        session.execute(CRM_CONTACTS)
        session.execute(SPREADSHEET_CUSTOMERS)
    return empty_warehouse


def test_every_distinct_value_is_validated_once_per_country(warehouse: Warehouse) -> None:
    rows = _materialize(warehouse)

    by_key = {
        (kind, raw, country): (normalized, reason)
        for kind, raw, country, normalized, reason in rows
    }
    assert len(by_key) == len(rows)
    # emails: normalised and lower-cased, whatever the case and surrounding spaces
    assert by_key[("email", " Ann.Lee@Example.COM ", "")] == ("ann.lee@example.com", None)
    assert by_key[("email", "ann.lee@example.com", "")] == ("ann.lee@example.com", None)
    normalized, reason = by_key[("email", "not an email", "")]
    assert normalized is None and reason is not None and reason.startswith("email: ")
    assert by_key[("email", "bob@@example.com", "")][0] is None
    # phones: E.164 in the region of the record's country, names and codes alike
    assert by_key[("phone", "020 7946 0018", "GB")] == ("+442079460018", None)
    assert by_key[("phone", "+49 30 901820", "DE")] == ("+4930901820", None)
    assert by_key[("phone", "06 12 34 56 78", "FR")] == ("+33612345678", None)
    assert by_key[("phone", "12", "DE")] == (None, "phone: not a valid number for DE")
    # an unknown country gives no region: a national number cannot be read
    assert by_key[("phone", "020 7946 0018", "")] == (
        None,
        "phone: no valid country calling code, and the record's country is unknown, so a "
        "national number cannot be read",
    )
    # blank and missing values are absent, not invalid
    assert not any(raw.strip() == "" for _, raw, _, _, _ in rows)


def test_a_rerun_writes_an_identical_table(warehouse: Warehouse) -> None:
    assert _materialize(warehouse) == _materialize(warehouse)


def test_a_rerun_reuses_results_of_the_same_library_versions_only(warehouse: Warehouse) -> None:
    first, reported = _materialize_reporting(warehouse)
    assert (reported["reused"], reported["validated"]) == (0, len(first))
    with warehouse.transaction() as connection:
        # a result the same versions gave is kept as it is; another version's is redone
        connection.execute(
            "update silver.contact_validation set normalized_value = 'kept' "
            "where raw_value = '020 7946 0018' and country_code = 'GB'"
        )
        connection.execute(
            "update silver.contact_validation set normalized_value = 'stale', "
            "validated_with = 'email-validator 0.1' where raw_value = 'ann.lee@example.com'"
        )

    rows, reported = _materialize_reporting(warehouse)

    by_key = {(kind, raw, country): normalized for kind, raw, country, normalized, _ in rows}
    assert by_key[("phone", "020 7946 0018", "GB")] == "kept"
    assert by_key[("email", "ann.lee@example.com", "")] == "ann.lee@example.com"
    assert (reported["reused"], reported["validated"]) == (len(rows) - 1, 1)
    assert VALIDATED_WITH.startswith("email-validator ")


def test_the_reads_give_bronze_values_with_their_typed_country(warehouse: Warehouse) -> None:
    """The bronze values and the previous results, read as the transformer: every
    contact with the country as typed, and a stored result of these library versions is
    found again."""
    with warehouse.connect(role="transformer") as session:
        session.execute(create_schema_sql("silver", session.dialect))
        assert read_previous_results(session) == {}
        raw = read_raw_contacts(session)
        frame = validate_contacts(raw)
        session.register("validated", frame)
        session.execute("create table silver.contact_validation as select * from validated")
        previous = read_previous_results(session)

    assert sorted(raw, key=str) == sorted(
        [
            ("email", " Ann.Lee@Example.COM ", "United Kingdom"),
            ("email", "ann.lee@example.com", " germany "),
            ("email", "not an email", "Atlantis"),
            ("email", "bob@@example.com", "France"),
            ("email", "ann.lee@example.com", "UK"),
            ("phone", "020 7946 0018", "United Kingdom"),
            ("phone", "12", " germany "),
            ("phone", "+49 30 901820", " germany "),
            ("phone", "020 7946 0018", "Atlantis"),
            ("phone", "06 12 34 56 78", "France"),
            ("phone", "020 7946 0018", "UK"),
        ],
        key=str,
    )
    assert previous[("phone", "020 7946 0018", "GB")] == ("+442079460018", None)
    assert len(previous) == frame.height


def test_bronze_tables_not_landed_yet_count_as_empty(empty_warehouse: Warehouse) -> None:
    assert _materialize(empty_warehouse) == []


def test_country_names_come_from_the_silver_seed() -> None:
    assert country_code("  United   KINGDOM ") == "GB"
    assert country_code("Deutschland") == "DE"
    assert country_code("the Netherlands") == "NL"
    assert country_code("Atlantis") is None
    assert country_code(None) is None
