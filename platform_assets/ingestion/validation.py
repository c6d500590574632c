"""Splits a batch into rows that fit the table contract and rows to quarantine.

A record is quarantined, with every reason that applies, when a key or required column
is missing, a timestamp or a date does not parse, an integer or a number (a float
column) is not one, a value is outside the column's allowed set, a value has the wrong
type altogether (an object where text was expected), or a value is implausible (a text
too long or holding a NUL byte, a timestamp outside its bounds, an end before its start:
see ``contract``). Nothing is dropped silently: every record ends up loaded or
quarantined, and the fields the contract does not know travel with their row in
``_extras`` (a JSON object).

Schema drift is noted on the batch for the loader to record (``schema_drift``): the
fields no contract column holds (added), the contract columns no record carried
(removed), and the values whose type changed at the source (retyped): a value of another
JSON type, or one of another column type (text, a boolean) where an integer, a number,
a timestamp or a date is expected. Text that does not read as a timestamp or a date is a
bad value, not a new type, and keeps its ``unparseable`` reason.

The quarantine keeps what diagnosis needs and no more: the contract's columns of the
record, personal data (``pii`` columns) replaced by ``REDACTED``, long values cut, and
only the names of columns the contract does not know.

Checks run column-wise in polars, so a million-row batch from a columnar source costs
a few vectorized passes, not a Python loop per row. Records given as dicts (API
sources) are first laid out as text columns, with type errors noted per record.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Final

import polars as pl

from platform_assets.ingestion.conflicts import ConflictRule, resolve_conflicts
from platform_assets.ingestion.connector import Records, Rejected
from platform_assets.ingestion.contract import (
    EXTRAS_COLUMN,
    UTC_TIMESTAMP,
    ColumnKind,
    ColumnSpec,
    TableContract,
)
from platform_assets.ingestion.record_key import record_key_expr
from platform_assets.integrations.pandera import out_of_order

QUARANTINE_COLUMNS: Final = ("record_key", "reason", "payload")
#: What a quarantined record holds instead of a value of a ``pii`` column.
REDACTED: Final = "[redacted]"
#: The key under which a quarantined record names the columns the contract does not know.
UNKNOWN_COLUMNS: Final = "_unknown_columns"
_ROW: Final = "__row"
_TYPE_ERROR: Final = "__type_error"
_REASON: Final = "__reason"
_FLAGGED: Final = "__flagged"
#: How every reason for a value whose type changed at the source begins.
RETYPED_REASON: Final = "wrong type for "
#: The type a dict record's text values are seen as.
_TEXT_SEEN: Final = "string"
_VALUE_PREVIEW: Final = 60
#: Characters of a text value kept in a quarantined record.
_PAYLOAD_TEXT: Final = 1000
#: Characters kept of a record the connector could not parse (see ``_rejected_frame``).
_UNPARSED_PREVIEW: Final = 40

#: The reason a value of each parsed kind gives when it does not parse.
_UNPARSEABLE: Final = {
    ColumnKind.TIMESTAMP: "unparseable timestamp",
    ColumnKind.DATE: "unparseable date",
}

_FORMATS_WITH_OFFSET: Final = ("%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z")
_FORMATS_NAIVE: Final = ("%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d")


@dataclass(frozen=True)
class ValidatedBatch:
    rows: pl.DataFrame
    """Rows that fit the contract, typed, one per key (the last one seen wins, unless a
    ``ConflictRule`` decides)."""
    quarantined: pl.DataFrame
    """``record_key``, ``reason``, ``payload`` (the record as JSON)."""
    extracted: int
    duplicates: int
    absent_columns: frozenset[str] = frozenset()
    """Contract columns that no record of the batch carried at all (a CSV without the
    header, JSON objects without the key). The load must leave the warehouse's values of
    these columns alone rather than overwrite them with NULL."""
    added_columns: tuple[str, ...] = ()
    """Fields the contract does not know, in name order, kept in ``_extras``. Without any,
    ``_extras`` says nothing about the stored rows and the load leaves it alone."""
    retyped_columns: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    """Per contract column, the types seen instead of its own and how many values had
    each."""

    @property
    def rows_retyped(self) -> int:
        """Quarantined records with a value whose type changed."""
        return int(self.quarantined.get_column("reason").str.contains(RETYPED_REASON).sum())


def validate(
    contract: TableContract,
    records: Sequence[Records],
    rejected: Sequence[Rejected] = (),
    *,
    loaded_at: datetime | None = None,
    naive_time_zone: str = "UTC",
    conflicts: ConflictRule | None = None,
) -> ValidatedBatch:
    """``loaded_at`` (now by default) bounds how late a plausible timestamp may be;
    ``naive_time_zone`` (an IANA name) is where a timestamp without an offset was read
    (see ``parse_timestamp``). Rows that share a key are settled by ``conflicts``
    (see ``conflicts``), or the last one seen wins."""
    latest_by_column = {
        column.name: (loaded_at or datetime.now(UTC)) + column.future_tolerance
        for column in contract.columns
        if column.future_tolerance is not None
    }
    typed_parts: list[pl.DataFrame] = []
    quarantine_parts = [_rejected_frame(rejected)]
    extracted = len(rejected)
    absent = set(contract.column_names)
    added: set[str] = set()
    retyped: dict[str, Counter[str]] = {}
    for part in records:
        carried = _carried_columns(part)
        absent -= carried
        added |= carried - set(contract.column_names)
        if isinstance(part, pl.DataFrame):
            raw = _frame_columns(contract, part)
            seen = {name: _type_name(dtype) for name, dtype in part.schema.items()}
        else:
            raw = _text_columns(contract, part, retyped)
            seen = {}
        if raw.height == 0:
            continue
        extracted += raw.height
        typed = _already_typed(contract, raw.schema)
        retypings = _retypings(contract, typed, seen)
        findings = _findings(contract, typed, latest_by_column, retypings, naive_time_zone)
        # Most records are fine: a cheap flag finds the bad ones, and only theirs have
        # reasons spelled out (concatenating a dozen mostly null texts per record would
        # cost more than all the checks).
        flagged = pl.any_horizontal(condition.fill_null(False) for condition, _ in findings)
        checked = raw.with_columns(_parsed(contract, typed, naive_time_zone)).with_columns(
            flagged.alias(_FLAGGED)
        )
        typed_parts.append(
            checked.filter(~pl.col(_FLAGGED)).select(
                *[pl.col(f"{c.name}__parsed").alias(c.name) for c in contract.columns],
                EXTRAS_COLUMN,
            )
        )
        bad = checked.filter(pl.col(_FLAGGED))
        if bad.height:
            _count_retyped(retyped, bad, retypings)
            bad = bad.with_columns(
                pl.concat_str(
                    [pl.when(condition).then(reason) for condition, reason in findings],
                    separator="; ",
                    ignore_nulls=True,
                ).alias(_REASON)
            )
            quarantine_parts.append(_quarantine_frame(contract, bad, part))
    rows = (
        pl.concat(typed_parts, how="vertical")
        if typed_parts
        else pl.DataFrame(
            schema={
                **{c.name: c.kind.polars_type for c in contract.columns},
                EXTRAS_COLUMN: pl.String,
            }
        )
    )
    rows_in_conflict = 0
    if conflicts is None:
        unique_rows = rows.unique(subset=list(contract.key), keep="last", maintain_order=True)
    else:
        payload = payload_json(contract, rows.select(contract.column_names).schema)
        resolved = resolve_conflicts(contract, rows, conflicts, payload)
        unique_rows, rows_in_conflict = resolved.rows, resolved.rows_in_conflict
        quarantine_parts.append(resolved.quarantined)
    quarantined = pl.concat(quarantine_parts, how="vertical").unique(
        subset=["record_key", "reason"], keep="last", maintain_order=True
    )
    return ValidatedBatch(
        rows=unique_rows,
        quarantined=quarantined,
        extracted=extracted,
        duplicates=rows.height - unique_rows.height - rows_in_conflict,
        absent_columns=frozenset(absent) if extracted else frozenset(),
        added_columns=tuple(sorted(added)),
        retyped_columns={name: dict(seen) for name, seen in sorted(retyped.items()) if seen},
    )


def _type_name(dtype: pl.DataType) -> str:
    """A column type as a reason spells it: ``string``, ``int64``, ``boolean``."""
    return str(dtype).lower()


def _carried_columns(part: Records) -> set[str]:
    """The columns a batch part carries: a frame's columns, or every key any record has."""
    if isinstance(part, pl.DataFrame):
        return set(part.columns)
    return {key for record in part if isinstance(record, Mapping) for key in record}


def _rejected_frame(rejected: Sequence[Rejected]) -> pl.DataFrame:
    """Records the connector could not parse keep their key (a file's ``<file>:<line>``),
    the reason and only the start of their text: unparsed text has no columns, so
    personal data in it cannot be found and redacted; the start is enough to recognize
    the line."""
    return pl.DataFrame(
        {
            "record_key": [r.record_key for r in rejected],
            "reason": [r.reason for r in rejected],
            "payload": [json.dumps(_truncated(r.payload, _UNPARSED_PREVIEW)) for r in rejected],
        },
        schema={name: pl.String for name in QUARANTINE_COLUMNS},
    )


def _truncated(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _frame_columns(contract: TableContract, frame: pl.DataFrame) -> pl.DataFrame:
    """The contract's columns of a columnar batch (absent ones as nulls), unparsed, and
    its other columns as each row's ``_extras``."""
    missing = [c.name for c in contract.columns if c.name not in frame.columns]
    unknown = sorted(name for name in frame.columns if name not in contract.column_names)
    extras = pl.struct(unknown).struct.json_encode() if unknown else pl.lit(None, dtype=pl.String)
    return frame.with_columns(
        *(pl.lit(None, dtype=pl.String).alias(name) for name in missing),
        pl.lit(None, dtype=pl.String).alias(_TYPE_ERROR),
        extras.alias(EXTRAS_COLUMN),
    ).select(*contract.column_names, _TYPE_ERROR, EXTRAS_COLUMN, _row_number())


def _text_columns(
    contract: TableContract,
    records: Sequence[Mapping[str, Any]],
    retyped: dict[str, Counter[str]],
) -> pl.DataFrame:
    """Dict records as text columns, a note per record of values of the wrong type (also
    tallied in ``retyped``), and the fields the contract does not know as ``_extras``."""
    columns: dict[str, list[str | None]] = {c.name: [] for c in contract.columns}
    type_errors: list[str | None] = []
    extras: list[str | None] = []
    for record in records:
        errors = []
        if not isinstance(record, Mapping):
            errors.append(f"record is a {type(record).__name__}, not an object")
            record = {}
        for column in contract.columns:
            value = record.get(column.name)
            text, error = _as_text(column, value)
            columns[column.name].append(text)
            if error:
                errors.append(error)
                retyped.setdefault(column.name, Counter())[type(value).__name__] += 1
        type_errors.append("; ".join(errors) or None)
        extras.append(_extras_json(contract, record))
    frame = pl.DataFrame(
        {**columns, _TYPE_ERROR: type_errors, EXTRAS_COLUMN: extras},
        schema={
            **{name: pl.String for name in columns},
            _TYPE_ERROR: pl.String,
            EXTRAS_COLUMN: pl.String,
        },
    )
    return frame.with_columns(_row_number())


def _extras_json(contract: TableContract, record: Mapping[str, Any]) -> str | None:
    """The record's unknown fields as compact JSON with sorted keys, as polars encodes a
    columnar row's, so a rerun writes the same text."""
    unknown = {str(k): v for k, v in record.items() if k not in contract.column_names}
    if not unknown:
        return None
    return json.dumps(
        unknown, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def _row_number() -> pl.Expr:
    """Positions in the batch (the type ``with_row_index`` uses), to find the originals
    of quarantined rows."""
    return pl.int_range(pl.len(), dtype=pl.UInt32).alias(_ROW)


def _as_text(column: ColumnSpec, value: Any) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    if isinstance(value, str):
        return value, None
    if column.kind is ColumnKind.TIMESTAMP and isinstance(value, datetime | date):
        return value.isoformat(), None
    # a datetime is a date too, but a date column given one is given the wrong type
    if column.kind is ColumnKind.DATE and type(value) is date:
        return value.isoformat(), None
    if column.kind is ColumnKind.FLOAT and isinstance(value, float):
        return repr(value), None
    if (
        column.kind in (ColumnKind.TEXT, ColumnKind.INTEGER, ColumnKind.FLOAT)
        and isinstance(value, int)
        and not isinstance(value, bool)
    ):
        return str(value), None
    expected = column.kind.value
    error = f"{RETYPED_REASON}{column.name}: expected {expected}, got {type(value).__name__}"
    if column.pii:
        return None, error
    return None, f"{error} {_truncated(json.dumps(value, default=str), _VALUE_PREVIEW)}"


def _already_typed(contract: TableContract, schema: pl.Schema) -> dict[str, pl.DataType]:
    """Columns a columnar source already delivers in their landing type (an integer, a
    number for a float, a date, or a timestamp with or without a zone), with their types:
    they are converted, not parsed, and cannot fail to parse. Parsing them through text
    would cost most of a million-row load."""
    typed = {}
    for column in contract.columns:
        dtype = schema[column.name]
        if (
            (column.kind is ColumnKind.INTEGER and dtype.is_integer())
            or (column.kind is ColumnKind.TIMESTAMP and isinstance(dtype, pl.Datetime))
            or (column.kind is ColumnKind.FLOAT and dtype.is_numeric())
            or (column.kind is ColumnKind.DATE and dtype == pl.Date)
        ):
            typed[column.name] = dtype
    return typed


def _parsed(
    contract: TableContract, typed: dict[str, pl.DataType], naive_time_zone: str
) -> list[pl.Expr]:
    return [
        (
            _convert(column, typed[column.name], naive_time_zone)
            if column.name in typed
            else _parse(column, naive_time_zone)
        ).alias(f"{column.name}__parsed")
        for column in contract.columns
    ]


def _convert(column: ColumnSpec, dtype: pl.DataType, naive_time_zone: str) -> pl.Expr:
    """A typed column in its landing type. Zoned timestamps are brought to UTC and naive
    ones read in ``naive_time_zone``, as when they are parsed from text."""
    source = pl.col(column.name)
    if column.kind in (ColumnKind.INTEGER, ColumnKind.FLOAT, ColumnKind.DATE):
        return source.cast(column.kind.polars_type)
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is None:
        return _in_zone(source, naive_time_zone)
    return source.dt.convert_time_zone("UTC").cast(UTC_TIMESTAMP)


def _parse(column: ColumnSpec, naive_time_zone: str) -> pl.Expr:
    source = pl.col(column.name)
    if column.kind is ColumnKind.TEXT:
        return source.cast(pl.String)
    if column.kind in (ColumnKind.INTEGER, ColumnKind.FLOAT):
        as_text = source.cast(pl.String).str.strip_chars()
        return as_text.cast(column.kind.polars_type, strict=False)
    if column.kind is ColumnKind.DATE:
        return source.cast(pl.String).str.strip_chars().str.to_date("%Y-%m-%d", strict=False)
    return parse_timestamp(source, naive_time_zone)


def parse_timestamp(source: pl.Expr, naive_time_zone: str) -> pl.Expr:
    """Text (or a date) read as ISO 8601, ``T`` or a space between date and time, with
    fractional seconds or not, with an offset (``Z``, ``+HH``, ``+HHMM``, ``+HH:MM``) or
    without one, or as a bare date (midnight); values without an offset are read in
    ``naive_time_zone``. An hours-only offset (``+00``, ``-05``) is how DuckDB and
    PostgreSQL write a TIMESTAMPTZ as text, so an export from either loads; chrono's
    ``%z`` wants minutes too, so they are added."""
    as_text = (
        source.cast(pl.String)
        .str.strip_chars()
        .str.replace(r"[zZ]$", "+00:00")
        .str.replace(r"(:\d{2}(?:\.\d+)?[+-]\d{2})$", "${1}:00")
    )
    candidates = [
        as_text.str.to_datetime(fmt, strict=False, time_unit="us", time_zone="UTC")
        for fmt in _FORMATS_WITH_OFFSET
    ] + [
        _in_zone(as_text.str.to_datetime(fmt, strict=False, time_unit="us"), naive_time_zone)
        for fmt in _FORMATS_NAIVE
    ]
    return pl.coalesce(candidates).cast(UTC_TIMESTAMP)


def _in_zone(naive: pl.Expr, time_zone: str) -> pl.Expr:
    """Naive times as the instants they name in ``time_zone``, in UTC. A time a clock
    shows twice (the hour repeated when daylight saving time ends) is the earlier instant,
    as Python's ``fold=0``; a time it skips (the hour lost when it starts) names no instant
    and is null, so its record is quarantined as unparseable."""
    zoned = naive.dt.replace_time_zone(time_zone, ambiguous="earliest", non_existent="null")
    return zoned.dt.convert_time_zone("UTC").cast(UTC_TIMESTAMP)


#: A check of a record: the condition that flags it and the reason it then gives.
Finding = tuple[pl.Expr, pl.Expr]


@dataclass(frozen=True)
class _Retyping:
    """A parsed column whose values failing to parse mean their type changed."""

    column: ColumnSpec
    seen: str

    @property
    def failed(self) -> pl.Expr:
        return (
            pl.col(self.column.name).is_not_null() & pl.col(f"{self.column.name}__parsed").is_null()
        )


def _retypings(
    contract: TableContract, typed: dict[str, pl.DataType], seen: dict[str, str]
) -> dict[str, _Retyping]:
    """The parsed columns of a part whose parse failures are type changes: every one
    given in a column type other than text, and numbers given as text."""
    retypings = {}
    for column in contract.columns:
        if column.kind is ColumnKind.TEXT or column.name in typed:
            continue
        given = seen.get(column.name, _TEXT_SEEN)
        if given != _TEXT_SEEN or column.kind in (ColumnKind.INTEGER, ColumnKind.FLOAT):
            retypings[column.name] = _Retyping(column, given)
    return retypings


def _count_retyped(
    retyped: dict[str, Counter[str]], bad: pl.DataFrame, retypings: dict[str, _Retyping]
) -> None:
    if not retypings:
        return
    counts = bad.select(r.failed.sum().alias(name) for name, r in retypings.items()).row(0)
    for (name, retyping), count in zip(retypings.items(), counts, strict=True):
        if count:
            retyped.setdefault(name, Counter())[retyping.seen] += count


def _findings(
    contract: TableContract,
    typed: dict[str, pl.DataType],
    latest_by_column: dict[str, datetime],
    retypings: dict[str, _Retyping],
    naive_time_zone: str,
) -> list[Finding]:
    findings: list[Finding] = [(pl.col(_TYPE_ERROR).is_not_null(), pl.col(_TYPE_ERROR))]
    for column in contract.columns:
        raw, parsed = pl.col(column.name), pl.col(f"{column.name}__parsed")
        if column.name in contract.key or not column.nullable:
            role = "key" if column.name in contract.key else "required"
            findings.append((raw.is_null(), pl.lit(f"missing {role} column {column.name}")))
        retyping = retypings.get(column.name)
        if retyping is not None:
            expected = f"expected {column.kind.value}, got {retyping.seen} "
            findings.append(
                (retyping.failed, _quoting(f"{RETYPED_REASON}{column.name}: {expected}", raw))
            )
        elif column.kind is not ColumnKind.TEXT and column.name not in typed:
            what = f"{_UNPARSEABLE[column.kind]} in {column.name}: "
            note = _zone_note(column, naive_time_zone)
            findings.append((raw.is_not_null() & parsed.is_null(), _quoting(what, raw, note)))
        if column.allowed is not None:
            allowed = ", ".join(column.allowed)
            # the contract keeps allowed values as text, the way a value of any kind
            # is spelled
            as_text = parsed if column.kind is ColumnKind.TEXT else parsed.cast(pl.String)
            findings.append(
                (
                    parsed.is_not_null() & ~as_text.is_in(list(column.allowed)),
                    _quoting("unknown value ", parsed, f" for {column.name} (allowed: {allowed})"),
                )
            )
        findings.extend(_implausible(column, latest_by_column.get(column.name)))
    findings.extend(
        (
            out_of_order(pl.col(f"{order.earlier}__parsed"), pl.col(f"{order.later}__parsed")),
            pl.lit(f"{order.later} before {order.earlier}"),
        )
        for order in contract.orderings
    )
    return findings


def _zone_note(column: ColumnSpec, naive_time_zone: str) -> str:
    """Outside UTC a naive time can fail for a reason its text does not show: the clock
    skipped it (see ``_in_zone``)."""
    if column.kind is not ColumnKind.TIMESTAMP or naive_time_zone == "UTC":
        return ""
    return f" (or, without an offset, not a time that exists in {naive_time_zone})"


def _implausible(column: ColumnSpec, latest: datetime | None) -> list[Finding]:
    """Values that parse but cannot be true. A text is never quoted in the reason (it may
    be personal data, or megabytes); a timestamp is."""
    raw, parsed = pl.col(column.name), pl.col(f"{column.name}__parsed")
    if column.kind is ColumnKind.TEXT and column.allowed is not None:
        return []  # an allowed value is plausible; the NUL search costs a pass per column
    if column.kind is ColumnKind.TEXT:
        findings = [
            (parsed.str.contains("\x00", literal=True), pl.lit(f"NUL byte in {column.name}"))
        ]
        if column.max_bytes is not None:
            findings.append(
                (
                    parsed.str.len_bytes() > column.max_bytes,
                    pl.lit(f"{column.name} longer than {column.max_bytes} bytes"),
                )
            )
        return findings
    findings = []
    what = f"implausible timestamp in {column.name}: "
    if column.earliest is not None:
        after = f" is before {column.earliest:%Y-%m-%d}"
        findings.append((parsed < column.earliest, _quoting(what, raw, after)))
    if latest is not None and column.future_tolerance is not None:
        hours = round(column.future_tolerance.total_seconds() / 3600)
        after = f" is more than {hours} hours after the load"
        findings.append((parsed > latest, _quoting(what, raw, after)))
    return findings


def _quoting(before: str, value: pl.Expr, after: str = "") -> pl.Expr:
    """``before 'value' after``, the value cut to a preview."""
    return pl.concat_str(
        pl.lit(f"{before}'"),
        value.cast(pl.String).str.slice(0, _VALUE_PREVIEW),
        pl.lit(f"'{after}"),
    )


def _quarantine_frame(contract: TableContract, bad: pl.DataFrame, part: Records) -> pl.DataFrame:
    """The quarantine rows of ``bad``, each with its original record as JSON, redacted."""
    record_key = record_key_expr(contract.key)
    if isinstance(part, pl.DataFrame):
        originals = part.with_row_index(_ROW).join(
            bad.select(_ROW), on=_ROW, how="semi", maintain_order="left"
        )
        payload = originals.select(payload_json(contract, part.schema)).to_series()
    else:
        payload = pl.Series(
            "payload", [_payload_text(contract, part[i]) for i in bad[_ROW]], dtype=pl.String
        )
    return bad.select(record_key.alias("record_key"), pl.col(_REASON).alias("reason")).with_columns(
        payload
    )


def payload_json(contract: TableContract, schema: pl.Schema) -> pl.Expr:
    """A columnar record as JSON: its contract columns, then the names of the others."""
    fields = []
    for column in contract.columns:
        if column.name not in schema:
            continue
        value = pl.col(column.name)
        if column.pii:
            value = pl.when(value.is_not_null()).then(pl.lit(REDACTED))
        elif schema[column.name] == pl.String:
            cut = pl.concat_str(value.str.slice(0, _PAYLOAD_TEXT), pl.lit("..."))
            value = pl.when(value.str.len_chars() > _PAYLOAD_TEXT).then(cut).otherwise(value)
        fields.append(value.alias(column.name))
    unknown = [name for name in schema if name not in contract.column_names]
    if unknown:
        fields.append(pl.lit(unknown, dtype=pl.List(pl.String)).alias(UNKNOWN_COLUMNS))
    return pl.struct(fields).struct.json_encode().alias("payload")


def _payload_text(contract: TableContract, record: Any) -> str:
    """A dict record as JSON, redacted as ``payload_json`` redacts a columnar one."""
    if not isinstance(record, Mapping):
        return json.dumps(_truncated(json.dumps(record, default=str), _UNPARSED_PREVIEW))
    payload: dict[str, Any] = {}
    for column in contract.columns:
        if column.name not in record:
            continue
        value = record[column.name]
        if column.pii and value is not None:
            value = REDACTED
        elif isinstance(value, str):
            value = _truncated(value, _PAYLOAD_TEXT)
        payload[column.name] = value
    unknown = sorted(str(name) for name in record if name not in contract.column_names)
    if unknown:
        payload[UNKNOWN_COLUMNS] = unknown
    return json.dumps(payload, default=str)
