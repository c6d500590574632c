"""The column map: which workbook headers mean which column of ``spreadsheet_customers``.

Legacy workbooks name the same column differently ("E-mail", "Email Address", "Surname",
"Post Code", "DOB"), so the names live in configuration (``config/spreadsheet_columns.yaml``)
rather than in code: a new spelling is a one-line change to that file. A header matches
an alias when both are equal once case, spaces and punctuation are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

import yaml

from platform_assets.ingestion import FailureCategory, SourceError

#: The data columns a sheet may supply, in the landing table's order.
MAPPED_COLUMNS: Final = (
    "customer_ref",
    "first_name",
    "last_name",
    "email",
    "phone",
    "address_line1",
    "city",
    "postal_code",
    "country",
    "birth_date",
    "updated_at",
)
#: A sheet is customer data when it has at least one of these: a sheet of countries or
#: notes may well have a "Country" column, but no person in it.
IDENTIFYING_COLUMNS: Final = frozenset(
    {"customer_ref", "first_name", "last_name", "email", "phone"}
)


class DateOrder(StrEnum):
    """How an all-numeric text date such as ``01/03/1984`` is read."""

    DAY_FIRST = "day_first"
    MONTH_FIRST = "month_first"


def header_key(header: str) -> str:
    """A header as it is compared: lower case, letters and digits only."""
    return "".join(character for character in header.casefold() if character.isalnum())


@dataclass(frozen=True)
class ColumnMap:
    #: Canonical column -> the header aliases that mean it.
    aliases: Mapping[str, tuple[str, ...]]
    date_order: DateOrder = DateOrder.DAY_FIRST

    def __post_init__(self) -> None:
        unknown = sorted(set(self.aliases) - set(MAPPED_COLUMNS))
        if unknown:
            raise ValueError(
                f"the column map names {', '.join(unknown)}, which spreadsheet_customers does "
                f"not have; the columns are {', '.join(MAPPED_COLUMNS)}"
            )
        owners: dict[str, str] = {}
        for column, names in self.aliases.items():
            for name in names:
                other = owners.setdefault(header_key(name), column)
                if other != column:
                    raise ValueError(
                        f"the header {name!r} is an alias of both {other} and {column}; "
                        "keep it under one"
                    )

    def column_for(self, header: str) -> str | None:
        """The canonical column a workbook header means, or None for a header to ignore."""
        key = header_key(header)
        for column, names in self.aliases.items():
            if any(header_key(name) == key for name in names):
                return column
        return None


def load_column_map(path: Path) -> ColumnMap:
    """The column map in ``path``; a missing or malformed file fails naming what to fix."""
    try:
        document: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourceError(
            FailureCategory.CONFIGURATION,
            f"spreadsheet column map {path} not found; set PLATFORM_SPREADSHEET_COLUMN_MAP "
            "to the YAML file (config/spreadsheet_columns.yaml is the example)",
        ) from None
    except yaml.YAMLError as error:
        raise SourceError(
            FailureCategory.CONFIGURATION, f"spreadsheet column map {path} is not YAML: {error}"
        ) from None
    columns = document.get("columns") if isinstance(document, dict) else None
    if not isinstance(columns, dict) or not all(
        isinstance(names, list) and all(isinstance(name, str) for name in names)
        for names in columns.values()
    ):
        raise SourceError(
            FailureCategory.CONFIGURATION,
            f"spreadsheet column map {path}: give `columns:` as a mapping of column name to "
            "a list of header names",
        )
    try:
        return ColumnMap(
            aliases={str(column): tuple(names) for column, names in columns.items()},
            date_order=DateOrder(document.get("date_order", DateOrder.DAY_FIRST)),
        )
    except ValueError as error:
        raise SourceError(
            FailureCategory.CONFIGURATION, f"spreadsheet column map {path}: {error}"
        ) from None
