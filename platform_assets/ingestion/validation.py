"""Splits a batch into rows that fit the table contract and rows to quarantine.

A record is quarantined, with every reason that applies, when a key or required column
is missing, a timestamp does not parse, an integer is not one, a value is outside the
column's allowed set, or a value has the wrong type altogether (an object where text was
expected). Nothing is dropped silently: every record ends up loaded or quarantined.

Checks run column-wise in polars, so a million-row batch from a columnar source costs
a few vectorized passes, not a Python loop per row. Records given as dicts (API
sources) are first laid out as text columns, with type errors noted per record.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

import polars as pl

from platform_assets.ingestion.connector import Records, Rejected
from platform_assets.ingestion.contract import UTC_TIMESTAMP, ColumnKind, ColumnSpec, TableContract

QUARANTINE_COLUMNS: Final = ("record_key", "reason", "payload")
_ROW: Final = "__row"
_TYPE_ERROR: Final = "__type_error"
_REASON: Final = "__reason"
_VALUE_PREVIEW: Final = 60

_FORMATS_WITH_OFFSET: Final = ("%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z")
_FORMATS_NAIVE: Final = ("%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d")


@dataclass(frozen=True)
class ValidatedBatch:
    rows: pl.DataFrame
    """Rows that fit the contract, typed, one per key (the last one seen wins)."""
    quarantined: pl.DataFrame
    """``record_key``, ``reason``, ``payload`` (the record as JSON)."""
    extracted: int
    duplicates: int
    absent_columns: frozenset[str] = frozenset()
    """Contract columns that no record of the batch carried at all (a CSV without the
    header, JSON objects without the key). The load must leave the warehouse's values of
    these columns alone rather than overwrite them with NULL."""


def validate(
    contract: TableContract, records: Sequence[Records], rejected: Sequence[Rejected] = ()
) -> ValidatedBatch:
    typed_parts: list[pl.DataFrame] = []
    quarantine_parts = [_rejected_frame(rejected)]
    extracted = len(rejected)
    absent = set(contract.column_names)
    for part in records:
        absent -= _carried_columns(part)
        raw = (
            _frame_columns(contract, part)
            if isinstance(part, pl.DataFrame)
            else _text_columns(contract, part)
        )
        if raw.height == 0:
            continue
        extracted += raw.height
        typed = _already_typed(contract, raw.schema)
        checked = raw.with_columns(_parsed(contract, typed)).with_columns(_reasons(contract, typed))
        bad = checked.filter(pl.col(_REASON).is_not_null())
        typed_parts.append(
            checked.filter(pl.col(_REASON).is_null()).select(
                [pl.col(f"{c.name}__parsed").alias(c.name) for c in contract.columns]
            )
        )
        if bad.height:
            quarantine_parts.append(_quarantine_frame(contract, bad, part))
    rows = (
        pl.concat(typed_parts, how="vertical")
        if typed_parts
        else pl.DataFrame(schema={c.name: c.kind.polars_type for c in contract.columns})
    )
    unique_rows = rows.unique(subset=list(contract.key), keep="last", maintain_order=True)
    quarantined = pl.concat(quarantine_parts, how="vertical").unique(
        subset=["record_key", "reason"], keep="last", maintain_order=True
    )
    return ValidatedBatch(
        rows=unique_rows,
        quarantined=quarantined,
        extracted=extracted,
        duplicates=rows.height - unique_rows.height,
        absent_columns=frozenset(absent) if extracted else frozenset(),
    )


def _carried_columns(part: Records) -> set[str]:
    """The columns a batch part carries: a frame's columns, or every key any record has."""
    if isinstance(part, pl.DataFrame):
        return set(part.columns)
    return {key for record in part if isinstance(record, Mapping) for key in record}


def _rejected_frame(rejected: Sequence[Rejected]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "record_key": [r.record_key for r in rejected],
            "reason": [r.reason for r in rejected],
            "payload": [r.payload for r in rejected],
        },
        schema={name: pl.String for name in QUARANTINE_COLUMNS},
    )


def _frame_columns(contract: TableContract, frame: pl.DataFrame) -> pl.DataFrame:
    """The contract's columns of a columnar batch (absent ones as nulls), unparsed."""
    missing = [c.name for c in contract.columns if c.name not in frame.columns]
    return frame.with_columns(
        *(pl.lit(None, dtype=pl.String).alias(name) for name in missing),
        pl.lit(None, dtype=pl.String).alias(_TYPE_ERROR),
    ).select(*contract.column_names, _TYPE_ERROR, _row_number())


def _text_columns(contract: TableContract, records: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    """Dict records as text columns, plus a note per record of values of the wrong type."""
    columns: dict[str, list[str | None]] = {c.name: [] for c in contract.columns}
    type_errors: list[str | None] = []
    for record in records:
        errors = []
        if not isinstance(record, Mapping):
            errors.append(f"record is a {type(record).__name__}, not an object")
            record = {}
        for column in contract.columns:
            text, error = _as_text(column, record.get(column.name))
            columns[column.name].append(text)
            if error:
                errors.append(error)
        type_errors.append("; ".join(errors) or None)
    frame = pl.DataFrame(
        {**columns, _TYPE_ERROR: type_errors},
        schema={**{name: pl.String for name in columns}, _TYPE_ERROR: pl.String},
    )
    return frame.with_columns(_row_number())


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
    if (
        column.kind is not ColumnKind.TIMESTAMP
        and isinstance(value, int)
        and not isinstance(value, bool)
    ):
        return str(value), None
    return None, (
        f"wrong type for {column.name}: expected {column.kind.value}, "
        f"got {type(value).__name__} {_preview(value)}"
    )


def _preview(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= _VALUE_PREVIEW else text[:_VALUE_PREVIEW] + "..."


def _already_typed(contract: TableContract, schema: pl.Schema) -> dict[str, pl.DataType]:
    """Columns a columnar source already delivers in their landing type (an integer, or a
    timestamp with or without a zone), with their types: they are converted, not parsed,
    and cannot fail to parse. Parsing them through text would cost most of a million-row
    load."""
    typed = {}
    for column in contract.columns:
        dtype = schema[column.name]
        if (column.kind is ColumnKind.INTEGER and dtype.is_integer()) or (
            column.kind is ColumnKind.TIMESTAMP and isinstance(dtype, pl.Datetime)
        ):
            typed[column.name] = dtype
    return typed


def _parsed(contract: TableContract, typed: dict[str, pl.DataType]) -> list[pl.Expr]:
    return [
        (_convert(column, typed[column.name]) if column.name in typed else _parse(column)).alias(
            f"{column.name}__parsed"
        )
        for column in contract.columns
    ]


def _convert(column: ColumnSpec, dtype: pl.DataType) -> pl.Expr:
    """A typed column in its landing type. Zoned timestamps are brought to UTC and naive
    ones taken as UTC, as when they are parsed from text."""
    source = pl.col(column.name)
    if column.kind is ColumnKind.INTEGER:
        return source.cast(pl.Int64)
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is None:
        return source.dt.replace_time_zone("UTC").cast(UTC_TIMESTAMP)
    return source.dt.convert_time_zone("UTC").cast(UTC_TIMESTAMP)


def _parse(column: ColumnSpec) -> pl.Expr:
    source = pl.col(column.name)
    if column.kind is ColumnKind.TEXT:
        return source.cast(pl.String)
    if column.kind is ColumnKind.INTEGER:
        as_text = source.cast(pl.String).str.strip_chars()
        return as_text.cast(pl.Int64, strict=False)
    return _parse_timestamp(source)


def _parse_timestamp(source: pl.Expr) -> pl.Expr:
    """Text (or a date) read as ISO 8601 with or without an offset (``Z`` included) or as
    a bare date; naive values are taken as UTC."""
    as_text = source.cast(pl.String).str.strip_chars().str.replace(r"[zZ]$", "+00:00")
    candidates = [
        as_text.str.to_datetime(fmt, strict=False, time_unit="us", time_zone="UTC")
        for fmt in _FORMATS_WITH_OFFSET
    ] + [
        as_text.str.to_datetime(fmt, strict=False, time_unit="us").dt.replace_time_zone("UTC")
        for fmt in _FORMATS_NAIVE
    ]
    return pl.coalesce(candidates).cast(UTC_TIMESTAMP)


def _reasons(contract: TableContract, typed: dict[str, pl.DataType]) -> pl.Expr:
    reasons: list[pl.Expr] = [pl.col(_TYPE_ERROR)]
    for column in contract.columns:
        raw, parsed = pl.col(column.name), pl.col(f"{column.name}__parsed")
        if column.name in contract.key or not column.nullable:
            role = "key" if column.name in contract.key else "required"
            reasons.append(
                pl.when(raw.is_null()).then(pl.lit(f"missing {role} column {column.name}"))
            )
        if column.kind is not ColumnKind.TEXT and column.name not in typed:
            what = (
                "unparseable timestamp"
                if column.kind is ColumnKind.TIMESTAMP
                else "wrong type (not an integer)"
            )
            reasons.append(
                pl.when(raw.is_not_null() & parsed.is_null()).then(
                    pl.concat_str(
                        pl.lit(f"{what} in {column.name}: '"),
                        raw.cast(pl.String).str.slice(0, _VALUE_PREVIEW),
                        pl.lit("'"),
                    )
                )
            )
        if column.allowed is not None:
            reasons.append(
                pl.when(parsed.is_not_null() & ~parsed.is_in(list(column.allowed))).then(
                    pl.concat_str(
                        pl.lit("unknown value '"),
                        parsed.str.slice(0, _VALUE_PREVIEW),
                        pl.lit(f"' for {column.name} (allowed: {', '.join(column.allowed)})"),
                    )
                )
            )
    joined = pl.concat_str(reasons, separator="; ", ignore_nulls=True)
    return pl.when(joined == "").then(None).otherwise(joined).alias(_REASON)


def _quarantine_frame(contract: TableContract, bad: pl.DataFrame, part: Records) -> pl.DataFrame:
    """The quarantine rows of ``bad``, each with its original record as JSON."""
    record_key = pl.concat_str(
        [pl.col(c).cast(pl.String).fill_null("") for c in contract.key], separator="|"
    )
    if isinstance(part, pl.DataFrame):
        originals = part.with_row_index(_ROW).join(
            bad.select(_ROW), on=_ROW, how="semi", maintain_order="left"
        )
        payload = originals.select(
            pl.struct(pl.exclude(_ROW)).struct.json_encode().alias("payload")
        ).to_series()
    else:
        payload = pl.Series(
            "payload",
            [json.dumps(part[i], default=str, sort_keys=True) for i in bad[_ROW]],
            dtype=pl.String,
        )
    return bad.select(record_key.alias("record_key"), pl.col(_REASON).alias("reason")).with_columns(
        payload
    )
