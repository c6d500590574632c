"""Erasure (GDPR art. 17): one customer out of every layer, in one transaction.

The customer's source records are found through ``gold.customer_source_xref``; every
base table of the customer layers (bronze, silver, gold) loses the rows that name one of
them by an identifying column, ``silver.contact_validation`` the rows of their email and
phone values, ``ops.quarantine`` the rows of their record keys. The same transaction
adds keyed digests of their record keys and emails to ``ops.erasure_suppression``, which
the ingestion reads to drop them when a source sends them again, and appends an entry to
the hash-chained ``ops.erasure_log``. A failure anywhere rolls all of it back; a dry run
does all of it and rolls back, so its counts are exact.

The tables are found by their columns, not listed, so a table added later to a customer
layer that names a customer by one of these columns is erased without a change here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from platform_assets.privacy.dry_run import transaction_or_dry_run
from platform_assets.privacy.erasure_log import append_erasure_entry
from platform_assets.privacy.keyed_digest import (
    customer_key_digest,
    email_digest,
    record_key_digest,
)
from platform_assets.privacy.suppression_list import SUPPRESSION_TABLE
from platform_assets.privacy.warehouse_catalog import base_tables
from platform_assets.warehouse import Warehouse, WarehouseSession, quote_identifier
from platform_assets.warehouse.migrations.guard import ensure_current

CUSTOMER_SCHEMAS: Final = ("bronze", "silver", "gold")
XREF: Final = ("gold", "customer_source_xref")
CUSTOMER_RECORDS: Final = ("silver", "customer_records")
DIM_CUSTOMER: Final = ("gold", "dim_customer")
CONTACT_VALIDATION: Final = ("silver", "contact_validation")
QUARANTINE: Final = ("ops", "quarantine")


@dataclass(frozen=True)
class SourceSystem:
    """Where a source system's records land in bronze."""

    name: str
    bronze_table: str
    key_column: str
    email_column: str
    phone_columns: tuple[str, ...]

    @property
    def prefix(self) -> str:
        return f"{self.name}:"


SOURCE_SYSTEMS: Final = (
    SourceSystem(
        "crm", "crm_contacts", "contactid", "emailaddress1", ("telephone1", "mobilephone")
    ),
    SourceSystem("spreadsheet", "spreadsheet_customers", "record_id", "email", ("phone",)),
)


class ErasureError(RuntimeError):
    """The erasure cannot proceed: the message says why and what to check."""


@dataclass(frozen=True)
class SourceRecord:
    system: SourceSystem
    record_key: str
    source: str
    """The ingestion's source id (bronze ``_source``), part of the suppression digest."""
    email: str | None

    @property
    def source_record_id(self) -> str:
        return f"{self.system.prefix}{self.record_key}"


@dataclass(frozen=True)
class ErasureResult:
    erasure_id: str
    customer_count: int
    source_records: int
    rows_removed: Mapping[str, int]
    suppressed: int
    dry_run: bool


def erase_customer(
    warehouse: Warehouse,
    *,
    key: bytes,
    customer_key: str | None = None,
    email: str | None = None,
    reason: str,
    dry_run: bool = False,
    now: datetime | None = None,
) -> ErasureResult:
    """Erases the customer named by ``customer_key`` or ``email`` (every customer the
    email resolves to, and the bronze rows the source deleted that hold it, which are
    all there is of a person whose records the source deleted before they asked).
    ``key`` is the pseudonym key the ingestion digests with."""
    if (customer_key is None) == (email is None):
        raise ErasureError("name the customer by exactly one of a customer key or an email")
    erased_at = now or datetime.now(UTC)
    erasure_id = uuid.uuid4().hex
    ensure_current(warehouse)
    with transaction_or_dry_run(warehouse, dry_run=dry_run) as session:
        tables = base_tables(session, (*CUSTOMER_SCHEMAS, "ops"))
        customer_keys = (
            _keys_of_customer(session, tables, customer_key)
            if customer_key is not None
            else _keys_of_email(session, tables, str(email))
        )
        records = _source_records(session, tables, customer_keys, email)
        if not records:
            raise ErasureError(
                "no customer has that email in silver.customer_records, gold.dim_customer "
                "or the deleted rows of bronze: check the address, or erase by "
                "--customer-key"
            )
        contact_values = _contact_values(session, tables, records)
        rows_removed = _delete_everywhere(session, tables, customer_keys, records, contact_values)
        suppressed = _suppress(session, key, records, erased_at, erasure_id)
        append_erasure_entry(
            session,
            erasure_id=erasure_id,
            erased_at=erased_at,
            # only rows the source deleted held the email: no customer key to digest
            customer_key_digest=customer_key_digest(key, customer_keys)
            if customer_keys
            else email_digest(key, str(email)),
            reason=reason,
            rows_removed=rows_removed,
        )
    return ErasureResult(
        erasure_id, len(customer_keys), len(records), rows_removed, suppressed, dry_run
    )


Tables = Mapping[tuple[str, str], frozenset[str]]


def _require(tables: Tables, table: tuple[str, str]) -> None:
    if table not in tables:
        raise ErasureError(
            f"the warehouse has no {'.'.join(table)}: no customer has been resolved yet, "
            "so there is no one to erase (check --warehouse / PLATFORM_WAREHOUSE_PATH)"
        )


def _keys_of_customer(session: WarehouseSession, tables: Tables, customer_key: str) -> list[str]:
    _require(tables, XREF)
    found = session.execute(
        "select count(*) from gold.customer_source_xref where customer_key = ?", [customer_key]
    ).fetchall()[0][0]
    if not found:
        raise ErasureError(
            f"no customer {customer_key!r} in gold.customer_source_xref: check the key "
            "(`cust_` and 16 hex digits), or erase by --email"
        )
    return [customer_key]


def _keys_of_email(session: WarehouseSession, tables: Tables, email: str) -> list[str]:
    _require(tables, XREF)
    address = email.strip().lower()
    lookups = []
    if "email" in tables.get(CUSTOMER_RECORDS, frozenset()):
        lookups.append(
            "select x.customer_key from gold.customer_source_xref x "
            "join silver.customer_records r using (source_record_id) "
            "where lower(trim(r.email)) = ?"
        )
    if "email" in tables.get(DIM_CUSTOMER, frozenset()):
        lookups.append("select customer_key from gold.dim_customer where lower(trim(email)) = ?")
    keys = (
        [
            row[0]
            for row in session.execute(
                f"select distinct customer_key from ({' union '.join(lookups)}) as found "
                "order by customer_key",
                [address] * len(lookups),
            ).fetchall()
        ]
        if lookups
        else []
    )
    return keys


def _source_records(
    session: WarehouseSession,
    tables: Tables,
    customer_keys: Sequence[str],
    email: str | None,
) -> list[SourceRecord]:
    ids = [
        row[0]
        for row in session.execute(
            "select source_record_id from gold.customer_source_xref "
            "where customer_key in (select unnest(?::VARCHAR[])) order by source_record_id",
            [list(customer_keys)],
        ).fetchall()
    ]
    silver_emails = _silver_emails(session, tables, ids)
    records = []
    for system in SOURCE_SYSTEMS:
        keys = [i.removeprefix(system.prefix) for i in ids if i.startswith(system.prefix)]
        bronze = _bronze_rows(session, tables, system, keys)
        for record_key in keys:
            source, address = bronze.get(record_key, (system.name, None))
            records.append(
                SourceRecord(
                    system,
                    record_key,
                    source,
                    address or silver_emails.get(f"{system.prefix}{record_key}"),
                )
            )
    emails = {r.email.strip().lower() for r in records if r.email} | (
        {email.strip().lower()} if email else set()
    )
    return records + _deleted_records_of(session, tables, emails, records)


def _deleted_records_of(
    session: WarehouseSession,
    tables: Tables,
    emails: set[str],
    known: Sequence[SourceRecord],
) -> list[SourceRecord]:
    """Bronze rows the source deleted that hold one of the customer's emails. They are in
    no cluster (silver leaves deleted records out of the linkage), yet bronze keeps them
    until their retention ends: without this they would outlive the erasure. Rows the
    source still has are left to their own cluster, which may be another person who
    shares the address."""
    found = []
    for system in SOURCE_SYSTEMS:
        columns = tables.get(("bronze", system.bronze_table), frozenset())
        if not emails or not {system.key_column, system.email_column, "_deleted_at"} <= columns:
            continue
        source = "_source" if "_source" in columns else _quote_literal(system.name)
        key, address = quote_identifier(system.key_column), quote_identifier(system.email_column)
        rows = session.execute(
            f"select {key}, {source}, {address} "
            f"from bronze.{quote_identifier(system.bronze_table)} "
            f"where _deleted_at is not null "
            f"and lower(trim({address})) in (select unnest(?::VARCHAR[])) "
            f"and {key} not in (select unnest(?::VARCHAR[]))",
            [sorted(emails), [r.record_key for r in known if r.system == system]],
        ).fetchall()
        found += [SourceRecord(system, *row) for row in rows]
    return found


def _silver_emails(session: WarehouseSession, tables: Tables, ids: list[str]) -> dict[str, str]:
    if not {"source_record_id", "email"} <= tables.get(CUSTOMER_RECORDS, frozenset()):
        return {}
    rows = session.execute(
        "select source_record_id, email from silver.customer_records "
        "where source_record_id in (select unnest(?::VARCHAR[])) and email is not null",
        [ids],
    ).fetchall()
    return dict(rows)


def _bronze_rows(
    session: WarehouseSession,
    tables: Tables,
    system: SourceSystem,
    keys: list[str],
) -> dict[str, tuple[str, str | None]]:
    """record key → (its ``_source``, its email as received)."""
    columns = tables.get(("bronze", system.bronze_table), frozenset())
    if system.key_column not in columns or not keys:
        return {}
    source = "_source" if "_source" in columns else _quote_literal(system.name)
    email = quote_identifier(system.email_column) if system.email_column in columns else "null"
    rows = session.execute(
        f"select {quote_identifier(system.key_column)}, {source}, {email} "
        f"from bronze.{quote_identifier(system.bronze_table)} "
        f"where {quote_identifier(system.key_column)} in (select unnest(?::VARCHAR[]))",
        [keys],
    ).fetchall()
    return {row[0]: (row[1], row[2]) for row in rows}


def _quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _contact_values(
    session: WarehouseSession, tables: Tables, records: Sequence[SourceRecord]
) -> list[str]:
    """The emails and phones of the records, as received (bronze) and as standardised
    (silver): what ``silver.contact_validation`` keeps them by."""
    values: set[str] = {r.email for r in records if r.email}
    for system in SOURCE_SYSTEMS:
        columns = tables.get(("bronze", system.bronze_table), frozenset())
        keys = [r.record_key for r in records if r.system == system]
        wanted = [c for c in (system.email_column, *system.phone_columns) if c in columns]
        if system.key_column not in columns or not keys or not wanted:
            continue
        unpivoted = " union all ".join(
            f"select {quote_identifier(c)} from bronze.{quote_identifier(system.bronze_table)} "
            f"where {quote_identifier(system.key_column)} in (select unnest(?::VARCHAR[]))"
            for c in wanted
        )
        values.update(
            v for (v,) in session.execute(unpivoted, [keys] * len(wanted)).fetchall() if v
        )
    silver_columns = tables.get(CUSTOMER_RECORDS, frozenset())
    standardised = [c for c in ("email", "phone") if c in silver_columns]
    if "source_record_id" in silver_columns and standardised:
        ids = [r.source_record_id for r in records]
        for column in standardised:
            values.update(
                v
                for (v,) in session.execute(
                    f"select {column} from silver.customer_records "
                    "where source_record_id in (select unnest(?::VARCHAR[]))",
                    [ids],
                ).fetchall()
                if v
            )
    return sorted(values)


def _identifying_values(
    customer_keys: Sequence[str], records: Sequence[SourceRecord]
) -> dict[str, list[str]]:
    """Column name → the values that name this customer in any customer-layer table."""
    ids = [r.source_record_id for r in records]
    by_column: dict[str, list[str]] = {
        "customer_key": list(customer_keys),
        "source_record_id": ids,
        "source_record_id_l": ids,
        "source_record_id_r": ids,
    }
    for system in SOURCE_SYSTEMS:
        by_column[system.key_column] = [r.record_key for r in records if r.system == system]
    return by_column


def _delete_everywhere(
    session: WarehouseSession,
    tables: Tables,
    customer_keys: Sequence[str],
    records: Sequence[SourceRecord],
    contact_values: Sequence[str],
) -> dict[str, int]:
    removed: dict[str, int] = {}
    identifying = _identifying_values(customer_keys, records)
    for (schema, table), columns in sorted(tables.items()):
        if schema not in CUSTOMER_SCHEMAS:
            continue
        matches = {c: identifying[c] for c in columns if identifying.get(c)}
        if (schema, table) == CONTACT_VALIDATION:
            matches = {c: list(contact_values) for c in ("raw_value", "normalized_value")}
            matches = {c: v for c, v in matches.items() if c in columns and v}
        if matches:
            removed[f"{schema}.{table}"] = _delete(session, schema, table, matches)
    quarantine = tables.get(QUARANTINE, frozenset())
    if {"entity", "record_key"} <= quarantine:
        removed["ops.quarantine"] = sum(
            _delete(
                session,
                *QUARANTINE,
                {"record_key": [r.record_key for r in records if r.system == system]},
                extra=f"entity = {_quote_literal(system.bronze_table)}",
            )
            for system in SOURCE_SYSTEMS
            if any(r.system == system for r in records)
        )
    return removed


def _delete(
    session: WarehouseSession,
    schema: str,
    table: str,
    matches: Mapping[str, Iterable[str]],
    *,
    extra: str | None = None,
) -> int:
    """Deletes the rows where any of ``matches``'s columns holds one of its values."""
    names = sorted(matches)
    condition = " or ".join(
        f"{quote_identifier(c)}::VARCHAR in (select unnest(?::VARCHAR[]))" for c in names
    )
    if extra:
        condition = f"({condition}) and {extra}"
    return session.changed(
        f"delete from {quote_identifier(schema)}.{quote_identifier(table)} where {condition}",
        [list(matches[c]) for c in names],
    )


def _suppress(
    session: WarehouseSession,
    key: bytes,
    records: Sequence[SourceRecord],
    suppressed_at: datetime,
    erasure_id: str,
) -> int:
    """One suppression row per source record, unless an earlier erasure left one."""
    added = 0
    for record in records:
        entity = record.system.bronze_table
        digest = record_key_digest(key, record.source, entity, record.record_key)
        present = session.execute(
            f"select count(*) from {SUPPRESSION_TABLE} "
            "where source = ? and entity = ? and record_key_digest = ?",
            [record.source, entity, digest],
        ).fetchall()[0][0]
        if present:
            continue
        session.execute(
            f"insert into {SUPPRESSION_TABLE} (source, entity, record_key_digest, "
            "email_digest, suppressed_at, erasure_id) values (?, ?, ?, ?, ?, ?)",
            [
                record.source,
                entity,
                digest,
                email_digest(key, record.email) if record.email else None,
                suppressed_at,
                erasure_id,
            ],
        )
        added += 1
    return added
