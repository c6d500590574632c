"""The demo's records as the bronze tables receive them, as of a run.

Run 1 is the population as ``population.source_records`` makes it. Each later run ``j``
updates ``UPDATE_RATE`` of the records (a move, a new email or a new phone; the CRM's
``modifiedon`` and a workbook's ``updated_at`` become the run's time) and deletes
``DELETE_RATE`` of them for good. Runs happen at fixed times (``run_time``), never the
wall clock, so a run's tables are the same whenever it is generated.

A deleted workbook row is cleared, not removed, as the legacy teams do: the rows below
keep their Excel row numbers and so their record ids.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Final

import polars as pl

from platform_assets.domains.customer.demo_source import vocabulary as words
from platform_assets.domains.customer.demo_source.corruption import pick
from platform_assets.domains.customer.demo_source.population import (
    INTERNATIONAL_STYLE,
    Population,
    area_columns,
    email_address,
    guid,
    moved_area,
    phone_styles,
    source_records,
    with_address,
    with_area,
    with_invalid_values,
    with_phone_number,
)
from platform_assets.ingestion.random_streams import RandomStreams

UPDATE_RATE: Final = 0.05
DELETE_RATE: Final = 0.01
#: Update kinds, drawn uniformly: the person moved, changed email, changed phone.
UPDATE_KINDS: Final = ("moved", "new_email", "new_phone")
RUN_EPOCH: Final = datetime(2025, 7, 1, tzinfo=UTC)
RUN_SPACING: Final = timedelta(days=1)
CREATED_FROM: Final = datetime(2016, 1, 1, tzinfo=UTC)
#: Contacts marked inactive in the CRM; contacts that belong to an organisation.
INACTIVE_SHARE, ACCOUNT_MEMBER_SHARE = 0.06, 0.2
#: People per organisation (crm_accounts).
PEOPLE_PER_ACCOUNT: Final = 40
MOBILE_SHARE: Final = 0.7
CRM_NAME_TRAILING_SPACE: Final = 0.03
#: Workbook names written in upper case, in lower case, or padded with spaces.
SPREADSHEET_NAME_NOISE: Final = (0.10, 0.05, 0.05)


@dataclass(frozen=True)
class Workbook:
    file: str
    sheet: str
    share: float
    has_updated_at: bool


WORKBOOKS: Final = (
    Workbook("legacy_shop_customers.xlsx", "Customers", 0.35, has_updated_at=True),
    Workbook("events_signups.xlsx", "2019", 0.15, has_updated_at=False),
    Workbook("events_signups.xlsx", "2020", 0.15, has_updated_at=False),
    Workbook("newsletter_export.xlsx", "Sheet1", 0.20, has_updated_at=True),
    Workbook("branch_north.xlsx", "Kunden", 0.15, has_updated_at=False),
)
CONTACT_COLUMNS: Final = (
    "contactid", "firstname", "lastname", "emailaddress1", "telephone1", "mobilephone",
    "address1_line1", "address1_city", "address1_postalcode", "address1_country",
    "birthdate", "createdon", "modifiedon", "statecode", "parentcustomerid",
)  # fmt: skip
ACCOUNT_COLUMNS: Final = (
    "accountid", "name", "emailaddress1", "telephone1", "address1_line1", "address1_city",
    "address1_postalcode", "address1_country", "createdon", "modifiedon", "statecode",
)  # fmt: skip
SPREADSHEET_COLUMNS: Final = (
    "record_id", "source_file", "sheet_name", "file_fingerprint", "row_number",
    "customer_ref", "first_name", "last_name", "email", "phone", "address_line1", "city",
    "postal_code", "country", "birth_date", "updated_at",
)  # fmt: skip
#: Columns the connector reads to answer an incremental extract; not landed.
CHANGED_RUN, DELETED_RUN = "_changed_run", "_deleted_run"


def run_time(run: int) -> datetime:
    return RUN_EPOCH + (run - 1) * RUN_SPACING


def _between(start: pl.Expr, end: datetime, u: pl.Expr) -> pl.Expr:
    """A time between ``start`` and ``end`` at fraction ``u`` of the way, whole seconds."""
    seconds = (pl.lit(end) - start).dt.total_seconds() * u
    return start + pl.duration(seconds=seconds.round().cast(pl.Int64))


@lru_cache(maxsize=2)
def identified_records(population: Population) -> pl.DataFrame:
    """Run 1's records with their source ids (``contactid``, or ``record_id`` in a
    workbook sheet) and the id silver gives them (``source_record_id``): the truth
    labels' join key. Cached: the entities of one extract and the truth share it."""
    streams = RandomStreams(population.seed)
    key = pl.col("record_key")
    records = source_records(population)
    cumulative = list(itertools.accumulate(book.share for book in WORKBOOKS))
    book = (
        pl.Series(cumulative)
        .search_sorted(records.select(streams.uniform("workbook", key)).to_series(), side="right")
        .cast(pl.Int64)
        .clip(0, len(WORKBOOKS) - 1)
    )
    spreadsheet = pl.col("source_system") == "spreadsheet"
    records = records.with_columns(
        contactid=guid(streams, "contactid", key, records),
        source_file=pl.when(spreadsheet).then(pick([b.file for b in WORKBOOKS], pl.lit(book))),
        sheet_name=pl.when(spreadsheet).then(pick([b.sheet for b in WORKBOOKS], pl.lit(book))),
    )
    # Rows are in a random order: sorted by record key, a person's records would sit on
    # adjacent rows and give the truth away to a matcher.
    rows = (
        records.filter(spreadsheet)
        .with_columns(_shuffle=streams.bits("row_order", key))
        .sort("_shuffle", "record_key")
        .select(
            "record_key",
            row_number=pl.int_range(2, pl.len() + 2, dtype=pl.Int64).over(
                "source_file", "sheet_name"
            ),
        )
    )
    records = records.join(rows, on="record_key", how="left")
    record_id = pl.concat_str("source_file", pl.lit(":"), "sheet_name", pl.lit(":"), "row_number")
    return records.with_columns(
        contactid=pl.when(spreadsheet).then(None).otherwise(pl.col("contactid")),
        record_id=pl.when(spreadsheet).then(record_id),
        source_record_id=pl.when(spreadsheet)
        .then(pl.concat_str(pl.lit("spreadsheet:"), record_id))
        .otherwise(pl.concat_str(pl.lit("crm:"), pl.col("contactid"))),
    )


def records_at(population: Population, run: int) -> pl.DataFrame:
    """The records as of ``run``, written as the sources hold them, with ``CHANGED_RUN``
    (the run of the last update, 1 when never) and ``DELETED_RUN`` (the run that deleted
    the record, else null)."""
    streams = RandomStreams(population.seed)
    key = pl.col("record_key")
    created = _between(
        pl.lit(CREATED_FROM), RUN_EPOCH - timedelta(days=30), streams.uniform("created", key)
    )
    records = (
        identified_records(population)
        .with_columns(created_at=created)
        .with_columns(
            updated_at=_between(pl.col("created_at"), RUN_EPOCH, streams.uniform("modified", key)),
            **{CHANGED_RUN: pl.lit(1, dtype=pl.Int64), DELETED_RUN: pl.lit(None, dtype=pl.Int64)},
        )
    )
    for later in range(2, run + 1):
        records = _apply_run(records, streams, later)
    return with_invalid_values(records, population.seed)


def _apply_run(records: pl.DataFrame, streams: RandomStreams, run: int) -> pl.DataFrame:
    """Run ``run``'s updates and deletes: a record deleted stays deleted."""
    key = pl.col("record_key")
    alive = pl.col(DELETED_RUN).is_null()
    updated = alive & (streams.uniform("update", key, run) < UPDATE_RATE)
    stream = f"update_{run}"
    records = records.with_columns(
        _kind=pl.when(updated).then(
            streams.integers("update_kind", 0, len(UPDATE_KINDS), key, run)
        ),
        **{
            DELETED_RUN: pl.when(alive & (streams.uniform("delete", key, run) < DELETE_RATE))
            .then(pl.lit(run, dtype=pl.Int64))
            .otherwise(pl.col(DELETED_RUN))
        },
    )
    moved = pl.col("_kind") == UPDATE_KINDS.index("moved")
    records = with_area(
        records.with_columns(
            area_idx=pl.when(moved)
            .then(moved_area(streams.integers(f"{stream}_area", 0, 10**6, key)))
            .otherwise(pl.col("area_idx"))
        )
    )
    records = with_address(records, streams, f"{stream}_address", "_new_address", key)
    records = with_phone_number(records, streams, f"{stream}_phone", "_new_phone", key)
    new_email = email_address(
        pl.col("first_name"),
        pl.col("last_name"),
        streams.integers(f"{stream}_email_style", 0, 3, key),
        streams.integers(f"{stream}_email_number", 100, 10**6, key),
        streams.integers(f"{stream}_email_domain", 0, len(words.EMAIL_DOMAINS), key),
    )
    at = pl.lit(run_time(run)) + pl.duration(
        minutes=streams.integers(f"{stream}_minute", 0, 600, key)
    )
    return records.with_columns(
        address_line1=pl.when(moved)
        .then(pl.col("_new_address"))
        .otherwise(pl.col("address_line1")),
        email=pl.when(pl.col("_kind") == UPDATE_KINDS.index("new_email"))
        .then(new_email)
        .otherwise(pl.col("email")),
        phone_number=pl.when(pl.col("_kind") == UPDATE_KINDS.index("new_phone"))
        .then(pl.col("_new_phone"))
        .otherwise(pl.col("phone_number")),
        updated_at=pl.when(pl.col("_kind").is_not_null()).then(at).otherwise(pl.col("updated_at")),
        **{
            CHANGED_RUN: pl.when(pl.col("_kind").is_not_null())
            .then(pl.lit(run, dtype=pl.Int64))
            .otherwise(pl.col(CHANGED_RUN))
        },
    ).drop("_kind", "_new_address", "_new_phone")


def crm_contacts(records: pl.DataFrame, seed: int, accounts: int) -> pl.DataFrame:
    """The CRM's contacts among ``records`` (deleted ones included; the connector
    filters), with ``CHANGED_RUN`` and ``DELETED_RUN``; some belong to one of the
    ``accounts`` (at least one)."""
    streams = RandomStreams(seed)
    key = pl.col("record_key")
    # In the CRM's order (by id), not the population's: neighbours must not be relatives.
    contacts = records.filter(pl.col("source_system") == "crm").sort("contactid")
    account = pick(
        account_ids(seed, accounts).to_list(), streams.integers("account", 0, accounts, key)
    )
    contacts = contacts.with_columns(
        parentcustomerid=pl.when(
            streams.uniform("account_member", key) < ACCOUNT_MEMBER_SHARE
        ).then(account)
    )
    mobile = streams.uniform("mobile", key) < MOBILE_SHARE
    padded = streams.uniform("crm_name_space", key) < CRM_NAME_TRAILING_SPACE
    return contacts.select(
        contactid=pl.col("contactid"),
        firstname=pl.when(padded)
        .then(pl.concat_str("first_name", pl.lit(" ")))
        .otherwise("first_name"),
        lastname=pl.col("last_name"),
        emailaddress1=pl.col("email"),
        telephone1=pl.when(mobile).then(None).otherwise(pl.col("phone")),
        mobilephone=pl.when(mobile).then(pl.col("phone")),
        address1_line1=pl.col("address_line1"),
        address1_city=pl.col("city"),
        address1_postalcode=pl.col("postal_code"),
        address1_country=pl.col("country"),
        birthdate=pl.col("birth_date_text"),
        createdon=pl.col("created_at"),
        modifiedon=pl.col("updated_at"),
        statecode=(streams.uniform("inactive", key) < INACTIVE_SHARE).cast(pl.Int64),
        parentcustomerid=pl.col("parentcustomerid"),
        **{CHANGED_RUN: pl.col(CHANGED_RUN), DELETED_RUN: pl.col(DELETED_RUN)},
    )


def account_ids(seed: int, accounts: int) -> pl.Series:
    streams = RandomStreams(seed)
    frame = pl.DataFrame({"account_idx": pl.int_range(accounts, dtype=pl.Int64, eager=True)})
    return guid(streams, "accountid", pl.col("account_idx"), frame)


def crm_accounts(seed: int, accounts: int) -> pl.DataFrame:
    """The organisations contacts belong to: a name with the country's legal form, a
    shared mailbox and switchboard, an address. They are not people: no truth labels."""
    streams = RandomStreams(seed)
    index = pl.col("account_idx")
    frame = pl.DataFrame({"account_idx": pl.int_range(accounts, dtype=pl.Int64, eager=True)})
    frame = with_area(
        frame.with_columns(
            area_idx=streams.integers("account_area", 0, area_columns().height, index).cast(
                pl.UInt32
            )
        )
    )
    frame = with_address(frame, streams, "account_address", "address_line1", index)
    frame = with_phone_number(frame, streams, "account_phone", "phone_number", index)
    word = pick(words.ORGANISATION_WORDS, index)
    countries = list(words.LEGAL_FORMS)
    legal_form = pick(
        list(words.LEGAL_FORMS.values()),
        pl.col("country_code").replace_strict(
            countries, range(len(countries)), return_dtype=pl.Int64
        ),
    )
    suffix = (
        pl.when(index >= len(words.ORGANISATION_WORDS))
        .then(pl.concat_str(pl.lit(" "), (index // len(words.ORGANISATION_WORDS)).cast(pl.String)))
        .otherwise(pl.lit(""))
    )
    domain = pl.concat_str(
        word.str.to_lowercase().str.replace_all(r"[^a-z]", ""),
        (index // len(words.ORGANISATION_WORDS)).cast(pl.String),
        pl.lit(".example"),
    )
    created = _between(
        pl.lit(CREATED_FROM),
        RUN_EPOCH - timedelta(days=30),
        streams.uniform("account_created", index),
    )
    frame = frame.with_columns(
        accountid=account_ids(seed, accounts),
        name=pl.concat_str(word, suffix, pl.lit(" "), legal_form),
        emailaddress1=pl.concat_str(pl.lit("info@"), domain),
        createdon=created,
        statecode=pl.lit(0, dtype=pl.Int64),
    )
    modified = _between(pl.col("createdon"), RUN_EPOCH, streams.uniform("account_modified", index))
    return frame.with_columns(modifiedon=modified).select(
        "accountid", "name", "emailaddress1",
        telephone1=phone_styles()[INTERNATIONAL_STYLE],
        address1_line1="address_line1", address1_city="city",
        address1_postalcode="postal_code", address1_country="country_code",
        createdon="createdon", modifiedon="modifiedon", statecode="statecode",
    )  # fmt: skip


def spreadsheet_customers(records: pl.DataFrame, population: Population) -> pl.DataFrame:
    """The workbooks' rows among ``records`` (deleted ones included; the connector
    filters), names written with the workbooks' case noise, and each file's fingerprint
    as of the records' run: a file changes in every run that updated or cleared one of
    its rows."""
    streams = RandomStreams(population.seed)
    key = pl.col("record_key")
    rows = records.filter(pl.col("source_system") == "spreadsheet").sort(
        "source_file", "sheet_name", "row_number"
    )
    upper, lower, padded = itertools.accumulate(SPREADSHEET_NAME_NOISE)
    noise = streams.uniform("sheet_name_noise", key)

    def written(name: str) -> pl.Expr:
        return (
            pl.when(noise < upper)
            .then(pl.col(name).str.to_uppercase())
            .when(noise < lower)
            .then(pl.col(name).str.to_lowercase())
            .when(noise < padded)
            .then(pl.concat_str(pl.lit("  "), pl.col(name), pl.lit(" ")))
            .otherwise(pl.col(name))
        )

    versions = rows.group_by("source_file").agg(
        pl.max_horizontal(CHANGED_RUN, pl.col(DELETED_RUN).fill_null(1)).max().alias("version")
    )
    fingerprints = versions.with_columns(
        file_fingerprint=pl.Series(
            [
                file_fingerprint(population, file, version)
                for file, version in versions.select("source_file", "version").iter_rows()
            ],
            dtype=pl.String,
        )
    )
    with_updated_at = [book.file for book in WORKBOOKS if book.has_updated_at]
    return rows.join(fingerprints, on="source_file", how="left").select(
        "record_id", "source_file", "sheet_name", "file_fingerprint", "row_number",
        customer_ref=streams.integers("customer_ref", 10**6, 10**7, key).cast(pl.String),
        first_name=written("first_name"),
        last_name=written("last_name"),
        email="email", phone="phone", address_line1="address_line1", city="city",
        postal_code="postal_code", country="country", birth_date="birth_date_text",
        updated_at=pl.when(pl.col("source_file").is_in(with_updated_at)).then(pl.col("updated_at")),
        **{CHANGED_RUN: pl.col(CHANGED_RUN), DELETED_RUN: pl.col(DELETED_RUN)},
    )  # fmt: skip


def file_fingerprint(population: Population, file: str, version: int) -> str:
    """Stands in for the SHA-256 of the workbook's bytes (the demo writes no file): it
    changes exactly when the file's content does."""
    content = f"customer-demo|{population.seed}|{population.people}|{file}|{version}"
    return hashlib.sha256(content.encode()).hexdigest()
