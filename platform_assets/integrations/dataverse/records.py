"""Dataverse rows shaped into the bronze records of the design's contracts.

The shaping is tolerant, as the other connectors' is: a value of an odd type is kept as
received so that validation quarantines the row with its reason. Only what cannot be a
row at all (not a JSON object, no id) is rejected here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from platform_assets.ingestion import Rejected

#: Dataverse names a lookup's id ``_<name>_value``; a leading underscore marks the
#: platform's lineage columns, so bronze drops it.
_RENAMED: Final = {"parentcustomerid": "_parentcustomerid_value"}
_TIMESTAMPS: Final = frozenset({"createdon", "modifiedon"})
_INTEGERS: Final = frozenset({"statecode"})
#: OData marks a row gone from a delta with this context suffix (reason ``deleted``,
#: or ``changed`` when it left the query's scope: gone from the set either way).
_DELETED_ENTITY: Final = "/$deletedEntity"
#: Characters of a rejected item kept as its payload.
_PAYLOAD_CHARS: Final = 2000


@dataclass(frozen=True)
class DataverseTable:
    """A Dataverse table read into one bronze table."""

    name: str
    key: str
    columns: tuple[str, ...]

    @property
    def select(self) -> str:
        """The ``$select`` list: the Dataverse name of every bronze column."""
        return ",".join(_RENAMED.get(column, column) for column in self.columns)


_ADDRESS: Final = ("address1_line1", "address1_city", "address1_postalcode", "address1_country")
_AUDIT: Final = ("createdon", "modifiedon", "statecode")

#: The bronze table of each entity this connector provides.
TABLES: Final = {
    "crm_contacts": DataverseTable(
        "contacts",
        "contactid",
        (
            "contactid",
            "firstname",
            "lastname",
            "emailaddress1",
            "telephone1",
            "mobilephone",
            *_ADDRESS,
            "birthdate",
            *_AUDIT,
            "parentcustomerid",
        ),
    ),
    "crm_accounts": DataverseTable(
        "accounts",
        "accountid",
        ("accountid", "name", "emailaddress1", "telephone1", *_ADDRESS, *_AUDIT),
    ),
}


@dataclass(frozen=True)
class ShapedPage:
    """One page's rows, the ids the source reports deleted, and what could not be a row."""

    records: list[dict[str, Any]]
    deleted_keys: list[str]
    rejected: list[Rejected]


def shape_page(table: DataverseTable, items: list[Any], where: str) -> ShapedPage:
    """The page's ``value`` items; ``where`` names the page in a rejection's key."""
    shaped = ShapedPage([], [], [])
    for position, item in enumerate(items):
        if not isinstance(item, dict):
            reason = f"a {table.name} item is {type(item).__name__}, not a JSON object"
            shaped.rejected.append(_rejected(f"{where} item {position}", reason, item))
            continue
        deleted = str(item.get("@odata.context", "")).endswith(_DELETED_ENTITY)
        key = item.get("id") if deleted else item.get(table.key)
        if not isinstance(key, str) or not key:
            field = "id" if deleted else table.key
            reason = f"a {table.name} {'deletion' if deleted else 'row'} without its {field}"
            shaped.rejected.append(_rejected(f"{where} item {position}", reason, item))
        elif deleted:
            shaped.deleted_keys.append(key)
        else:
            shaped.records.append(_record(table, item))
    return shaped


def _record(table: DataverseTable, row: dict[str, Any]) -> dict[str, Any]:
    # Dataverse answers every selected column, null ones included, so a column missing
    # from the row is one the source stopped sending: it is left out, for validation to
    # record as ``removed``, rather than loaded as a NULL indistinguishable from a value.
    record = {
        column: row[name]
        for column in table.columns
        if (name := _RENAMED.get(column, column)) in row
    }
    for column in _TIMESTAMPS & record.keys():
        record[column] = _utc(record[column])
    for column in _INTEGERS & record.keys():
        record[column] = _integer(record[column])
    return record


def _utc(value: Any) -> Any:
    """An ISO timestamp in UTC (Dataverse sends UTC; one without a zone is read as UTC)."""
    if not isinstance(value, str):
        return value
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value
    zoned = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    return zoned.isoformat()


def _integer(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return value


def _rejected(record_key: str, reason: str, item: Any) -> Rejected:
    return Rejected(
        record_key=record_key,
        reason=reason,
        payload=json.dumps(item, default=str)[:_PAYLOAD_CHARS],
    )
