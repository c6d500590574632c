"""A CSV file with a header row, read as text columns (empty fields as nulls).

A clean file is read by polars in one vectorized pass: a million rows take a fraction of
a second. When polars cannot read it (a ragged row, an unbalanced quote, a byte that is
not UTF-8), or when its result cannot be trusted (polars pads a row with too few fields
with nulls, and reads a blank line as a row of nulls, without a word), the file is read
again record by record: each bad line is rejected with its line number and every good
line loads.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

import polars as pl

from platform_assets.ingestion import FailureCategory, Rejected, SourceError
from platform_assets.integrations.file_source.lines import UTF8_BOM, BadLine, decode, rejected

SEPARATOR = ","
QUOTE = '"'
UNCLOSED_QUOTE = (
    'unclosed quote: a quoted value does not end on its line; close it or write a " '
    'inside a quoted value as ""'
)


def read_csv(file_name: str, content: bytes) -> tuple[pl.DataFrame, list[Rejected]]:
    header = _header(file_name, content)
    try:
        frame = pl.read_csv(content, infer_schema=False, null_values=[""])
    except pl.exceptions.PolarsError:
        return _read_record_by_record(file_name, content, header)
    if not _every_row_complete(content, header, frame):
        return _read_record_by_record(file_name, content, header)
    return frame, []


def _header(file_name: str, content: bytes) -> list[str]:
    """The column names; a file without a readable header cannot be read at all."""
    first_line = content.removeprefix(UTF8_BOM).split(b"\n", 1)[0]
    if not first_line.strip():
        raise SourceError(
            FailureCategory.MALFORMED_PAYLOAD,
            f"{file_name}:1: the first line must be the header (the column names)",
        )
    try:
        names = next(csv.reader([decode(first_line).rstrip("\r")], strict=True))
    except (BadLine, csv.Error) as error:
        reason = str(error) if isinstance(error, BadLine) else f"bad quoting: {error}"
        raise SourceError(
            FailureCategory.MALFORMED_PAYLOAD, f"{file_name}:1 (the header): {reason}"
        ) from None
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise SourceError(
            FailureCategory.MALFORMED_PAYLOAD,
            f"{file_name}: the header names {', '.join(repeated)} more than once; keep one",
        )
    return names


def _every_row_complete(content: bytes, header: list[str], frame: pl.DataFrame) -> bool:
    """True when every record has exactly the header's number of fields.

    polars raises on a row with too many fields, so a row with too few (or a blank line)
    is the one to find: then the file holds fewer separators than ``(columns - 1) * (rows
    + 1)``. Separators inside quoted values are not field separators: when the file has
    quotes at all, those in the parsed names and values are subtracted (a count over the
    values polars already holds, not a second parse)."""
    separators = content.count(SEPARATOR.encode())
    if QUOTE.encode() in content:
        separators -= sum(name.count(SEPARATOR) for name in header)
        quoted = frame.select(
            pl.sum_horizontal(
                pl.col(column).str.count_matches(SEPARATOR, literal=True).sum()
                for column in frame.columns
            )
        )
        separators -= int(quoted.item() or 0)
    return separators == (len(header) - 1) * (frame.height + 1)


def _read_record_by_record(
    file_name: str, content: bytes, header: list[str]
) -> tuple[pl.DataFrame, list[Rejected]]:
    """Python's csv module over physical lines this function numbers itself. Not polars:
    it reads a file whole and stops at the first bad line (with no line number, and the
    rest of the file in its message); its options to go on (``ignore_errors``,
    ``truncate_ragged_lines``) drop or cut rows without saying which."""
    lines = content.splitlines(keepends=True)
    source = _NumberedLines(lines)
    reader = csv.reader(source, strict=True)
    values: list[list[str]] = []
    bad_lines: list[Rejected] = []
    while source.position < len(lines):
        start = source.position
        try:
            fields = next(reader)
        except (csv.Error, BadLine) as error:
            reason = _why_unreadable(error, lines[start], spans_lines=source.position > start + 1)
        else:
            if not fields:
                continue  # a blank line
            if len(fields) == len(header):
                values.append(fields)
                continue
            reason = (
                UNCLOSED_QUOTE
                if source.position > start + 1
                else f"ragged row: {len(fields)} fields where the header has {len(header)}; "
                "quote a value that contains a comma"
            )
        bad_lines.append(rejected(file_name, start + 1, lines[start], reason))
        source.position = start + 1
    frame = pl.DataFrame(values, schema={name: pl.String for name in header}, orient="row")
    # The csv module reads an empty field, quoted or not, as "": null, as polars reads it.
    return frame.with_columns(pl.all().replace("", None)), bad_lines


def _why_unreadable(error: Exception, line: bytes, *, spans_lines: bool) -> str:
    """A record that starts on ``line`` and could not be read. A line with an odd number
    of quotes opens a quoted value it does not close (an escaped quote is written twice):
    the value then ran on into later lines, and one of those may be the one that failed."""
    if isinstance(error, BadLine) and not spans_lines:
        return str(error)
    if spans_lines or line.count(QUOTE.encode()) % 2:
        return UNCLOSED_QUOTE
    return f"bad quoting: {error}"


class _NumberedLines(Iterator[str]):
    """The decoded lines from ``position`` on (the header, line 1, is skipped); reading
    resumes wherever ``position`` is set, so a bad record costs only its first line."""

    def __init__(self, lines: list[bytes]) -> None:
        self._lines = lines
        self.position = 1

    def __next__(self) -> str:
        if self.position >= len(self._lines):
            raise StopIteration
        line = self._lines[self.position]
        self.position += 1
        return decode(line)
