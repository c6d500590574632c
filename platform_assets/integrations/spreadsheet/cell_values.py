"""Cell text as legacy workbooks hold it, normalised into what the landing table expects.

The workbook reader hands every cell over as text: a date cell as ``1984-03-01 00:00:00``,
a number as its shortest digits. What is left to undo is what people typed: dates as text
in several formats or as bare Excel serial numbers, and ids and phone numbers that went
through a float on the way (``1234.0``, ``4.47911123456E11``). These are polars
expressions over the whole column: a sheet is normalised in one pass, not cell by cell.
A value none of the readings fits is kept as received, for silver to reject with its
reason; nothing is guessed.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from platform_assets.integrations.spreadsheet.column_map import DateOrder

#: Excel's 1900 date system: from serial 61 (1 March 1900) on, serial n is n days after
#: 1899-12-30 (earlier serials are off by Lotus 1-2-3's fictitious 29 February 1900).
_EPOCH: Final = pl.date(1899, 12, 30)
#: A serial is read from five digits up (1927-05-18): a four-digit number in a date column
#: is far likelier a year someone typed than a date in 1900-1927. Seven digits at most:
#: 2958465 is 9999-12-31, Excel's last date.
_SERIAL: Final = r"^[0-9]{5,7}(\.[0-9]+)?$"
_LAST_SERIAL: Final = 2_958_465

#: Text date formats read whatever the date order (chrono's %B also reads "Mar").
_UNAMBIGUOUS_FORMATS: Final = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y%m%d",
    "%d %B %Y",
    "%B %d, %Y",
    "%B %d %Y",
)
_NUMERIC_FORMATS: Final = {
    DateOrder.DAY_FIRST: ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"),
    DateOrder.MONTH_FIRST: ("%m/%d/%Y", "%m-%d-%Y", "%m.%d.%Y"),
}
#: A whole number written as a float: ``1234.0`` or ``4.47911123456E11``.
_FLOAT_WRITTEN_INTEGER: Final = r"^[0-9]+\.0*$|^[0-9]+(\.[0-9]+)?[eE]\+?[0-9]+$"


def blank_as_null(column: str) -> pl.Expr:
    """The cell's text with surrounding blanks removed; a blank cell is null."""
    stripped = pl.col(column).cast(pl.String).str.strip_chars()
    return pl.when(stripped == "").then(None).otherwise(stripped).alias(column)


def digit_string(value: pl.Expr) -> pl.Expr:
    """An id or phone number that became a float (``1234.0``, ``4.47911123456E11``) as its
    digits; any other text unchanged, so ``07911 123456`` keeps its leading zero. Exact up
    to 15 significant digits, as many as a float (or Excel) holds."""
    as_float = value.cast(pl.Float64, strict=False)
    whole = as_float.round(0) == as_float
    return (
        pl.when(value.str.contains(_FLOAT_WRITTEN_INTEGER) & whole)
        .then(as_float.cast(pl.Int64, strict=False).cast(pl.String))
        .otherwise(value)
    )


def _serial_date(value: pl.Expr) -> pl.Expr:
    """The date of an Excel serial number, the time of day dropped; null for any other
    text. Eight digits are left to ``%Y%m%d``: 19840301 is beyond Excel's last date."""
    serial = value.cast(pl.Float64, strict=False).floor().cast(pl.Int64, strict=False)
    return (
        pl.when(value.str.contains(_SERIAL) & (serial <= _LAST_SERIAL))
        .then(_EPOCH + pl.duration(days=serial))
        .otherwise(None)
    )


def parsed_date(value: pl.Expr, order: DateOrder) -> pl.Expr:
    """The date a cell's text means, or null when no reading fits it."""
    formats = (*_UNAMBIGUOUS_FORMATS, *_NUMERIC_FORMATS[order])
    readings = [value.str.to_date(fmt, strict=False, exact=True) for fmt in formats]
    return pl.coalesce(*readings, _serial_date(value))


def iso_date(value: pl.Expr, order: DateOrder) -> pl.Expr:
    """``YYYY-MM-DD`` when the text reads as a date, else the text as received."""
    return pl.coalesce(parsed_date(value, order).dt.strftime("%Y-%m-%d"), value)


def iso_timestamp(value: pl.Expr, order: DateOrder) -> pl.Expr:
    """A "last updated" cell as ISO 8601: a date cell or a date-time text keeps its time;
    a text date or a serial number with a fraction of a day becomes that day's date and
    time; anything else is left as received for validation to parse or quarantine."""
    datetime_cell = value.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False, exact=True)
    serial = value.cast(pl.Float64, strict=False)
    time_of_day = pl.duration(microseconds=((serial - serial.floor()) * 86_400_000_000).round(0))
    from_serial = _serial_date(value).cast(pl.Datetime("us")) + time_of_day
    reading = pl.coalesce(
        datetime_cell, from_serial, parsed_date(value, order).cast(pl.Datetime("us"))
    )
    return pl.coalesce(reading.dt.strftime("%Y-%m-%dT%H:%M:%S"), value)
