"""The spreadsheet connector on real .xlsx workbooks written with xlsxwriter: headers that
differ between files, Excel serial and text dates, numbers stored as text or as floats,
a notes sheet, blank trailing rows, a corrupt file and a changed one."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import xlsxwriter

from platform_assets.ingestion import (
    ColumnKind,
    FailureCategory,
    RecordBatch,
    SnapshotScope,
    SourceError,
    TableContract,
    ingest,
)
from platform_assets.ingestion.contract import ColumnSpec
from platform_assets.integrations.spreadsheet import (
    RECORD_COLUMNS,
    ColumnMap,
    DateOrder,
    SpreadsheetConnector,
    load_column_map,
    spreadsheet_settings_from_env,
)
from platform_assets.integrations.spreadsheet.cell_values import iso_date, iso_timestamp
from platform_assets.settings import PROJECT_ROOT
from tests.connectors.conftest import rows

COLUMN_MAP = load_column_map(PROJECT_ROOT / "config/spreadsheet_columns.yaml")
Cell = str | int | float | datetime | None


def write_workbook(path: Path, sheets: dict[str, list[list[Cell]]]) -> None:
    """A real workbook: datetimes as Excel date cells (a serial number with a date format),
    numbers as number cells, text as text cells, None as an empty cell."""
    workbook = xlsxwriter.Workbook(str(path))
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for name, grid in sheets.items():
        sheet = workbook.add_worksheet(name)
        for row, values in enumerate(grid):
            for column, value in enumerate(values):
                if isinstance(value, datetime):
                    sheet.write_datetime(row, column, value, date_format)
                elif isinstance(value, int | float):
                    sheet.write_number(row, column, value)
                elif value is not None:
                    sheet.write_string(row, column, value)
    workbook.close()


def legacy_crm_export(path: Path) -> None:
    """The first legacy layout: its own headers, Excel date cells, a notes sheet, and the
    blank (but formatted) trailing rows such exports carry."""
    write_workbook(
        path,
        {
            "Customers": [
                ["Customer Ref", "First Name", "Surname", "E-mail", "Phone", "DOB", "Post Code"],
                [
                    "1234.0",
                    "Ann",
                    "Lee",
                    "ann@example.com",
                    447911123456,
                    datetime(1984, 3, 1),
                    "SW1A 1AA",
                ],
                [1235, " Bob ", "Ray", "", "4.47911123457E11", "01/03/1984", "EC1A 1BB"],
                [None, None, None, None, None, None, None],
                ["  ", "Cy", "Zed", None, "07911 123456", 30741, None],
                ["", "", "", "", "", "", ""],
            ],
            "Notes": [["Note"], ["Exported from the old CRM in 2019"]],
        },
    )


def shop_signups(path: Path) -> None:
    """The second layout: other headers for the same columns, text dates, an update time."""
    write_workbook(
        path,
        {
            "Sign-ups": [
                [
                    "ID",
                    "Forename",
                    "Last Name",
                    "Email Address",
                    "Date of Birth",
                    "Country",
                    "Last Updated",
                ],
                [
                    "77",
                    "Dee",
                    "Moss",
                    "dee@example.com",
                    "1 March 1984",
                    "United Kingdom",
                    "2024-05-01 10:30:00",
                ],
                ["78", "Eve", "Nash", None, "19840301", "GB", "02/05/2024"],
                ["79", "Fay", "Orr", None, "sometime in 1984", "GB", None],
            ],
        },
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def extract(connector: SpreadsheetConnector, cursor: str | None = None) -> list[RecordBatch]:
    return list(connector.extract("spreadsheet_customers", cursor))


def records(batch: RecordBatch) -> list[dict[str, Any]]:
    assert isinstance(batch.records, pl.DataFrame)
    assert batch.records.columns == list(RECORD_COLUMNS)
    return batch.records.to_dicts()


def record(file: str, sheet: str, row: int, digest: str, **values: Any) -> dict[str, Any]:
    blank = dict.fromkeys(RECORD_COLUMNS[5:])
    return (
        {
            "record_id": f"{file}:{sheet}:{row}",
            "source_file": file,
            "sheet_name": sheet,
            "file_fingerprint": digest,
            "row_number": row,
        }
        | blank
        | values
    )


def test_reads_every_customer_sheet_of_every_workbook_through_the_column_map(tmp_path) -> None:
    legacy_crm_export(tmp_path / "a_crm_export.xlsx")
    shop_signups(tmp_path / "b_shop.xlsx")
    connector = SpreadsheetConnector(tmp_path, COLUMN_MAP)

    first, second = extract(connector)

    crm = sha256(tmp_path / "a_crm_export.xlsx")
    assert records(first) == [
        record(
            "a_crm_export.xlsx",
            "Customers",
            2,
            crm,
            customer_ref="1234",
            first_name="Ann",
            last_name="Lee",
            email="ann@example.com",
            phone="447911123456",
            birth_date="1984-03-01",
            postal_code="SW1A 1AA",
        ),
        record(
            "a_crm_export.xlsx",
            "Customers",
            3,
            crm,
            customer_ref="1235",
            first_name="Bob",
            last_name="Ray",
            phone="447911123457",
            birth_date="1984-03-01",
            postal_code="EC1A 1BB",
        ),
        # Row 4 is blank, as are the trailing rows: no records. The serial 30741 is a
        # date typed into a cell without a date format.
        record(
            "a_crm_export.xlsx",
            "Customers",
            5,
            crm,
            first_name="Cy",
            last_name="Zed",
            phone="07911 123456",
            birth_date="1984-02-29",
        ),
    ]
    shop = sha256(tmp_path / "b_shop.xlsx")
    assert records(second) == [
        record(
            "b_shop.xlsx",
            "Sign-ups",
            2,
            shop,
            customer_ref="77",
            first_name="Dee",
            last_name="Moss",
            email="dee@example.com",
            birth_date="1984-03-01",
            country="United Kingdom",
            updated_at="2024-05-01T10:30:00",
        ),
        record(
            "b_shop.xlsx",
            "Sign-ups",
            3,
            shop,
            customer_ref="78",
            first_name="Eve",
            last_name="Nash",
            birth_date="1984-03-01",
            country="GB",
            updated_at="2024-05-02T00:00:00",
        ),
        # A date no reading fits is kept as received, for silver to reject with a reason.
        record(
            "b_shop.xlsx",
            "Sign-ups",
            4,
            shop,
            customer_ref="79",
            first_name="Fay",
            last_name="Orr",
            birth_date="sometime in 1984",
            country="GB",
        ),
    ]
    assert first.snapshot == SnapshotScope((("source_file", "a_crm_export.xlsx"),))
    assert second.snapshot == SnapshotScope((("source_file", "b_shop.xlsx"),))
    assert (first.rejected, second.rejected) == ((), ())
    assert json.loads(second.cursor or "") == {"a_crm_export.xlsx": crm, "b_shop.xlsx": shop}
    assert connector.skipped_sheets == ["a_crm_export.xlsx:Notes"]


def test_an_unchanged_file_is_not_read_again_and_a_changed_one_is_read_whole(tmp_path) -> None:
    legacy_crm_export(tmp_path / "a_crm_export.xlsx")
    shop_signups(tmp_path / "b_shop.xlsx")
    connector = SpreadsheetConnector(tmp_path, COLUMN_MAP)
    cursor = extract(connector)[-1].cursor

    assert extract(connector, cursor) == []

    write_workbook(
        tmp_path / "b_shop.xlsx",
        {"Sign-ups": [["ID", "Forename", "Last Name"], ["77", "Dee", "Moss-Hart"]]},
    )
    (changed,) = extract(connector, cursor)
    shop = sha256(tmp_path / "b_shop.xlsx")
    assert records(changed) == [
        record(
            "b_shop.xlsx",
            "Sign-ups",
            2,
            shop,
            customer_ref="77",
            first_name="Dee",
            last_name="Moss-Hart",
        )
    ]
    # The whole file again: rows 3 and 4, gone from it, are soft-deleted by the snapshot.
    assert changed.snapshot == SnapshotScope((("source_file", "b_shop.xlsx"),))
    assert json.loads(changed.cursor or "") == {
        "a_crm_export.xlsx": sha256(tmp_path / "a_crm_export.xlsx"),
        "b_shop.xlsx": shop,
    }


def unreadable(kind: str, folder: Path) -> bytes:
    if kind == "random bytes":
        return random.Random(7).randbytes(2048)
    if kind == "password-protected":
        # Excel encrypts into an OLE compound file, not a zip: its signature, then data.
        return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024)
    shop_signups(folder / "whole.xlsx")
    content = (folder / "whole.xlsx").read_bytes()
    (folder / "whole.xlsx").unlink()
    return content[: len(content) // 2]


@pytest.mark.parametrize("kind", ["random bytes", "password-protected", "truncated"])
def test_an_unreadable_file_is_quarantined_whole_and_the_others_load(tmp_path, kind) -> None:
    content = unreadable(kind, tmp_path)
    legacy_crm_export(tmp_path / "a_crm_export.xlsx")
    (tmp_path / "b_broken.xlsx").write_bytes(content)
    connector = SpreadsheetConnector(tmp_path, COLUMN_MAP)

    loaded, broken = extract(connector)

    assert len(records(loaded)) == 3
    assert records(broken) == []
    assert broken.snapshot is None
    (rejected,) = broken.rejected
    assert rejected.record_key == "b_broken.xlsx"
    assert rejected.reason == (
        "not a readable .xlsx workbook (calamine error: Cannot detect file format); "
        "save it again from Excel as .xlsx"
    )
    assert json.loads(rejected.payload) == {
        "source_file": "b_broken.xlsx",
        "bytes": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
    }
    # Not recorded as loaded: once fixed, it loads on the next run.
    assert json.loads(broken.cursor or "") == {
        "a_crm_export.xlsx": sha256(tmp_path / "a_crm_export.xlsx")
    }
    shop_signups(tmp_path / "b_broken.xlsx")
    (fixed,) = extract(connector, broken.cursor)
    assert [row["customer_ref"] for row in records(fixed)] == ["77", "78", "79"]


def test_a_loaded_file_that_turns_unreadable_keeps_its_rows(tmp_path) -> None:
    """The rejection carries no snapshot: a corrupt copy must not soft-delete the rows
    its good version loaded. Its fingerprint is dropped, so the good version reloads."""
    legacy_crm_export(tmp_path / "a_crm_export.xlsx")
    connector = SpreadsheetConnector(tmp_path, COLUMN_MAP)
    cursor = extract(connector)[-1].cursor
    (tmp_path / "a_crm_export.xlsx").write_bytes(b"PK\x03\x04 truncated")

    (broken,) = extract(connector, cursor)

    assert (broken.snapshot, len(broken.rejected), broken.cursor) == (None, 1, "{}")


def test_a_workbook_without_a_customer_sheet_is_quarantined_whole(tmp_path) -> None:
    write_workbook(
        tmp_path / "lookups.xlsx",
        {"Lookups": [["Country", "Code"], ["United Kingdom", "GB"]], "Empty": []},
    )
    (batch,) = extract(SpreadsheetConnector(tmp_path, COLUMN_MAP))
    assert records(batch) == []
    assert [r.reason for r in batch.rejected] == [
        "no customer sheet: no sheet (Lookups, Empty) has a header the column map reads as "
        "customer_ref, email, first_name, last_name, phone; add the file's headers to the "
        "column map"
    ]


def test_two_headers_for_one_column_fill_it_left_to_right(tmp_path) -> None:
    write_workbook(
        tmp_path / "phones.xlsx",
        {"S": [["Surname", "Phone", "Mobile"], ["Lee", "", "07911 123456"], ["Ray", "020", "0"]]},
    )
    (batch,) = extract(SpreadsheetConnector(tmp_path, COLUMN_MAP))
    assert [row["phone"] for row in records(batch)] == ["07911 123456", "020"]


def test_a_missing_folder_fails_naming_the_variable(tmp_path) -> None:
    with pytest.raises(SourceError, match="PLATFORM_SPREADSHEET_DIR") as raised:
        extract(SpreadsheetConnector(tmp_path / "nowhere", COLUMN_MAP))
    assert raised.value.category is FailureCategory.CONFIGURATION


def test_lands_through_the_ingestion_machinery(tmp_path, warehouse, log) -> None:
    """The frames validate and merge into a real DuckDB table; the unreadable file goes to
    the quarantine under its name; a row gone from a changed file is soft-deleted, and the
    other file's rows are untouched."""
    legacy_crm_export(tmp_path / "a_crm_export.xlsx")
    shop_signups(tmp_path / "c_shop.xlsx")
    (tmp_path / "b_broken.xlsx").write_bytes(b"not a workbook")
    kinds = {"row_number": ColumnKind.INTEGER, "updated_at": ColumnKind.TIMESTAMP}
    contract = TableContract(
        schema="bronze",
        table="spreadsheet_customers",
        key=("record_id",),
        columns=tuple(
            ColumnSpec(name, kinds.get(name, ColumnKind.TEXT), nullable=name != "record_id")
            for name in RECORD_COLUMNS
        ),
        soft_deletes=True,
        row_hash=True,
    )
    connector = SpreadsheetConnector(tmp_path, COLUMN_MAP)

    report, _ = ingest(connector, contract, warehouse, run_id="run-1", log=log)
    again, _ = ingest(connector, contract, warehouse, run_id="run-2", log=log)
    write_workbook(
        tmp_path / "a_crm_export.xlsx",
        {"Customers": [["Customer Ref", "First Name"], ["1234", "Ann"]]},
    )
    ingest(connector, contract, warehouse, run_id="run-3", log=log)

    assert report.inserted == 6
    assert again.inserted == 0
    assert rows(
        warehouse,
        "select record_id, birth_date, updated_at::varchar, _deleted_at is not null "
        "from bronze.spreadsheet_customers order by 1",
    ) == [
        ("a_crm_export.xlsx:Customers:2", None, None, False),
        ("a_crm_export.xlsx:Customers:3", "1984-03-01", None, True),
        ("a_crm_export.xlsx:Customers:5", "1984-02-29", None, True),
        ("c_shop.xlsx:Sign-ups:2", "1984-03-01", "2024-05-01 10:30:00+00", False),
        ("c_shop.xlsx:Sign-ups:3", "1984-03-01", "2024-05-02 00:00:00+00", False),
        ("c_shop.xlsx:Sign-ups:4", "sometime in 1984", None, False),
    ]
    assert rows(warehouse, "select distinct record_key from ops.quarantine") == [("b_broken.xlsx",)]


@pytest.mark.parametrize(
    ("text", "day_first", "month_first"),
    [
        ("01/03/1984", "1984-03-01", "1984-01-03"),
        ("1.3.1984", "1984-03-01", "1984-01-03"),
        ("1984-03-01", "1984-03-01", "1984-03-01"),
        ("1984-03-01 00:00:00", "1984-03-01", "1984-03-01"),
        ("19840301", "1984-03-01", "1984-03-01"),
        ("1 Mar 1984", "1984-03-01", "1984-03-01"),
        ("March 1, 1984", "1984-03-01", "1984-03-01"),
        ("30741", "1984-02-29", "1984-02-29"),
        ("30741.5", "1984-02-29", "1984-02-29"),
        # A four-digit number is a year someone typed, not a serial date of 1905.
        ("1984", "1984", "1984"),
        ("31/02/1984", "31/02/1984", "31/02/1984"),
        (None, None, None),
    ],
)
def test_text_and_serial_dates(text: str | None, day_first: str, month_first: str) -> None:
    frame = pl.DataFrame({"cell": [text]}, schema={"cell": pl.String})
    read = frame.select(
        day=iso_date(pl.col("cell"), DateOrder.DAY_FIRST),
        month=iso_date(pl.col("cell"), DateOrder.MONTH_FIRST),
    )
    assert read.row(0) == (day_first, month_first)


def test_a_serial_update_time_keeps_its_time_of_day() -> None:
    frame = pl.DataFrame({"cell": ["45413.4375", "2024-05-01T10:30:00Z"]})
    assert frame.select(
        iso_timestamp(pl.col("cell"), DateOrder.DAY_FIRST)
    ).to_series().to_list() == [
        "2024-05-01T10:30:00",
        "2024-05-01T10:30:00Z",
    ]


def test_headers_match_whatever_their_case_spaces_and_punctuation() -> None:
    assert [
        COLUMN_MAP.column_for(header)
        for header in ("E-MAIL", " email address ", "Post Code", "POSTCODE", "d.o.b.", "Notes")
    ] == ["email", "email", "postal_code", "postal_code", "birth_date", None]


def test_a_header_under_two_columns_or_an_unknown_column_is_refused() -> None:
    with pytest.raises(ValueError, match="'Mobile' is an alias of both phone and city"):
        ColumnMap(aliases={"phone": ("mobile",), "city": ("Mobile",)})
    with pytest.raises(ValueError, match="names shoe_size, which spreadsheet_customers"):
        ColumnMap(aliases={"shoe_size": ("Shoe",)})


def test_a_bad_column_map_file_fails_naming_the_file(tmp_path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text("columns: [first name]\n")
    with pytest.raises(SourceError, match="give `columns:` as a mapping") as raised:
        load_column_map(path)
    assert raised.value.category is FailureCategory.CONFIGURATION
    with pytest.raises(SourceError, match="PLATFORM_SPREADSHEET_COLUMN_MAP"):
        load_column_map(tmp_path / "missing.yaml")
    path.write_text("date_order: year_first\ncolumns: {email: [mail]}\n")
    with pytest.raises(SourceError, match="'year_first' is not a valid DateOrder"):
        load_column_map(path)


def test_settings_from_the_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("PLATFORM_SPREADSHEET_DIR", raising=False)
    monkeypatch.delenv("PLATFORM_SPREADSHEET_COLUMN_MAP", raising=False)
    defaults = spreadsheet_settings_from_env()
    assert defaults.directory == PROJECT_ROOT / "data/customer_spreadsheets"
    assert defaults.column_map() == COLUMN_MAP
    monkeypatch.setenv("PLATFORM_SPREADSHEET_DIR", str(tmp_path))
    monkeypatch.setenv("PLATFORM_SPREADSHEET_COLUMN_MAP", "config/spreadsheet_columns.yaml")
    configured = spreadsheet_settings_from_env()
    assert configured.directory == tmp_path
    assert configured.column_map_path == PROJECT_ROOT / "config/spreadsheet_columns.yaml"


def test_a_header_named_like_a_lineage_column_does_not_displace_it(tmp_path) -> None:
    write_workbook(tmp_path / "odd.xlsx", {"S": [["row_number", "Surname"], ["99", "Lee"]]})
    (batch,) = extract(SpreadsheetConnector(tmp_path, COLUMN_MAP))
    # The unmapped header travels as an extra field under a name of its own.
    assert isinstance(batch.records, pl.DataFrame)
    assert batch.records.to_dicts() == [
        {
            **record("odd.xlsx", "S", 2, sha256(tmp_path / "odd.xlsx"), last_name="Lee"),
            "row_number_2": "99",
        }
    ]


def test_an_upper_case_extension_is_read_and_excels_owner_file_is_not(tmp_path) -> None:
    shop_signups(tmp_path / "SHOP.XLSX")
    (tmp_path / "~$SHOP.XLSX").write_bytes(b"\x08jane.doe")
    (tmp_path / "readme.txt").write_text("not a workbook")
    batches = extract(SpreadsheetConnector(tmp_path, COLUMN_MAP))
    assert [(batch.snapshot, len(records(batch)), batch.rejected) for batch in batches] == [
        (SnapshotScope((("source_file", "SHOP.XLSX"),)), 3, ())
    ]
