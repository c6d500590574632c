"""``_row_hash``: the sha256 of a row's data columns, for tables that opt into it.

Downstream models compare one column instead of every column to find what changed. The
hashed text is a JSON array of the data columns in contract order, each as canonical
text (a timestamp as microseconds since the epoch, so no session time zone enters it),
and JSON keeps NULL distinct from the empty string. DuckDB computes it (``sha256``;
polars has no cryptographic hash), with the same expression for the landed batch and
for a stored row the merge completes, so a rerun gives the same hash.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import polars as pl

from platform_assets.ingestion.contract import ROW_HASH_COLUMN, ColumnKind, TableContract
from platform_assets.warehouse import quote_identifier


def row_hash_sql(
    contract: TableContract, column_sql: Callable[[str], str] = quote_identifier
) -> str:
    """The SQL expression of the hash; ``column_sql`` names where each column's value is
    read (the merge reads a column the batch did not carry from the stored row)."""
    texts = []
    for column in contract.columns:
        value = column_sql(column.name)
        if column.kind is ColumnKind.TIMESTAMP:
            value = f"epoch_us({value})"
        texts.append(f"cast({value} as VARCHAR)")
    return f"sha256(to_json(list_value({', '.join(texts)})))"


def with_row_hash(contract: TableContract, rows: pl.DataFrame) -> pl.DataFrame:
    """``rows`` (the contract's data columns, typed) with their ``_row_hash``."""
    with duckdb.connect() as connection:
        connection.register("hashed_rows", rows.to_arrow())
        # a plain projection keeps DuckDB's insertion order, so the hashes line up
        hashes = connection.sql(f"select {row_hash_sql(contract)} from hashed_rows")
        column = pl.from_arrow(hashes.to_arrow_table().column(0))
    return rows.with_columns(pl.Series(ROW_HASH_COLUMN, column, dtype=pl.String))
