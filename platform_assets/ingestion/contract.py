"""A raw table's landing contract, read from the Pandera model that documents it.

The Pandera model is the single statement of a raw table: it documents the columns,
validates the loaded batch, and (through this module) fixes the landing types, the
natural key, the required columns and the allowed values that decide what is
quarantined. Lineage columns are added by the loader, whatever the model says.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import polars as pl

from platform_assets.integrations.duckdb import quote_identifier
from platform_assets.integrations.pandera import (
    PanderaSchema,
    primary_key_from_pandera,
    to_dataframe_schema,
)

SOURCE_COLUMN: Final = "_source"
LOADED_AT_COLUMN: Final = "_loaded_at"
RUN_ID_COLUMN: Final = "_run_id"
LINEAGE_COLUMNS: Final = (SOURCE_COLUMN, LOADED_AT_COLUMN, RUN_ID_COLUMN)

UTC_TIMESTAMP: Final = pl.Datetime("us", "UTC")


class ColumnKind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    TIMESTAMP = "timestamp"

    @property
    def duckdb_type(self) -> str:
        return {"text": "VARCHAR", "integer": "BIGINT", "timestamp": "TIMESTAMPTZ"}[self.value]

    @property
    def polars_type(self) -> pl.DataType:
        return {"text": pl.String(), "integer": pl.Int64(), "timestamp": UTC_TIMESTAMP}[self.value]

    @classmethod
    def of(cls, dtype: pl.DataType) -> ColumnKind:
        if dtype == pl.String:
            return cls.TEXT
        if dtype.is_integer():
            return cls.INTEGER
        if isinstance(dtype, pl.Datetime):
            return cls.TIMESTAMP
        raise ValueError(f"no landing type for polars dtype {dtype}")


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: ColumnKind
    nullable: bool
    allowed: tuple[str, ...] | None = None


@dataclass(frozen=True)
class TableContract:
    schema: str
    table: str
    key: tuple[str, ...]
    columns: tuple[ColumnSpec, ...]

    @property
    def entity(self) -> str:
        return self.table

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.table}"

    @property
    def sql_name(self) -> str:
        return f"{quote_identifier(self.schema)}.{quote_identifier(self.table)}"

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def polars_schema(self) -> pl.Schema:
        """The landed batch's schema: data columns, then lineage columns."""
        return pl.Schema(
            [(c.name, c.kind.polars_type) for c in self.columns]
            + [(SOURCE_COLUMN, pl.String()), (LOADED_AT_COLUMN, UTC_TIMESTAMP)]
            + [(RUN_ID_COLUMN, pl.String())]
        )

    def create_table_sql(self) -> str:
        columns = [
            f"{quote_identifier(c.name)} {c.kind.duckdb_type}"
            + ("" if c.nullable and c.name not in self.key else " NOT NULL")
            for c in self.columns
        ]
        columns += [
            f"{quote_identifier(SOURCE_COLUMN)} VARCHAR NOT NULL",
            f"{quote_identifier(LOADED_AT_COLUMN)} TIMESTAMPTZ NOT NULL",
            f"{quote_identifier(RUN_ID_COLUMN)} VARCHAR NOT NULL",
        ]
        key = ", ".join(quote_identifier(c) for c in self.key)
        return (
            f"create table if not exists {self.sql_name} "
            f"({', '.join(columns)}, primary key ({key}))"
        )

    @classmethod
    def from_pandera(cls, model: PanderaSchema, *, schema: str, table: str) -> TableContract:
        resolved = to_dataframe_schema(model)
        key = tuple(primary_key_from_pandera(resolved))
        if not key:
            raise ValueError(f"{resolved.name} declares no primary key; a raw table needs one")
        columns = []
        for name, column in resolved.columns.items():
            if name in LINEAGE_COLUMNS:
                continue
            allowed = next(
                (
                    tuple(str(v) for v in check.statistics["allowed_values"])
                    for check in column.checks
                    if check.name == "isin"
                ),
                None,
            )
            columns.append(
                ColumnSpec(
                    name=name,
                    kind=ColumnKind.of(column.dtype.type),
                    nullable=bool(column.nullable),
                    allowed=allowed,
                )
            )
        return cls(schema=schema, table=table, key=key, columns=tuple(columns))
