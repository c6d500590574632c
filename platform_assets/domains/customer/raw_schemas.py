"""The bronze customer tables as Pandera models: what each source sends, as received.

Bronze keeps the source's own column names and values (Dataverse's ``emailaddress1``,
a workbook's text dates), so nothing the source said is lost before silver standardises
it. Every column that can name, reach or locate a person is ``pii``: bronze is
``restricted`` (the raw-asset builder tags it), and only gold's consumer table, masked and
pseudonymised by its SQL, is meant for consumers. Soft deletes and the row hash are
written by the loader (``Config.metadata``), not by the connectors.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import pandera.polars as pa
from pandera.engines.polars_engine import DateTime

from platform_assets.ingestion import TableContract
from platform_assets.ingestion.contract import FUTURE_TOLERANCE_KEY, MAX_BYTES_KEY

BRONZE_SCHEMA: Final = "bronze"
#: Names, emails, phones and address lines: generous for what a CRM or a workbook holds,
#: small enough that a corrupted 16 MiB cell is quarantined, not landed.
TEXT_BYTES: Final = 1024
#: Dataverse and spreadsheet edits are made by people and servers whose clocks drift.
FUTURE_TOLERANCE_HOURS: Final = 24
#: Dataverse rows and workbook updates carry timestamps after the CRM era began.
RECORDED_SINCE: Final = dt.datetime(1990, 1, 1, tzinfo=dt.UTC)
#: Weather observations of the archive start with its records.
WEATHER_SINCE: Final = dt.date(1940, 1, 1)
#: A row deleted at the source stays in bronze, marked, until retention purges it; its
#: data may be gone from the table entirely (Dataverse sends only the id of a deletion).
TABLE_OPTIONS: Final = {"soft_deletes": True, "row_hash": True}


def _text(description: str, *, pii: bool, nullable: bool = True, **kwargs: Any) -> Any:
    classification = {"pii": True, "pii_protection": "restricted"} if pii else {"pii": False}
    return pa.Field(
        description=description,
        nullable=nullable,
        metadata={**classification, MAX_BYTES_KEY: TEXT_BYTES},
        **kwargs,
    )


def _key(description: str) -> Any:
    return _text(description, pii=False, nullable=False, unique=True)


def _utc(description: str, *, nullable: bool = True, **kwargs: Any) -> Any:
    return pa.Field(
        description=description,
        nullable=nullable,
        ge=RECORDED_SINCE,
        metadata={"pii": False, FUTURE_TOLERANCE_KEY: FUTURE_TOLERANCE_HOURS},
        dtype_kwargs={"time_unit": "us", "time_zone": "UTC"},
        **kwargs,
    )


class _Lineage(pa.DataFrameModel):
    """The lineage columns every bronze row carries (aliases: Pandera ignores attributes
    whose names start with an underscore)."""

    source_lineage: str = _text(
        "Connector that landed the row: demo, dataverse, spreadsheet or weather.",
        pii=False,
        nullable=False,
        alias="_source",
    )
    loaded_at_lineage: DateTime = _utc(
        "When the row was last inserted or changed (UTC); an unchanged row keeps it.",
        nullable=False,
        alias="_loaded_at",
    )
    run_id_lineage: str = _text(
        "Dagster run that last inserted or changed the row.",
        pii=False,
        nullable=False,
        alias="_run_id",
    )
    row_hash_lineage: str = _text(
        "sha256 of the row's data columns, written by the loader: changes exactly when "
        "the data does.",
        pii=False,
        nullable=False,
        alias="_row_hash",
    )
    extras_lineage: str = _text(
        "The source's fields the contract does not know yet, as a JSON object; NULL when "
        "none (docs/schema-evolution.md). May hold personal data.",
        pii=True,
        alias="_extras",
    )


class _SoftDeletedLineage(_Lineage):
    """Tables whose source reports deletions keep the deleted rows, marked."""

    deleted_at_lineage: DateTime = _utc(
        "When the source deleted the row (UTC); NULL while it exists.",
        nullable=True,
        alias="_deleted_at",
    )


class CrmContacts(_SoftDeletedLineage):
    contactid: str = _key("Dataverse contact id (GUID).")
    firstname: str = _text("First name as entered in the CRM.", pii=True)
    lastname: str = _text("Last name as entered in the CRM.", pii=True)
    emailaddress1: str = _text("Primary email address, unvalidated.", pii=True)
    telephone1: str = _text("Business phone, in whatever format was typed.", pii=True)
    mobilephone: str = _text("Mobile phone, in whatever format was typed.", pii=True)
    address1_line1: str = _text("First line of the postal address.", pii=True)
    address1_city: str = _text("City of the postal address.", pii=True)
    address1_postalcode: str = _text("Postal code, unvalidated.", pii=True)
    address1_country: str = _text("Country as typed (a name or a code).", pii=False)
    birthdate: str = _text("Date of birth as Dataverse sends it (YYYY-MM-DD).", pii=True)
    createdon: DateTime = _utc("When the contact was created in the CRM (UTC).")
    modifiedon: DateTime = _utc("When the contact last changed in the CRM (UTC).")
    statecode: int = pa.Field(
        description="0 active, 1 inactive.",
        nullable=True,
        ge=0,
        le=1,
        metadata={"pii": False},
    )
    parentcustomerid: str = _text(
        "The account the contact belongs to (Dataverse `_parentcustomerid_value`; renamed "
        "because a leading underscore marks the platform's lineage columns).",
        pii=False,
    )

    class Config:
        name = "bronze_crm_contacts"
        strict = True
        metadata = TABLE_OPTIONS


class CrmAccounts(_SoftDeletedLineage):
    accountid: str = _key("Dataverse account id (GUID).")
    name: str = _text("Organisation name.", pii=False)
    emailaddress1: str = _text("Primary email address of the organisation.", pii=True)
    telephone1: str = _text("Main phone of the organisation.", pii=True)
    address1_line1: str = _text("First line of the postal address.", pii=True)
    address1_city: str = _text("City of the postal address.", pii=False)
    address1_postalcode: str = _text("Postal code, unvalidated.", pii=False)
    address1_country: str = _text("Country as typed (a name or a code).", pii=False)
    createdon: DateTime = _utc("When the account was created in the CRM (UTC).")
    modifiedon: DateTime = _utc("When the account last changed in the CRM (UTC).")
    statecode: int = pa.Field(
        description="0 active, 1 inactive.",
        nullable=True,
        ge=0,
        le=1,
        metadata={"pii": False},
    )

    class Config:
        name = "bronze_crm_accounts"
        strict = True
        metadata = TABLE_OPTIONS


class SpreadsheetCustomers(_SoftDeletedLineage):
    record_id: str = _key("`<file name>:<sheet name>:<Excel row number>`.")
    source_file: str = _text("Workbook file name.", pii=False, nullable=False)
    sheet_name: str = _text("Sheet of the workbook.", pii=False, nullable=False)
    file_fingerprint: str = _text(
        "SHA-256 of the workbook's bytes: the version of the file the row came from.",
        pii=False,
        nullable=False,
    )
    row_number: int = pa.Field(
        description="Excel row number of the record (1 is the header row).",
        ge=2,
        metadata={"pii": False},
    )
    customer_ref: str = _text("The legacy system's customer id, as digits or text.", pii=False)
    first_name: str = _text("First name as written in the workbook.", pii=True)
    last_name: str = _text("Last name as written in the workbook.", pii=True)
    email: str = _text("Email address, unvalidated.", pii=True)
    phone: str = _text("Phone number, unvalidated.", pii=True)
    address_line1: str = _text("First line of the postal address.", pii=True)
    city: str = _text("City of the postal address.", pii=True)
    postal_code: str = _text("Postal code, unvalidated.", pii=True)
    country: str = _text("Country as written (a name or a code).", pii=False)
    birth_date: str = _text(
        "Date of birth: ISO YYYY-MM-DD when the connector could read the cell (an Excel "
        "serial or a text date), else the text as written.",
        pii=True,
    )
    updated_at: DateTime = _utc("The workbook's 'last updated' value, where it has one (UTC).")

    class Config:
        name = "bronze_spreadsheet_customers"
        strict = True
        metadata = TABLE_OPTIONS


class WeatherDaily(_Lineage):
    country_code: str = _text(
        "ISO 3166-1 alpha-2 code of the postal area.", pii=False, nullable=False
    )
    postal_code: str = _text("Postal area the observation is for.", pii=False, nullable=False)
    observed_on: dt.date = pa.Field(
        description="Day of the observation (UTC).", ge=WEATHER_SINCE, metadata={"pii": False}
    )
    temperature_max_c: float = pa.Field(
        description="Daily maximum air temperature at 2 m, °C.",
        nullable=True,
        in_range={"min_value": -90.0, "max_value": 60.0},
        metadata={"pii": False},
    )
    temperature_min_c: float = pa.Field(
        description="Daily minimum air temperature at 2 m, °C.",
        nullable=True,
        in_range={"min_value": -90.0, "max_value": 60.0},
        metadata={"pii": False},
    )
    precipitation_mm: float = pa.Field(
        description="Daily precipitation sum, mm.",
        nullable=True,
        in_range={"min_value": 0.0, "max_value": 2000.0},
        metadata={"pii": False},
    )
    weather_source: str = _text(
        "Provenance: `open-meteo` (the primary) or `fallback:<name>`.", pii=False, nullable=False
    )

    class Config:
        name = "bronze_weather_daily"
        strict = True
        unique = ["country_code", "postal_code", "observed_on"]
        metadata = {"row_hash": True}


BRONZE_TABLE_MODELS: Final[dict[str, type[pa.DataFrameModel]]] = {
    "crm_contacts": CrmContacts,
    "crm_accounts": CrmAccounts,
    "spreadsheet_customers": SpreadsheetCustomers,
    "weather_daily": WeatherDaily,
}

BRONZE_CONTRACTS: Final = {
    table: TableContract.from_pandera(model, schema=BRONZE_SCHEMA, table=table)
    for table, model in BRONZE_TABLE_MODELS.items()
}
