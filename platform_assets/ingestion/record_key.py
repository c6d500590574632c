"""A record's natural key as one text: its key values joined by ``|``.

The quarantine stores records under it, sources report deleted records by it
(``RecordBatch.deleted_keys``), and an erased record's keyed digest is taken of it, so
all three must spell it alike: raw values as text, a missing value as empty text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

import polars as pl

from platform_assets.ingestion.connector import Records
from platform_assets.warehouse import quote_identifier

SEPARATOR: Final = "|"


def record_key_expr(key: Sequence[str]) -> pl.Expr:
    """The record key of each row of a frame."""
    return pl.concat_str(
        [pl.col(column).cast(pl.String).fill_null("") for column in key], separator=SEPARATOR
    )


def record_key_sql(key: Sequence[str], table_alias: str) -> str:
    """The record key of a stored row, as SQL over ``table_alias``."""
    values = ", ".join(f"cast({table_alias}.{quote_identifier(c)} as VARCHAR)" for c in key)
    return f"concat_ws('{SEPARATOR}', {values})"


def record_keys(key: Sequence[str], records: Records) -> pl.Series:
    """The record key of each record, in order (empty text for a record that is not an
    object: it has no key)."""
    if isinstance(records, pl.DataFrame):
        return records.select(record_key_expr(key)).to_series()
    return pl.Series(
        [
            SEPARATOR.join(_text(record.get(column)) for column in key)
            if isinstance(record, Mapping)
            else ""
            for record in records
        ],
        dtype=pl.String,
    )


def _text(value: object) -> str:
    return "" if value is None else str(value)
