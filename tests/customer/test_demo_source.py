"""The customer demo source and the postal-area reference it places people in.

Rates are measured on a population of a few thousand people, with tolerances of about
three standard deviations; invalid values are judged by the libraries silver uses
(email-validator, phonenumbers) and by the reference seeds, not by the generator's own
flags. The million-record generation is measured in benchmarks/, not here.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import phonenumbers
import polars as pl
import pytest
from email_validator import EmailNotValidError, validate_email

from platform_assets.domains.customer.country_codes import country_code
from platform_assets.domains.customer.demo_source import (
    CustomerDemoConnector,
    CustomerDemoSettings,
    demo_truth,
    entities,
    people_for,
    population,
    true_pairs,
    weather,
)
from platform_assets.domains.customer.demo_source import connector as demo_connector
from platform_assets.domains.customer.demo_source import vocabulary as words
from platform_assets.domains.customer.postal_areas import load_postal_areas
from platform_assets.domains.customer.raw_schemas import BRONZE_CONTRACTS, BRONZE_TABLE_MODELS
from platform_assets.ingestion import RecordBatch, SnapshotScope, ingest
from platform_assets.settings import PROJECT_ROOT
from platform_assets.warehouse import Warehouse

PEOPLE = 4_000
SEED = 12
AS_OF = date(2026, 3, 1)
DOC = PROJECT_ROOT / "docs" / "customer-demo-data.md"
_CODE_FORMATS = {
    "GB": re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}$"),
    "DE": re.compile(r"^[0-9]{5}$"),
    "FR": re.compile(r"^[0-9]{5}$"),
    "NL": re.compile(r"^[0-9]{4} [A-Z]{2}$"),
    "US": re.compile(r"^[0-9]{5}$"),
}
#: Generous bounding boxes of the countries (mainland US, Northern Ireland in GB).
_BOUNDS = {
    "GB": ((49.8, 60.9), (-8.2, 1.8)),
    "DE": ((47.2, 55.1), (5.8, 15.1)),
    "FR": ((41.3, 51.1), (-5.2, 9.6)),
    "NL": ((50.7, 53.6), (3.3, 7.3)),
    "US": ((24.5, 49.4), (-124.8, -66.9)),
}
#: Columns the loader writes beside a record's own fields, which a source never sends.
_LOADER_WRITTEN = {"_source", "_loaded_at", "_run_id", "_row_hash", "_deleted_at", "_extras"}


def _settings(run: int = 1) -> CustomerDemoSettings:
    return CustomerDemoSettings(seed=SEED, people=PEOPLE, run=run, as_of=AS_OF)


def _extract(
    connector: CustomerDemoConnector, entity: str, cursor: str | None = None
) -> list[RecordBatch]:
    return list(connector.extract(entity, cursor))


def _landed(run: int = 1) -> dict[str, pl.DataFrame]:
    """Every table as a first extract of ``run`` lands it."""
    connector = CustomerDemoConnector(_settings(run))
    return {
        entity: pl.concat([batch.records for batch in _extract(connector, entity)])
        for entity in sorted(connector.entities)
    }


@pytest.fixture(scope="module")
def landed() -> dict[str, pl.DataFrame]:
    return _landed()


@pytest.fixture(scope="module")
def records() -> pl.DataFrame:
    """Run 1's records with the generator's own columns (person, slot, area)."""
    return entities.records_at(population.Population(SEED, PEOPLE), 1)


@pytest.fixture(scope="module")
def people() -> pl.DataFrame:
    return population.persons(population.Population(SEED, PEOPLE))


def _share(frame: pl.DataFrame, condition: pl.Expr) -> float:
    return float(frame.select(condition.mean()).item())


def _near(measured: float, expected: float, count: int) -> bool:
    """Within three standard deviations of a binomial share (and at least 0.005)."""
    tolerance = max(0.005, 3 * (expected * (1 - expected) / count) ** 0.5)
    return abs(measured - expected) <= tolerance


# The reference ---------------------------------------------------------------------


def test_postal_areas_are_a_few_hundred_real_looking_codes_inside_their_country() -> None:
    areas = load_postal_areas()
    assert len(areas) >= 300
    assert {area.country_code for area in areas} == set(_CODE_FORMATS)
    assert len({(a.country_code, a.postal_code) for a in areas}) == len(areas)
    for area in areas:
        assert _CODE_FORMATS[area.country_code].match(area.postal_code), area
        (lat_low, lat_high), (lon_low, lon_high) = _BOUNDS[area.country_code]
        assert lat_low <= area.latitude <= lat_high, area
        assert lon_low <= area.longitude <= lon_high, area
        assert area.area_name


def test_postal_codes_keep_their_leading_zeros() -> None:
    codes = {(a.country_code, a.postal_code) for a in load_postal_areas()}
    assert ("DE", "01067") in codes
    assert ("US", "02108") in codes


def test_planted_unknown_values_are_unknown_to_the_references() -> None:
    codes = {(a.country_code, a.postal_code) for a in load_postal_areas()}
    for country, unknown in words.UNKNOWN_POSTAL_CODES.items():
        for code in unknown:
            assert _CODE_FORMATS[country].match(code), code
            assert (country, code) not in codes
    assert all(country_code(name) is None for name in words.UNKNOWN_COUNTRIES)
    for country, spellings in words.COUNTRY_SPELLINGS.items():
        assert {country_code(spelling) for spelling in spellings} == {country}


# Shape and determinism ---------------------------------------------------------------


def test_every_table_has_exactly_its_bronze_columns(landed: dict[str, pl.DataFrame]) -> None:
    for table, frame in landed.items():
        model = BRONZE_TABLE_MODELS[table]
        expected = set(model.to_schema().columns) - _LOADER_WRITTEN
        assert set(frame.columns) == expected, table
        assert frame.height > 0, table


def test_two_generations_are_identical() -> None:
    first = _landed()
    entities.identified_records.cache_clear()
    demo_connector._tables.cache_clear()
    second = _landed()
    for table, frame in first.items():
        assert frame.equals(second[table]), table
    other_seed = CustomerDemoConnector(
        CustomerDemoSettings(seed=SEED + 1, people=PEOPLE, as_of=AS_OF)
    )
    (other,) = _extract(other_seed, "crm_contacts")
    assert not other.records.equals(first["crm_contacts"])


def test_a_person_is_the_same_whatever_the_population_size(people: pl.DataFrame) -> None:
    smaller = population.persons(population.Population(SEED, 100))
    assert smaller.equals(people.head(100))


def test_the_source_record_count_follows_the_people_count(records: pl.DataFrame) -> None:
    assert pytest.approx(1.64) == population.MEAN_RECORDS_PER_PERSON
    # A person's record count has a standard deviation of 0.85: three of them over 4,000.
    assert records.height / PEOPLE == pytest.approx(1.64, abs=0.04)
    assert records["record_key"].is_unique().all()
    assert people_for(100_000) == 60_976


# Truth labels -------------------------------------------------------------------------


def test_truth_labels_cover_every_landed_record_and_stay_out_of_the_tables(
    landed: dict[str, pl.DataFrame],
) -> None:
    truth = demo_truth(PEOPLE, SEED)
    landed_ids = set(
        ("crm:" + landed["crm_contacts"]["contactid"]).to_list()
        + ("spreadsheet:" + landed["spreadsheet_customers"]["record_id"]).to_list()
    )
    assert set(truth["source_record_id"].to_list()) == landed_ids
    assert truth["source_record_id"].is_unique().all()
    for frame in landed.values():
        assert not {"person_id", "truth_person_id"} & set(frame.columns)


def test_neither_order_nor_legacy_ids_give_the_truth_away(
    landed: dict[str, pl.DataFrame],
) -> None:
    truth = demo_truth(PEOPLE, SEED)
    sheets = (
        landed["spreadsheet_customers"]
        .with_columns(source_record_id="spreadsheet:" + pl.col("record_id"))
        .join(truth, on="source_record_id")
        .sort("source_file", "sheet_name", "row_number")
    )
    contacts = (
        landed["crm_contacts"]
        .with_columns(source_record_id="crm:" + pl.col("contactid"))
        .join(truth, on="source_record_id", maintain_order="left")
    )
    for frame in (sheets, contacts):
        neighbours = _share(frame, pl.col("person_id") == pl.col("person_id").shift(1))
        assert neighbours < 0.01
    by_ref = sheets.with_columns(ref=pl.col("customer_ref").cast(pl.Int64))
    assert _share(by_ref.sort("ref"), pl.col("person_id") == pl.col("person_id").shift(1)) < 0.01


def test_true_pairs_are_every_pair_of_one_persons_records_once() -> None:
    truth = pl.DataFrame(
        {
            "source_record_id": ["crm:a", "spreadsheet:b", "crm:c", "crm:d"],
            "person_id": [1, 1, 1, 2],
        }
    )
    assert true_pairs(truth).rows() == [
        ("crm:a", "crm:c"),
        ("crm:a", "spreadsheet:b"),
        ("crm:c", "spreadsheet:b"),
    ]


def test_people_sit_in_both_sources_and_twice_in_one(records: pl.DataFrame) -> None:
    per_person = records.group_by("person_id").agg(
        crm=(pl.col("source_system") == "crm").sum(),
        spreadsheet=(pl.col("source_system") == "spreadsheet").sum(),
    )
    assert per_person.filter((pl.col("crm") > 0) & (pl.col("spreadsheet") > 0)).height > 500
    assert per_person.filter(pl.col("crm") > 1).height > 100
    assert per_person.filter(pl.col("spreadsheet") > 1).height > 100


# Corruption of duplicates ---------------------------------------------------------------


def _duplicates(records: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    return records.filter(pl.col("slot") > 0).join(
        people.select(
            "person_id",
            person_first=pl.col("first_name"),
            person_last=pl.col("last_name"),
            person_area=pl.col("area_idx"),
            person_birth=pl.col("birth_date"),
            person_email=pl.col("email"),
            no_contact=pl.col("no_contact"),
        ),
        on="person_id",
    )


def test_duplicates_are_corrupted_at_the_documented_rates(
    records: pl.DataFrame, people: pl.DataFrame
) -> None:
    duplicates = _duplicates(records, people)
    rates = population.DUPLICATE_RATES
    count = duplicates.height
    assert count > 2_000
    # A last name differs by a typo or a swap (a transposition of twin letters is a no-op).
    last_differs = 1 - (1 - rates["last_name_typo"]) * (1 - rates["swapped_names"])
    assert _near(
        _share(duplicates, pl.col("last_name") != pl.col("person_last")), last_differs, count
    )
    assert _near(
        _share(duplicates, pl.col("area_idx") != pl.col("person_area")), rates["moved"], count
    )
    birth_missing = 1 - (1 - population.BASELINE_MISSING["birth_date"]) * (
        1 - rates["birth_date_missing"]
    )
    assert _near(_share(duplicates, pl.col("birth_date").is_null()), birth_missing, count)
    reachable = duplicates.filter(~pl.col("no_contact"))
    email_missing = 1 - (1 - population.BASELINE_MISSING["email"]) * (1 - rates["email_missing"])
    assert _near(_share(reachable, pl.col("email").is_null()), email_missing, reachable.height)
    with_nickname = duplicates.filter(
        pl.col("person_first").is_in(list(words.NICKNAMES))
        & (pl.col("first_name") != pl.col("person_first"))
    )
    nicknames = with_nickname.filter(
        pl.col("first_name") == pl.col("person_first").replace_strict(words.NICKNAMES, default=None)
    )
    assert nicknames.height > 100
    swapped = duplicates.filter(
        (pl.col("first_name") == pl.col("person_last"))
        & (pl.col("last_name") == pl.col("person_first"))
    )
    assert swapped.height > 50


def test_every_kind_of_typo_is_made(records: pl.DataFrame, people: pl.DataFrame) -> None:
    duplicates = _duplicates(records, people)
    pairs = duplicates.filter(pl.col("last_name") != pl.col("person_last")).select(
        "last_name", "person_last"
    )
    lengths = {len(typed) - len(true) for typed, true in pairs.iter_rows()}
    assert {-1, 0, 1} <= lengths
    transposed = [
        (typed, true)
        for typed, true in pairs.iter_rows()
        if len(typed) == len(true) and sorted(typed) == sorted(true) and typed != true
    ]
    assert transposed


def test_records_without_email_and_phone_exist_and_have_duplicates(records: pl.DataFrame) -> None:
    unreachable = records.filter(pl.col("email").is_null() & pl.col("phone").is_null())
    assert _share(records, pl.col("email").is_null() & pl.col("phone").is_null()) >= (
        population.NO_CONTACT_SHARE
    )
    persons_with_two = unreachable.group_by("person_id").len().filter(pl.col("len") > 1)
    assert persons_with_two.height > 50


def test_common_surnames_recur_and_rare_ones_exist(people: pl.DataFrame) -> None:
    counts = people.group_by("last_name").len().sort("len", descending=True)
    assert counts["len"][0] > 40 * counts["len"].median()
    assert counts.filter(pl.col("len") == 1).height > 100


# Invalid values, judged by the validators silver uses ----------------------------------


def _invalid_email(value: str) -> bool:
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return True
    return False


def _invalid_phone(value: str, region: str) -> bool:
    try:
        return not phonenumbers.is_valid_number(phonenumbers.parse(value, region))
    except phonenumbers.NumberParseException:
        return True


def test_malformed_emails_are_planted_at_their_rate_and_only_there(records: pl.DataFrame) -> None:
    emails = records.filter(pl.col("email").is_not_null())["email"].to_list()
    invalid = sum(_invalid_email(email) for email in emails)
    assert _near(invalid / len(emails), population.INVALID_RATES["malformed_email"], len(emails))
    assert any(email != email.lower() and not _invalid_email(email) for email in emails)


def test_phones_are_valid_in_national_formats_except_the_impossible_ones(
    records: pl.DataFrame,
) -> None:
    phones = records.filter(pl.col("phone").is_not_null()).select("phone", "country_code")
    invalid = [phone for phone, region in phones.iter_rows() if _invalid_phone(phone, region)]
    assert set(invalid) <= set(words.IMPOSSIBLE_PHONES)
    assert _near(
        len(invalid) / phones.height, population.INVALID_RATES["impossible_phone"], phones.height
    )
    written = phones["phone"]
    assert written.str.starts_with("+").any()
    assert written.str.contains("-").any()
    assert written.str.starts_with("0").any()
    assert written.str.contains(r"^\(?\d{3}\)?[ -]?\d{3}[ -]?\d{4}$").any()


def test_unknown_postal_codes_countries_and_unreadable_dates_are_planted(
    records: pl.DataFrame,
) -> None:
    reference = pl.DataFrame(
        [(a.country_code, a.postal_code) for a in load_postal_areas()],
        schema=["country_code", "postal_code"],
        orient="row",
    ).with_columns(known=pl.lit(True))
    normalised = records.with_columns(
        postal_code=pl.col("postal_code").str.to_uppercase().str.replace_all(r"\s+", " ")
    ).join(reference, on=["country_code", "postal_code"], how="left")
    rates = population.INVALID_RATES
    assert _near(
        _share(normalised, pl.col("known").is_null()), rates["unknown_postal_code"], records.height
    )
    unknown_country = sum(country_code(value) is None for value in records["country"].to_list())
    assert _near(unknown_country / records.height, rates["unknown_country"], records.height)
    sheets = records.filter(
        (pl.col("source_system") == "spreadsheet") & pl.col("birth_date").is_not_null()
    )
    unreadable = sheets.filter(
        pl.col("birth_date_text").str.to_date("%Y-%m-%d", strict=False).is_null()
    )
    assert _near(unreadable.height / sheets.height, rates["unparseable_birth_date"], sheets.height)
    crm = records.filter(pl.col("source_system") == "crm")
    assert crm["birth_date_text"].str.to_date("%Y-%m-%d", strict=False).null_count() == (
        crm["birth_date"].null_count()
    )


# Runs: updates and deletes ------------------------------------------------------------


def test_run_two_updates_and_deletes_crm_contacts_through_the_delta() -> None:
    first = CustomerDemoConnector(_settings(1))
    (full,) = _extract(first, "crm_contacts")
    assert full.snapshot == SnapshotScope()
    assert _extract(first, "crm_contacts", full.cursor) == []
    second = CustomerDemoConnector(_settings(2))
    (delta,) = _extract(second, "crm_contacts", full.cursor)
    contacts = full.records.height
    assert delta.snapshot is None
    assert _near(delta.records.height / contacts, entities.UPDATE_RATE, contacts)
    assert _near(len(delta.deleted_keys) / contacts, entities.DELETE_RATE, contacts)
    assert set(delta.deleted_keys) <= set(full.records["contactid"].to_list())
    assert delta.records["modifiedon"].min() >= entities.run_time(2)
    assert full.records["modifiedon"].max() < entities.run_time(2)
    before = full.records.join(delta.records, on="contactid", suffix="_after")
    changed = before.filter(
        (pl.col("emailaddress1") != pl.col("emailaddress1_after"))
        | (pl.col("address1_line1") != pl.col("address1_line1_after"))
        | (pl.col("mobilephone") != pl.col("mobilephone_after"))
        | (pl.col("telephone1") != pl.col("telephone1_after"))
    )
    assert changed.height > 0.5 * delta.records.height
    (again,) = _extract(second, "crm_contacts")
    assert again.records.height == contacts - len(delta.deleted_keys)


def test_run_two_rereads_changed_workbooks_whole_without_their_cleared_rows() -> None:
    first = _extract(CustomerDemoConnector(_settings(1)), "spreadsheet_customers")
    cursor = first[-1].cursor
    assert cursor is not None
    assert _extract(CustomerDemoConnector(_settings(1)), "spreadsheet_customers", cursor) == []
    second = _extract(CustomerDemoConnector(_settings(2)), "spreadsheet_customers", cursor)
    assert second
    before = pl.concat([batch.records for batch in first])
    for batch in second:
        assert batch.snapshot is not None
        ((column, file),) = batch.snapshot.columns
        assert column == "source_file"
        assert set(batch.records["source_file"].to_list()) == {file}
        old = before.filter(pl.col("source_file") == file)
        assert batch.records["file_fingerprint"][0] != old["file_fingerprint"][0]
        assert set(batch.records["record_id"].to_list()) < set(old["record_id"].to_list())
    assert json.loads(second[-1].cursor or "{}").keys() == json.loads(cursor).keys()


def test_truth_keeps_its_ids_across_runs() -> None:
    landed_two = _landed(2)
    truth = set(demo_truth(PEOPLE, SEED)["source_record_id"].to_list())
    ids = set(("crm:" + landed_two["crm_contacts"]["contactid"]).to_list())
    assert ids < truth


# Weather -------------------------------------------------------------------------------


def test_weather_covers_every_area_and_day_but_the_planted_gaps() -> None:
    start, end = _settings().weather_window()
    frame = weather.weather_daily(SEED, start, end)
    cells = len(load_postal_areas()) * (end - start).days
    assert _near(1 - frame.height / cells, weather.GAP_RATE, cells)
    fallback = _share(frame, pl.col("weather_source") == weather.FALLBACK)
    assert _near(fallback, weather.FALLBACK_SHARE, frame.height)
    assert set(frame["weather_source"].unique().to_list()) == {weather.PRIMARY, weather.FALLBACK}
    assert frame.select((pl.col("temperature_min_c") < pl.col("temperature_max_c")).all()).item()
    assert frame["precipitation_mm"].min() == 0.0
    assert frame.select(pl.col("observed_on").max()).item() == date(2026, 2, 28)


def test_weather_of_a_day_does_not_depend_on_the_window() -> None:
    wide = weather.weather_daily(SEED, date(2026, 1, 1), date(2026, 2, 1))
    narrow = weather.weather_daily(SEED, date(2026, 1, 20), date(2026, 1, 25))
    assert narrow.equals(
        wide.filter(pl.col("observed_on").is_between(date(2026, 1, 20), date(2026, 1, 24)))
    )


def test_weather_extends_day_by_day_from_its_cursor() -> None:
    connector = CustomerDemoConnector(_settings())
    (batch,) = _extract(connector, "weather_daily")
    assert batch.cursor == "2026-02-28"
    assert _extract(connector, "weather_daily", batch.cursor) == []
    (later,) = _extract(
        CustomerDemoConnector(
            CustomerDemoSettings(seed=SEED, people=PEOPLE, as_of=date(2026, 3, 3))
        ),
        "weather_daily",
        batch.cursor,
    )
    assert set(later.records["observed_on"].to_list()) <= {date(2026, 3, 1), date(2026, 3, 2)}


# Configuration and documentation -------------------------------------------------------


def test_settings_come_from_the_environment_and_bad_values_name_the_variable() -> None:
    settings = CustomerDemoSettings.from_environment(
        {
            demo_connector.PEOPLE_ENV: "500",
            demo_connector.RUN_ENV: "3",
            demo_connector.AS_OF_ENV: "2026-01-31",
        }
    )
    assert (settings.people, settings.run, settings.as_of) == (500, 3, date(2026, 1, 31))
    defaults = CustomerDemoSettings.from_environment({demo_connector.PEOPLE_ENV: ""})
    assert (defaults.people, defaults.run) == (demo_connector.DEFAULT_PEOPLE, 1)
    with pytest.raises(ValueError, match=demo_connector.PEOPLE_ENV):
        CustomerDemoSettings.from_environment({demo_connector.PEOPLE_ENV: "lots"})
    with pytest.raises(ValueError, match=demo_connector.RUN_ENV):
        CustomerDemoSettings.from_environment({demo_connector.RUN_ENV: "0"})
    with pytest.raises(ValueError, match=demo_connector.AS_OF_ENV):
        CustomerDemoSettings.from_environment({demo_connector.AS_OF_ENV: "01/02/2026"})


def _documented_rates() -> Iterator[tuple[str, float]]:
    yield from population.DUPLICATE_RATES.items()
    yield from population.INVALID_RATES.items()
    yield ("update", entities.UPDATE_RATE)
    yield ("delete", entities.DELETE_RATE)
    yield ("no_contact", population.NO_CONTACT_SHARE)
    yield ("fallback", weather.FALLBACK_SHARE)
    yield ("gap", weather.GAP_RATE)


def test_the_documentation_states_every_rate_the_generator_uses() -> None:
    text = Path(DOC).read_text(encoding="utf-8")
    for name, rate in _documented_rates():
        assert f"`{name}` | {rate:.0%}" in text, name


# Landing through the ingestion machinery ------------------------------------------------


def _ingest_all(connector: CustomerDemoConnector, warehouse: Warehouse, run_id: str) -> dict:
    log = logging.getLogger("tests.customer.demo_source")
    return {
        entity: ingest(connector, BRONZE_CONTRACTS[entity], warehouse, run_id=run_id, log=log)[0]
        for entity in sorted(connector.entities)
    }


def test_every_table_lands_through_the_bronze_contracts_without_quarantine(
    tmp_path: Path,
) -> None:
    warehouse = Warehouse(database=str(tmp_path / "warehouse.duckdb"))
    reports = _ingest_all(CustomerDemoConnector(_settings(1)), warehouse, "run-1")
    for entity, report in reports.items():
        assert report.quarantined == 0, (entity, report.quarantine_reasons)
        assert report.loaded == report.extracted > 0, entity
    with warehouse.connect(read_only=True) as connection:
        (contacts,) = connection.execute("select count(*) from bronze.crm_contacts").fetchone() or (
            0,
        )
    assert contacts == reports["crm_contacts"].loaded


def test_run_two_lands_its_updates_and_soft_deletes(tmp_path: Path) -> None:
    warehouse = Warehouse(database=str(tmp_path / "warehouse.duckdb"))
    _ingest_all(CustomerDemoConnector(_settings(1)), warehouse, "run-1")
    second = CustomerDemoConnector(_settings(2))
    reports = _ingest_all(second, warehouse, "run-2")
    (delta,) = _extract(
        CustomerDemoConnector(_settings(2)),
        "crm_contacts",
        json.dumps({"run": 1, "population": f"{SEED}:{PEOPLE}"}),
    )
    assert reports["crm_contacts"].soft_deleted == len(delta.deleted_keys)
    assert reports["crm_contacts"].updated == delta.records.height
    assert reports["spreadsheet_customers"].soft_deleted > 0
    with warehouse.connect(read_only=True) as connection:
        deleted = connection.execute(
            "select contactid from bronze.crm_contacts where _deleted_at is not null"
        ).fetchall()
    assert {row[0] for row in deleted} == set(delta.deleted_keys)
