"""The customer silver and gold dbt models, built by real dbt on a temporary DuckDB file
from small hand-written bronze tables, the contact validation the asset computes, and a
hand-written identity resolution (gold.customer_source_xref).

The people (as_of 2024-07-01, weather window 2024-06-01 .. 2024-06-30):

    record              who       notes
    crm:c1              Ann Lee   CRM, no birth date; mobile and business phone; B1 4RN
    spreadsheet:...:2   Ann Lee   moved (B15 3HZ), newer than the CRM; born 1980-05-17
    spreadsheet:...:5   Ann Lee   older workbook row; born 1981-01-01 (loses to row 2)
    crm:c2              Bob Berg  Germany; every value invalid
    crm:c3              Cleo Ray  a country nobody knows
    crm:c4              -         deleted in the CRM (only its id is left)
    spreadsheet:...:3   Carl Roy  France, 75001, a text date no one can read
    spreadsheet:...:4   -         a row the re-read workbook no longer had (deleted)
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest
from dbt.cli.main import dbtRunner, dbtRunnerResult

from platform_assets.domains.customer.contact_validation import (
    read_raw_contacts,
    validate_contacts,
)
from platform_assets.integrations.dbt.translator import StagedDbtTranslator
from platform_assets.settings import PROJECT_ROOT

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
PII_KEY = "0123456789abcdef" * 4
AS_OF = "2024-07-01"
CUSTOMER_SELECTION = (
    "path:models/silver/customer",
    "path:models/gold/customer",
    "path:seeds/customer",
)
LINEAGE = "'test', timestamptz '2024-07-01 06:00:00+00', 'run-1', 'hash'"
DELETED = "timestamptz '2024-06-20 00:00:00+00'"

BRONZE = f"""
create schema bronze;
create table bronze.crm_contacts (
    contactid varchar, firstname varchar, lastname varchar, emailaddress1 varchar,
    telephone1 varchar, mobilephone varchar, address1_line1 varchar, address1_city varchar,
    address1_postalcode varchar, address1_country varchar, birthdate varchar,
    createdon timestamptz, modifiedon timestamptz, statecode integer, parentcustomerid varchar,
    _source varchar, _loaded_at timestamptz, _run_id varchar, _row_hash varchar,
    _deleted_at timestamptz
);
insert into bronze.crm_contacts values
    ('c1', ' ann ', 'LEE-smith', ' Ann.Lee@Example.COM ', '0121 496 0000', '07911 123456',
     ' 1  High St ', 'BIRMINGHAM', 'b1  4rn', 'United Kingdom', null,
     '2024-01-01 10:00:00+00', '2024-06-01 10:00:00+00', 0, 'a1', {LINEAGE}, null),
    ('c2', 'bob', 'berg', 'bob@@example.com', '12', null, 'Hauptstr. 1', 'berlin', '99999',
     'Germany', '17/05/1980', '2024-01-02 10:00:00+00', '2024-01-02 10:00:00+00', 1, null,
     {LINEAGE}, null),
    ('c3', 'cleo', 'ray', null, null, null, null, null, 'B1 4RN', 'Atlantis', '2090-01-01',
     '2024-01-03 10:00:00+00', '2024-01-03 10:00:00+00', 0, null, {LINEAGE}, null),
    ('c4', null, null, null, null, null, null, null, null, null, null, null, null, null, null,
     {LINEAGE}, {DELETED});
create table bronze.crm_accounts (
    accountid varchar, name varchar, emailaddress1 varchar, telephone1 varchar,
    address1_line1 varchar, address1_city varchar, address1_postalcode varchar,
    address1_country varchar, createdon timestamptz, modifiedon timestamptz, statecode integer,
    _source varchar, _loaded_at timestamptz, _run_id varchar, _row_hash varchar,
    _deleted_at timestamptz
);
insert into bronze.crm_accounts values
    ('a1', ' Acme  Ltd ', 'INFO@acme.example', '+44 121 496 0001', '2 Low St', 'birmingham',
     'B1 4RN', 'GB', '2024-01-01 10:00:00+00', '2024-01-01 10:00:00+00', 0, {LINEAGE}, null);
create table bronze.spreadsheet_customers (
    record_id varchar, source_file varchar, sheet_name varchar, file_fingerprint varchar,
    row_number bigint, customer_ref varchar, first_name varchar, last_name varchar,
    email varchar, phone varchar, address_line1 varchar, city varchar, postal_code varchar,
    country varchar, birth_date varchar, updated_at timestamptz,
    _source varchar, _loaded_at timestamptz, _run_id varchar, _row_hash varchar,
    _deleted_at timestamptz
);
insert into bronze.spreadsheet_customers values
    ('f.xlsx:Customers:2', 'f.xlsx', 'Customers', 'ff', 2, '1234', 'ANN', 'lee-smith',
     'ann.lee@example.com', '+44 7911 123456', '9 New Rd', 'birmingham', 'B15 3HZ', 'UK',
     '1980-05-17', '2024-06-15 00:00:00+00', {LINEAGE}, null),
    ('f.xlsx:Customers:3', 'f.xlsx', 'Customers', 'ff', 3, '1235', 'carl', 'roy', null, null,
     '1 rue de Rivoli', 'PARIS', '75001', 'France', 'last spring', null, {LINEAGE}, null),
    ('f.xlsx:Customers:4', 'f.xlsx', 'Customers', 'ff', 4, '1236', 'dora', 'gone',
     'dora@example.com', null, null, null, null, 'France', null, null, {LINEAGE}, {DELETED}),
    ('f.xlsx:Customers:5', 'f.xlsx', 'Customers', 'ff', 5, '1237', 'ann', 'lee', null, null,
     null, null, null, 'UK', '1981-01-01', '2024-03-01 00:00:00+00', {LINEAGE}, null);
create table bronze.weather_daily (
    country_code varchar, postal_code varchar, observed_on date, temperature_max_c double,
    temperature_min_c double, precipitation_mm double, weather_source varchar,
    _source varchar, _loaded_at timestamptz, _run_id varchar, _row_hash varchar
);
-- B1 4RN: every day of June but the 10th, the 20th from the fallback; nowhere else
insert into bronze.weather_daily
select 'GB', 'B1 4RN', day::date, 20.0, 10.0, 1.5,
    case when day::date = date '2024-06-20' then 'fallback:demo-bulk' else 'open-meteo' end,
    {LINEAGE}
from range(timestamp '2024-06-01', timestamp '2024-07-01', interval 1 day) as t (day)
where day::date <> date '2024-06-10';
"""

CUSTOMER_A, CUSTOMER_B, CUSTOMER_C, CUSTOMER_D = (f"cust_{c * 16}" for c in "abcd")
XREF = [
    ("crm:c1", "crm", CUSTOMER_A, 0.99, 3),
    ("spreadsheet:f.xlsx:Customers:2", "spreadsheet", CUSTOMER_A, 0.99, 3),
    ("spreadsheet:f.xlsx:Customers:5", "spreadsheet", CUSTOMER_A, 0.97, 3),
    ("crm:c2", "crm", CUSTOMER_B, 1.0, 1),
    ("crm:c3", "crm", CUSTOMER_C, 1.0, 1),
    ("spreadsheet:f.xlsx:Customers:3", "spreadsheet", CUSTOMER_D, 1.0, 1),
]


def pseudonym(value: str) -> str:
    return hmac.new(PII_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class CustomerBuild:
    path: Path
    workdir: Path
    statuses: dict[str, str]

    def rows(self, sql: str) -> list[dict[str, Any]]:
        connection = duckdb.connect(str(self.path))
        try:
            cursor = connection.execute(sql)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            connection.close()

    def dbt(
        self, *arguments: str, warehouse: Path | None = None, as_of: str = AS_OF
    ) -> dbtRunnerResult:
        """One dbt command in this process (a subprocess per command costs seconds of
        start-up on a busy machine), on ``warehouse`` (default: this build's), with this
        build's target directory so dbt parses the project only once."""
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("PLATFORM_WAREHOUSE_PATH", str(warehouse or self.path))
            patch.setenv("PLATFORM_PII_HMAC_KEY", PII_KEY)
            patch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
            return dbtRunner().invoke(
                [
                    *arguments,
                    "--vars",
                    json.dumps({"customer_as_of": as_of}),
                    "--threads",
                    "1",
                    "--project-dir",
                    str(DBT_PROJECT_DIR),
                    "--profiles-dir",
                    str(DBT_PROJECT_DIR),
                    "--target-path",
                    str(self.workdir / "target"),
                    "--log-path",
                    str(self.workdir / "logs"),
                    "--quiet",
                ]
            )

    def statuses_of_last_command(self) -> dict[str, str]:
        results = json.loads((self.workdir / "target" / "run_results.json").read_text())
        return {result["unique_id"]: result["status"] for result in results["results"]}


def land(path: Path) -> None:
    connection = duckdb.connect(str(path))
    try:
        connection.execute(BRONZE)
        validation = validate_contacts(read_raw_contacts(connection))
        connection.execute("create schema silver")
        connection.register("validation", validation.to_arrow())
        connection.execute("create table silver.contact_validation as from validation")
        connection.execute("create schema gold")
        connection.execute(
            "create table gold.customer_source_xref (source_record_id varchar, "
            "source_system varchar, customer_key varchar, match_probability double, "
            "cluster_size integer)"
        )
        connection.executemany("insert into gold.customer_source_xref values (?, ?, ?, ?, ?)", XREF)
    finally:
        connection.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> CustomerBuild:
    workdir = tmp_path_factory.mktemp("customer_models")
    path = workdir / "warehouse.duckdb"
    land(path)
    build = CustomerBuild(path=path, workdir=workdir, statuses={})
    result = build.dbt("build", "--select", *CUSTOMER_SELECTION)
    statuses = build.statuses_of_last_command()
    assert result.success, {uid: s for uid, s in statuses.items() if s not in ("success", "pass")}
    return CustomerBuild(path=path, workdir=workdir, statuses=statuses)


def by_id(
    build: CustomerBuild, table: str, key: str = "source_record_id"
) -> dict[str, dict[str, Any]]:
    return {row[key]: row for row in build.rows(f"select * from {table}")}


def test_every_model_and_test_passes_but_the_weather_gap_warns(built: CustomerBuild) -> None:
    not_passing = {uid: s for uid, s in built.statuses.items() if s not in ("success", "pass")}
    assert len(not_passing) == 1, not_passing
    ((uid, status),) = not_passing.items()
    assert "customer_weather_completeness" in uid and status == "warn"


def test_silver_standardises_names_contacts_and_places(built: CustomerBuild) -> None:
    contacts = by_id(built, "silver.customer_crm_contacts")
    ann = contacts["crm:c1"]
    assert (ann["first_name"], ann["last_name"]) == ("Ann", "Lee-Smith")
    assert ann["email"] == "ann.lee@example.com"
    assert (ann["phone"], ann["mobile_phone"]) == ("+441214960000", "+447911123456")
    assert (ann["address_line1"], ann["city"]) == ("1 High St", "Birmingham")
    assert (ann["postal_code"], ann["country_code"]) == ("B1 4RN", "GB")
    assert ann["quality_issues"] == []
    sheet = by_id(built, "silver.customer_spreadsheet_records")
    assert sheet["spreadsheet:f.xlsx:Customers:2"]["phone"] == "+447911123456"
    assert str(sheet["spreadsheet:f.xlsx:Customers:2"]["birth_date"]) == "1980-05-17"
    carl = sheet["spreadsheet:f.xlsx:Customers:3"]
    assert (carl["postal_code"], carl["country_code"], carl["city"]) == ("75001", "FR", "Paris")
    accounts = by_id(built, "silver.customer_crm_accounts")
    assert accounts["crm_account:a1"]["account_name"] == "Acme Ltd"
    assert accounts["crm_account:a1"]["email"] == "info@acme.example"


def test_an_invalid_value_is_null_in_silver_with_its_reason_and_pseudonym(
    built: CustomerBuild,
) -> None:
    bob = by_id(built, "silver.customer_crm_contacts")["crm:c2"]
    assert [bob[c] for c in ("email", "phone", "postal_code", "birth_date")] == [None] * 4
    assert bob["country_code"] == "DE"
    issues = {
        (row["source_record_id"], row["column_name"]): row
        for row in built.rows("select * from silver.customer_data_quality_issues")
    }
    assert set(issues) == {
        ("crm:c2", "email"),
        ("crm:c2", "phone"),
        ("crm:c2", "postal_code"),
        ("crm:c2", "birth_date"),
        ("crm:c3", "country_code"),
        ("crm:c3", "postal_code"),
        ("crm:c3", "birth_date"),
        ("spreadsheet:f.xlsx:Customers:3", "birth_date"),
    }
    assert issues[("crm:c2", "phone")]["reason"] == "phone: not a valid number for DE"
    assert issues[("crm:c2", "email")]["reason"].startswith("email: ")
    assert issues[("crm:c2", "postal_code")]["reason"] == (
        "postal_code: not a postal code of DE in the postal_areas reference"
    )
    assert issues[("crm:c2", "birth_date")]["reason"] == "birth_date: not a YYYY-MM-DD date"
    assert issues[("crm:c3", "birth_date")]["reason"] == (
        "birth_date: outside 1900-01-01 to the as-of day"
    )
    assert issues[("crm:c3", "postal_code")]["reason"] == (
        "postal_code: the record has no known country to check it against"
    )
    assert issues[("crm:c3", "country_code")]["reason"].startswith("country: ")
    # the raw value only as its keyed pseudonym
    assert issues[("crm:c2", "birth_date")]["raw_value_hmac"] == pseudonym("17/05/1980")
    assert issues[("spreadsheet:f.xlsx:Customers:3", "birth_date")]["raw_value_hmac"] == (
        pseudonym("last spring")
    )
    assert (
        issues[("spreadsheet:f.xlsx:Customers:3", "birth_date")]["source_system"] == "spreadsheet"
    )


def test_deleted_records_are_marked_in_silver_and_left_out_of_the_linkage_input(
    built: CustomerBuild,
) -> None:
    assert by_id(built, "silver.customer_crm_contacts")["crm:c4"]["is_deleted"] is True
    assert (
        by_id(built, "silver.customer_spreadsheet_records")["spreadsheet:f.xlsx:Customers:4"][
            "is_deleted"
        ]
        is True
    )
    records = by_id(built, "silver.customer_records")
    assert set(records) == {source_record_id for source_record_id, *_ in XREF}
    assert records["crm:c1"]["source_priority"] == 1
    assert records["spreadsheet:f.xlsx:Customers:3"]["source_priority"] == 2


def test_survivorship_prefers_the_crm_then_the_most_recent_record(built: CustomerBuild) -> None:
    ann = by_id(built, "gold.dim_customer", "customer_key")[CUSTOMER_A]
    # the CRM's values win although the workbook row is newer
    assert (ann["first_name"], ann["last_name"], ann["phone"]) == (
        "Ann",
        "Lee-Smith",
        "+447911123456",
    )
    # the address survives whole, from the CRM
    assert (ann["address_line1"], ann["city"], ann["postal_code"]) == (
        "1 High St",
        "Birmingham",
        "B1 4RN",
    )
    # the CRM has no birth date: the most recently updated workbook row's
    assert str(ann["birth_date"]) == "1980-05-17"
    assert ann["source_record_count"] == 3
    assert ann["source_systems"] == "crm,spreadsheet"
    assert str(ann["first_seen_at"]).startswith("2024-01-01")
    assert str(ann["last_updated_at"]).startswith("2024-06-15")


def test_the_consumer_profile_is_masked_and_pseudonymised(built: CustomerBuild) -> None:
    profiles = by_id(built, "gold.consumer_customer_profile", "customer_key")
    ann = profiles[CUSTOMER_A]
    assert ann["email_masked"] == "a***@example.com"
    assert ann["phone_masked"] == "***3456"
    assert ann["email_pseudonym"] == pseudonym("ann.lee@example.com")
    assert (ann["first_name_initial"], ann["birth_year"]) == ("A", 1980)
    carl = profiles[CUSTOMER_D]
    assert (carl["email_masked"], carl["phone_masked"], carl["email_pseudonym"]) == (None,) * 3


def test_no_raw_pii_values_fails_when_a_clear_email_reaches_the_consumer_table(
    built: CustomerBuild, tmp_path: Path
) -> None:
    leaked = tmp_path / "leaked.duckdb"
    built.rows("checkpoint")  # the build's tables into the file, not only its WAL
    leaked.write_bytes(built.path.read_bytes())
    connection = duckdb.connect(str(leaked))
    connection.execute(
        "update gold.consumer_customer_profile set email_masked = 'Ann.Lee@example.com' "
        f"where customer_key = '{CUSTOMER_A}'"
    )
    connection.close()
    result = built.dbt(
        "test",
        "--select",
        "consumer_customer_profile,test_name:no_raw_pii_values",
        warehouse=leaked,
    )
    statuses = built.statuses_of_last_command()
    failed = [uid for uid, status in statuses.items() if status == "fail"]
    assert not result.success
    assert len(failed) == 1 and "email_masked" in failed[0], failed


def test_weather_per_customer_and_completeness_per_area(built: CustomerBuild) -> None:
    weather = built.rows(
        f"select * from gold.fct_customer_weather where customer_key = '{CUSTOMER_A}' "
        "order by observed_on"
    )
    assert len(weather) == 29
    assert str(weather[0]["observed_on"]) == "2024-06-01"
    assert str(weather[-1]["observed_on"]) == "2024-06-30"
    sources = {str(row["observed_on"]): row["weather_source"] for row in weather}
    assert sources["2024-06-20"] == "fallback:demo-bulk"
    assert "2024-06-10" not in sources
    # Carl's area has no weather at all: no rows rather than invented ones
    assert (
        built.rows(f"select * from gold.fct_customer_weather where customer_key = '{CUSTOMER_D}'")
        == []
    )
    completeness = built.rows(
        "select postal_code, count(*) as days, count(*) filter (where is_missing) as missing "
        "from silver.customer_weather_completeness where postal_code in ('B1 4RN', '75001') "
        "group by postal_code order by postal_code"
    )
    assert completeness == [
        {"postal_code": "75001", "days": 30, "missing": 30},
        {"postal_code": "B1 4RN", "days": 30, "missing": 1},
    ]


def test_a_rebuild_gives_identical_tables(built: CustomerBuild) -> None:
    tables = [
        "silver.customer_crm_contacts",
        "silver.customer_records",
        "silver.customer_data_quality_issues",
        "gold.dim_customer",
        "gold.consumer_customer_profile",
        "gold.fct_customer_weather",
    ]
    before = {table: built.rows(f"select * from {table} order by all") for table in tables}
    result = built.dbt("run", "--select", *CUSTOMER_SELECTION[:2])
    assert result.success, result.exception
    assert {table: built.rows(f"select * from {table} order by all") for table in tables} == before


def test_the_contracts_reach_dagster_access_stage_and_pii_protection(built: CustomerBuild) -> None:
    manifest = json.loads((built.workdir / "target" / "manifest.json").read_text())
    translator = StagedDbtTranslator()

    def spec(model: str) -> dg.AssetSpec:
        return translator.get_asset_spec(manifest, f"model.platform_assets.{model}", None)

    profile = spec("consumer_customer_profile")
    assert profile.key == dg.AssetKey(["gold", "consumer_customer_profile"])
    assert (profile.tags["access"], profile.tags["stage"]) == ("consumer", "ga")
    columns = {c.name: c.tags for c in profile.metadata["dagster/column_schema"].columns}
    assert columns["email_masked"] == {"pii": "true", "pii_protection": "masked"}
    assert columns["email_pseudonym"] == {"pii": "true", "pii_protection": "hashed"}
    assert spec("dim_customer").tags["access"] == "restricted"
    assert spec("customer_records").tags["stage"] == "ga"
    assert spec("customer_data_quality_issues").tags["stage"] == "beta"
    xref = translator.get_asset_key(
        manifest["sources"]["source.platform_assets.customer_gold.customer_source_xref"]
    )
    assert xref == dg.AssetKey(["gold", "customer_source_xref"])


def test_a_malformed_as_of_day_stops_the_build_naming_the_variable(built: CustomerBuild) -> None:
    result = built.dbt("compile", "--select", "customer_weather_completeness", as_of="1 June")

    assert not result.success
    assert "PLATFORM_CUSTOMER_AS_OF" in str(result.exception or result.result)
