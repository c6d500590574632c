"""``silver/contact_validation``: every email and phone the customer sources sent, checked
by the libraries made for it, for silver to join.

Email syntax and phone numbering plans are too intricate for regular expressions in SQL
(internationalised domains, quoted local parts, per-country number lengths and ranges),
and DuckDB's Python UDFs need numpy, which the platform does not install. So this asset
validates each distinct raw value once in Python, with ``email-validator`` (no network
check: a deliverability lookup would make a build depend on DNS) and ``phonenumbers``
(the phone's country from the record's address as the region hint), and writes one row
per (kind, raw value, country): its normalised form, or why it is invalid. Silver's
models join this table; they never parse an email or a phone themselves.

The table is rebuilt in full each run in one transaction (the warehouse IO manager's
replace), so a value no source holds any more (an erased customer's email) leaves it. A
value the previous run validated with the same library versions keeps its result rather
than being validated again: each value costs 50-80 microseconds, minutes at a million
customers, and the libraries are deterministic. A new version of either library
(``validated_with``) validates everything again.
"""

# No `from __future__ import annotations`: Dagster reads the `context` annotation of an
# op's function at definition time and rejects it as a string.

from collections.abc import Iterable, Mapping
from importlib.metadata import version
from typing import Any, Final

import dagster as dg
import pandera.polars as pa
import phonenumbers
import polars as pl
from email_validator import EmailNotValidError, validate_email

from platform_assets.domains.customer.country_codes import country_code
from platform_assets.domains.customer.pii_key_guard import refuse_without_configured_key
from platform_assets.staged_assets import staged_asset
from platform_assets.stages import DeliveryStage, Sla
from platform_assets.stages.contract_metadata import ACCESS_TAG
from platform_assets.warehouse import Warehouse, WarehouseSession

OWNERS: Final = ["team:customer-data"]
VERSION: Final = "1.0.0"
BRONZE: Final = "bronze"
EMAIL: Final = "email"
PHONE: Final = "phone"
#: An email needs no region; '' rather than NULL keeps (kind, raw_value, country_code) a
#: key that joins with `=`.
NO_COUNTRY: Final = ""
SILVER: Final = "silver"
TABLE: Final = "contact_validation"
#: The validators a result comes from; a result of other versions is not reused.
VALIDATED_WITH: Final = (
    f"email-validator {version('email-validator')}; phonenumbers {version('phonenumbers')}"
)

ContactKey = tuple[str, str, str]
Validation = tuple[str | None, str | None]

#: Where each source keeps its emails, phones and the country of the record's address:
#: bronze table → (email columns, phone columns, country column).
CONTACT_COLUMNS: Final = {
    "crm_contacts": (("emailaddress1",), ("telephone1", "mobilephone"), "address1_country"),
    "crm_accounts": (("emailaddress1",), ("telephone1",), "address1_country"),
    "spreadsheet_customers": (("email",), ("phone",), "country"),
}


def _field(description: str, *, pii: bool, **checks: Any) -> Any:
    classification = {"pii": True, "pii_protection": "restricted"} if pii else {"pii": False}
    return pa.Field(description=description, metadata=classification, **checks)


class ContactValidation(pa.DataFrameModel):
    kind: str = _field("email or phone.", pii=False, isin=[EMAIL, PHONE])
    raw_value: str = _field("The value exactly as bronze holds it.", pii=True)
    country_code: str = _field(
        "ISO 3166-1 alpha-2 code of the record's country, the region a national phone "
        "number is read in; '' for emails and for records whose country is blank or unknown.",
        pii=False,
    )
    normalized_value: str = _field(
        "The email as email-validator normalises it, lower-cased; the phone in E.164. NULL "
        "when invalid.",
        pii=True,
        nullable=True,
    )
    invalid_reason: str = _field(
        "Why the value is invalid, prefixed by its kind (`email: ...`, `phone: ...`); NULL "
        "when valid.",
        pii=False,
        nullable=True,
    )
    validated_with: str = _field(
        "The library versions that validated the value (email-validator, phonenumbers).",
        pii=False,
    )

    class Config:
        name = "contact_validation"
        strict = True
        unique = ["kind", "raw_value", "country_code"]


def validate_email_value(raw: str) -> Validation:
    """(normalised, None) or (None, reason)."""
    try:
        checked = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        return None, f"{EMAIL}: {error}"
    return checked.normalized.lower(), None


#: Why phonenumbers could not parse a value, by its error type, in words for a data steward
#: (the library's own messages start with a numeric code).
_PARSE = phonenumbers.NumberParseException
PARSE_ERRORS: Final = {
    _PARSE.INVALID_COUNTRY_CODE: "no valid country calling code, and the record's country "
    "is unknown, so a national number cannot be read",
    _PARSE.NOT_A_NUMBER: "not a phone number",
    _PARSE.TOO_SHORT_AFTER_IDD: "too short after the international prefix",
    _PARSE.TOO_SHORT_NSN: "too short",
    _PARSE.TOO_LONG: "too long",
}


def validate_phone_value(raw: str, region: str) -> Validation:
    """(E.164, None) or (None, reason); ``region`` '' reads only international numbers."""
    try:
        number = phonenumbers.parse(raw, region or None)
    except phonenumbers.NumberParseException as error:
        return None, f"{PHONE}: {PARSE_ERRORS.get(error.error_type, str(error))}"
    if not phonenumbers.is_valid_number(number):
        where = f" for {region}" if region else ""
        return None, f"{PHONE}: not a valid number{where}"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None


def validate_contact(kind: str, raw: str, region: str) -> Validation:
    if kind == EMAIL:
        return validate_email_value(raw)
    return validate_phone_value(raw, region)


def validate_contacts(
    raw_contacts: Iterable[tuple[str, str, str | None]],
    previous: Mapping[ContactKey, Validation] | None = None,
) -> pl.DataFrame:
    """One row per distinct (kind, raw value, country code) of ``(kind, raw value, typed
    country)`` triples, ordered so a rerun writes an identical table; a key in
    ``previous`` (results of the same library versions) keeps its result."""
    keys = set()
    for kind, raw, country in raw_contacts:
        region = NO_COUNTRY if kind == EMAIL else (country_code(country) or NO_COUNTRY)
        keys.add((kind, raw, region))
    known = previous or {}
    rows = []
    for key in sorted(keys):
        normalized, reason = known[key] if key in known else validate_contact(*key)
        rows.append((*key, normalized, reason, VALIDATED_WITH))
    return pl.DataFrame(
        rows,
        schema={
            "kind": pl.String,
            "raw_value": pl.String,
            "country_code": pl.String,
            "normalized_value": pl.String,
            "invalid_reason": pl.String,
            "validated_with": pl.String,
        },
        orient="row",
    )


def read_previous_results(session: WarehouseSession) -> dict[ContactKey, Validation]:
    """The previous run's results by the current library versions; none when the table
    does not exist yet."""
    columns = {
        name
        for (name,) in session.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            [SILVER, TABLE],
        ).fetchall()
    }
    if "validated_with" not in columns:
        return {}
    rows = session.execute(
        f"select kind, raw_value, country_code, normalized_value, invalid_reason "
        f"from {SILVER}.{TABLE} where validated_with = ?",
        [VALIDATED_WITH],
    ).fetchall()
    return {
        (kind, raw, region): (normalized, reason) for kind, raw, region, normalized, reason in rows
    }


def read_raw_contacts(session: WarehouseSession) -> list[tuple[str, str, str | None]]:
    """The distinct non-blank emails and phones of every bronze customer table, with the
    country typed on their record. Soft-deleted rows count too: silver keeps them, marked,
    and joins their values. A table not landed yet holds none."""
    landed = {
        name
        for (name,) in session.execute(
            "select table_name from information_schema.tables where table_schema = ?", [BRONZE]
        ).fetchall()
    }
    selects = [
        f"select '{kind}' as kind, {column} as raw_value, {country} as country "
        f"from {BRONZE}.{table}"
        for table, (emails, phones, country) in CONTACT_COLUMNS.items()
        if table in landed
        for kind, columns in ((EMAIL, emails), (PHONE, phones))
        for column in columns
    ]
    if not selects:
        return []
    # PostgreSQL 15 wants an alias on a subquery in FROM
    query = (
        "select distinct kind, raw_value, country from ("
        + " union all ".join(selects)
        + ") as contacts where trim(raw_value) <> ''"
    )
    return [(kind, raw, country) for kind, raw, country in session.execute(query).fetchall()]


#: GA: the silver models that feed the GA gold read it, and a GA asset may not depend on a
#: weaker one.
STAGE: Final = DeliveryStage.GA


@staged_asset(
    stage=STAGE,
    domain="customer",
    layer="silver",
    schema=ContactValidation,
    owners=OWNERS,
    version=VERSION,
    sla=Sla(freshness_hours=1, success_rate=0.99),
    runbook="docs/runbooks/customer.md",
    deps=[dg.AssetKey([BRONZE, table]) for table in CONTACT_COLUMNS],
    name=TABLE,
    # raw emails and phones, as bronze holds them
    tags={ACCESS_TAG: "restricted"},
)
def contact_validation(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.Output:
    """Every distinct email and phone of the bronze customer tables (with the record's
    country as the phone's region), validated by email-validator (syntax only, no DNS) and
    phonenumbers: the normalised email or the E.164 phone, or the reason it is invalid.
    Silver joins it by (kind, raw_value, country_code)."""
    refuse_without_configured_key(STAGE)
    # read-write: a fresh warehouse file does not exist yet, and read-only cannot create it;
    # the transformer reads bronze and the silver table it writes
    with warehouse.connect(role="transformer") as session:
        raw_contacts = read_raw_contacts(session)
        previous = read_previous_results(session)
    frame = validate_contacts(raw_contacts, previous)
    reused = sum(
        1
        for row in frame.select("kind", "raw_value", "country_code").iter_rows()
        if row in previous
    )
    counts = {
        f"{kind}_{'valid' if valid else 'invalid'}": count
        for kind, valid, count in frame.group_by(
            "kind", pl.col("invalid_reason").is_null().alias("valid")
        )
        .len()
        .iter_rows()
    }
    context.log.info(f"validated {frame.height} contact values: {counts}")
    return dg.Output(
        frame,
        metadata={
            "values": frame.height,
            "reused": reused,
            "validated": frame.height - reused,
            **counts,
        },
    )
