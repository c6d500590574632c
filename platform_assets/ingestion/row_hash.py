"""``_row_hash``: the sha256 of a row's data columns, for tables that opt into it.

Downstream models compare one column instead of every column to find what changed. The
hashed text is a JSON array of the data columns in contract order, each as canonical
text (a timestamp as microseconds since the epoch, so no session time zone enters it),
and JSON keeps NULL distinct from the empty string. An in-memory DuckDB computes it
(``sha256``; polars has no cryptographic hash) for every row the warehouse stores,
whichever database that is: PostgreSQL spells a float as text differently (``1`` for
DuckDB's ``1.0``), so a hash taken there would differ from DuckDB's for the same row.
"""

from __future__ import annotations

import duckdb
import polars as pl

from platform_assets.ingestion.contract import ROW_HASH_COLUMN, ColumnKind, TableContract
from platform_assets.warehouse import quote_identifier


def row_hash_sql(contract: TableContract) -> str:
    """The DuckDB expression of the hash over the contract's data columns."""
    texts = []
    for column in contract.columns:
        value = quote_identifier(column.name)
        if column.kind is ColumnKind.TIMESTAMP:
            value = f"epoch_us({value})"
        texts.append(f"cast({value} as VARCHAR)")
    return f"sha256(to_json(list_value({', '.join(texts)})))"


def with_row_hash(contract: TableContract, rows: pl.DataFrame) -> pl.DataFrame:
    """``rows`` (the contract's data columns, typed, in any order) with their
    ``_row_hash``, replacing one they carry."""
    with duckdb.connect() as connection:
        connection.register("hashed_rows", rows.to_arrow())
        # a plain projection keeps DuckDB's insertion order, so the hashes line up
        hashes = connection.sql(f"select {row_hash_sql(contract)} from hashed_rows")
        column = pl.from_arrow(hashes.to_arrow_table().column(0))
    return rows.with_columns(pl.Series(ROW_HASH_COLUMN, column, dtype=pl.String))
