"""One ``.xlsx`` workbook read into rows of ``spreadsheet_customers``.

The workbook is read by a real Excel reader (calamine, through ``polars.read_excel``),
every cell as text so that nothing is inferred per column: the normalisation in
``cell_values`` decides what a date or a number is. A workbook that cannot be read at
all raises ``UnreadableWorkbook``, whose message is the quarantine reason of the whole
file.

A header of a customer sheet that the column map does not know is not dropped: its
cells travel as a record field named by ``extra_field_names`` (after the landing
columns), so schema evolution keeps them in ``_extras`` and records the ``added`` drift
event that tells someone to map or adopt the column (docs/connectors/spreadsheet.md).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Final

import fastexcel
import polars as pl

from platform_assets.integrations.spreadsheet.cell_values import (
    blank_as_null,
    digit_string,
    iso_date,
    iso_timestamp,
)
from platform_assets.integrations.spreadsheet.column_map import (
    IDENTIFYING_COLUMNS,
    MAPPED_COLUMNS,
    ColumnMap,
    DateOrder,
)

#: The columns of ``bronze.spreadsheet_customers`` the connector yields, in order (a
#: sheet's unmapped headers follow them as extra fields).
RECORD_COLUMNS: Final = (
    "record_id",
    "source_file",
    "sheet_name",
    "file_fingerprint",
    "row_number",
    *MAPPED_COLUMNS,
)
RECORD_SCHEMA: Final = pl.Schema(
    {name: pl.Int64() if name == "row_number" else pl.String() for name in RECORD_COLUMNS}
)
#: The header is the sheet's first row, so the first record is on Excel row 2.
_FIRST_DATA_ROW: Final = 2
#: The row number's working name, apart from any header a sheet may have.
_ROW: Final = "\x00row_number"


class UnreadableWorkbook(Exception):
    """The file is not a workbook this connector can read; the message says why."""


def extra_field_names(headers: list[str]) -> dict[str, str]:
    """Header -> the record field its cells become, for a sheet's unmapped headers, left
    to right: the header in lower snake case ("Loyalty Tier" -> ``loyalty_tier``,
    "Opt-in (SMS)?" -> ``opt_in_sms``), ``column_<n>`` (its 1-based position in the list)
    for one without letters or digits, and ``_2``, ``_3``... appended to a name a landing
    column or an earlier header already has, so that no cell is lost or overwrites
    another. The same headers always give the same names."""
    taken = set(RECORD_COLUMNS)
    names: dict[str, str] = {}
    for position, header in enumerate(headers, start=1):
        base = re.sub(r"[\W_]+", "_", header.casefold()).strip("_") or f"column_{position}"
        name, suffix = base, 1
        while name in taken:
            suffix += 1
            name = f"{base}_{suffix}"
        taken.add(name)
        names[header] = name
    return names


@dataclass(frozen=True)
class Workbook:
    records: pl.DataFrame
    #: Sheets with no customer column ("Notes", "Lookups"): skipped, not quarantined.
    skipped_sheets: tuple[str, ...]


def read_workbook(
    file_name: str, content: bytes, fingerprint: str, column_map: ColumnMap
) -> Workbook:
    try:
        sheets = pl.read_excel(
            io.BytesIO(content),
            sheet_id=0,
            engine="calamine",
            infer_schema_length=0,
            drop_empty_rows=False,
            raise_if_empty=False,
        )
    # calamine's errors for a corrupt, encrypted (an OLE container, not a zip) or
    # non-workbook file; polars' for a sheet it cannot shape into a frame.
    except (fastexcel.FastExcelError, pl.exceptions.PolarsError) as error:
        raise UnreadableWorkbook(_reader_message(error)) from None
    frames: list[pl.DataFrame] = []
    skipped: list[str] = []
    for sheet_name, sheet in sheets.items():
        headers = _mapped_headers(sheet, column_map)
        if not IDENTIFYING_COLUMNS & headers.keys():
            skipped.append(sheet_name)
            continue
        mapped = {header for names in headers.values() for header in names}
        extras = extra_field_names([h for h in sheet.columns if h not in mapped])
        frames.append(
            _sheet_records(
                file_name, sheet_name, fingerprint, sheet, headers, extras, column_map.date_order
            )
        )
    if not frames:
        raise UnreadableWorkbook(
            f"no customer sheet: no sheet ({', '.join(sheets) or 'none at all'}) has a header "
            f"the column map reads as {', '.join(sorted(IDENTIFYING_COLUMNS))}; add the "
            "file's headers to the column map"
        )
    # Sheets may have different unmapped headers: a record lacks the others' fields.
    return Workbook(records=pl.concat(frames, how="diagonal"), skipped_sheets=tuple(skipped))


def _reader_message(error: Exception) -> str:
    """The reader's first line (its context lines repeat the file path): enough to tell
    a corrupt or encrypted file from one that is not a workbook at all."""
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"not a readable .xlsx workbook ({first_line}); save it again from Excel as .xlsx"


def _mapped_headers(sheet: pl.DataFrame, column_map: ColumnMap) -> dict[str, list[str]]:
    """Canonical column -> the sheet's headers that mean it, left to right."""
    headers: dict[str, list[str]] = {}
    for header in sheet.columns:
        column = column_map.column_for(header)
        if column is not None:
            headers.setdefault(column, []).append(header)
    return headers


def _sheet_records(
    file_name: str,
    sheet_name: str,
    fingerprint: str,
    sheet: pl.DataFrame,
    headers: dict[str, list[str]],
    extras: dict[str, str],
    date_order: DateOrder,
) -> pl.DataFrame:
    """The sheet's rows in the landing shape, then its unmapped headers' cells under
    their ``extras`` names, as text. Two headers meaning one column ("Phone" and
    "Mobile") fill it left to right: the first non-blank value wins. A row blank in every
    cell, such as the trailing rows a legacy file carries, is not a record."""
    cells = sheet.select(blank_as_null(header) for header in sheet.columns)
    value = {
        column: pl.coalesce(pl.col(name) for name in headers[column])
        if column in headers
        else pl.lit(None, pl.String)
        for column in MAPPED_COLUMNS
    }
    normalised = value | {
        "customer_ref": digit_string(value["customer_ref"]),
        "phone": digit_string(value["phone"]),
        "birth_date": iso_date(value["birth_date"], date_order),
        "updated_at": iso_timestamp(value["updated_at"], date_order),
    }
    row_number = pl.int_range(_FIRST_DATA_ROW, pl.len() + _FIRST_DATA_ROW, dtype=pl.Int64)
    return (
        cells.with_columns(row_number.alias(_ROW))
        .filter(pl.any_horizontal(pl.col(sheet.columns).is_not_null()))
        .select(
            pl.format("{}:{}:{}", pl.lit(file_name), pl.lit(sheet_name), pl.col(_ROW)).alias(
                "record_id"
            ),
            pl.lit(file_name).alias("source_file"),
            pl.lit(sheet_name).alias("sheet_name"),
            pl.lit(fingerprint).alias("file_fingerprint"),
            pl.col(_ROW).alias("row_number"),
            *(normalised[column].alias(column) for column in MAPPED_COLUMNS),
            *(pl.col(header).alias(name) for header, name in extras.items()),
        )
    )
