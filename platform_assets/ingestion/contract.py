"""A raw table's landing contract, read from the Pandera model that documents it.

The Pandera model is the single statement of a raw table: it documents the columns,
validates the loaded batch, and (through this module) fixes the landing types, the
natural key, the required columns, the allowed values, the personal-data columns and
the plausible values that decide what is quarantined. Lineage columns are added by the
loader, whatever the model says.

Plausibility is read from the model as Pandera states it where Pandera can: a
timestamp's lower bound is its ``ge`` check, the order of two timestamps an ``in_order``
dataframe check. Two bounds are column metadata instead: a text's maximum size in bytes
(``max_bytes``; Pandera's ``str_length`` counts characters, which costs a pass over
every value of every text column in each asset check) and how far after the load a
timestamp may be (``future_tolerance_hours``; a static check cannot know the load time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Final

import pandera.polars as pa
import polars as pl

from platform_assets.integrations.pandera import (
    IN_ORDER_CHECK,
    PanderaSchema,
    primary_key_from_pandera,
    to_dataframe_schema,
)
from platform_assets.stages.contract_metadata import PII_TAG
from platform_assets.warehouse import quote_identifier

SOURCE_COLUMN: Final = "_source"
LOADED_AT_COLUMN: Final = "_loaded_at"
RUN_ID_COLUMN: Final = "_run_id"
LINEAGE_COLUMNS: Final = (SOURCE_COLUMN, LOADED_AT_COLUMN, RUN_ID_COLUMN)
#: Lineage columns a table opts into (``Config.metadata`` of its Pandera model), also
#: written by the loader only: when the source deleted the row (NULL while it exists),
#: and the sha256 of the row's data columns (a cheap change signal downstream).
DELETED_AT_COLUMN: Final = "_deleted_at"
ROW_HASH_COLUMN: Final = "_row_hash"
OPTIONAL_LINEAGE_COLUMNS: Final = (ROW_HASH_COLUMN, DELETED_AT_COLUMN)
#: The fields of a record that its contract does not know, as a JSON object (NULL when it
#: has none): a column a source adds is kept until a migration and the contract adopt it
#: (docs/schema-evolution.md). Last, so a table the migration altered has the order of
#: one created anew.
EXTRAS_COLUMN: Final = "_extras"

UTC_TIMESTAMP: Final = pl.Datetime("us", "UTC")

#: Column metadata keys of the Pandera models that bound plausible values.
MAX_BYTES_KEY: Final = "max_bytes"
FUTURE_TOLERANCE_KEY: Final = "future_tolerance_hours"
#: Table metadata keys of the Pandera models (``Config.metadata``) that opt into the
#: optional lineage columns.
SOFT_DELETES_KEY: Final = "soft_deletes"
ROW_HASH_KEY: Final = "row_hash"


class ColumnKind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    TIMESTAMP = "timestamp"
    FLOAT = "float"
    DATE = "date"

    @property
    def sql_type(self) -> str:
        """The landing type, spelled so DuckDB and PostgreSQL both take it (PostgreSQL
        has no ``DOUBLE``)."""
        return {
            "text": "VARCHAR",
            "integer": "BIGINT",
            "timestamp": "TIMESTAMPTZ",
            "float": "DOUBLE PRECISION",
            "date": "DATE",
        }[self.value]

    @property
    def polars_type(self) -> pl.DataType:
        return {
            "text": pl.String(),
            "integer": pl.Int64(),
            "timestamp": UTC_TIMESTAMP,
            "float": pl.Float64(),
            "date": pl.Date(),
        }[self.value]

    @classmethod
    def of(cls, dtype: pl.DataType) -> ColumnKind:
        if dtype == pl.String:
            return cls.TEXT
        if dtype.is_integer():
            return cls.INTEGER
        if isinstance(dtype, pl.Datetime):
            return cls.TIMESTAMP
        if dtype.is_float():
            return cls.FLOAT
        if dtype == pl.Date:
            return cls.DATE
        raise ValueError(f"no landing type for polars dtype {dtype}")


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: ColumnKind
    nullable: bool
    allowed: tuple[str, ...] | None = None
    pii: bool = False
    """Personal data: never copied into the quarantine."""
    max_bytes: int | None = None
    """Text only: the largest plausible value, in UTF-8 bytes."""
    earliest: datetime | None = None
    """Timestamps only: no plausible value is earlier."""
    future_tolerance: timedelta | None = None
    """Timestamps only: how far after the load a value may be (sources' clocks drift)."""


@dataclass(frozen=True)
class ColumnOrder:
    """A row rule: ``later`` is never before ``earlier`` (either may be null)."""

    earlier: str
    later: str


@dataclass(frozen=True)
class TableContract:
    schema: str
    table: str
    key: tuple[str, ...]
    columns: tuple[ColumnSpec, ...]
    orderings: tuple[ColumnOrder, ...] = ()
    soft_deletes: bool = False
    """Rows the source deletes are kept and marked (``_deleted_at``), never removed."""
    row_hash: bool = False
    """Rows carry ``_row_hash``, the sha256 of their data columns."""

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

    @property
    def lineage_columns(self) -> tuple[str, ...]:
        """The loader-written columns of this table, in table order."""
        opted = tuple(
            name
            for name, opted in (
                (ROW_HASH_COLUMN, self.row_hash),
                (DELETED_AT_COLUMN, self.soft_deletes),
            )
            if opted
        )
        return (*LINEAGE_COLUMNS, *opted, EXTRAS_COLUMN)

    def polars_schema(self) -> pl.Schema:
        """The landed batch's schema: data columns, then lineage columns."""
        lineage_types = {
            SOURCE_COLUMN: pl.String(),
            LOADED_AT_COLUMN: UTC_TIMESTAMP,
            RUN_ID_COLUMN: pl.String(),
            ROW_HASH_COLUMN: pl.String(),
            DELETED_AT_COLUMN: UTC_TIMESTAMP,
            EXTRAS_COLUMN: pl.String(),
        }
        return pl.Schema(
            [(c.name, c.kind.polars_type) for c in self.columns]
            + [(name, lineage_types[name]) for name in self.lineage_columns]
        )

    def create_table_sql(self) -> str:
        columns = [
            f"{quote_identifier(c.name)} {c.kind.sql_type}"
            + ("" if c.nullable and c.name not in self.key else " NOT NULL")
            for c in self.columns
        ]
        columns += [
            f"{quote_identifier(SOURCE_COLUMN)} VARCHAR NOT NULL",
            f"{quote_identifier(LOADED_AT_COLUMN)} TIMESTAMPTZ NOT NULL",
            f"{quote_identifier(RUN_ID_COLUMN)} VARCHAR NOT NULL",
        ]
        if self.row_hash:
            columns.append(f"{quote_identifier(ROW_HASH_COLUMN)} VARCHAR NOT NULL")
        if self.soft_deletes:
            columns.append(f"{quote_identifier(DELETED_AT_COLUMN)} TIMESTAMPTZ")
        columns.append(f"{quote_identifier(EXTRAS_COLUMN)} VARCHAR")
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
        columns = [
            _column_spec(name, column)
            for name, column in resolved.columns.items()
            if name not in (*LINEAGE_COLUMNS, *OPTIONAL_LINEAGE_COLUMNS, EXTRAS_COLUMN)
        ]
        orderings = tuple(
            ColumnOrder(check.statistics["earlier"], check.statistics["later"])
            for check in resolved.checks
            if check.name == IN_ORDER_CHECK
        )
        options = _table_options(model)
        return cls(
            schema=schema,
            table=table,
            key=key,
            columns=tuple(columns),
            orderings=orderings,
            soft_deletes=bool(options.get(SOFT_DELETES_KEY)),
            row_hash=bool(options.get(ROW_HASH_KEY)),
        )


def _table_options(model: PanderaSchema) -> dict[str, Any]:
    """The table-level metadata: a schema's own, or a model's ``Config.metadata``, which
    Pandera keeps on the model's merged config and does not copy to the schema it builds
    (and whose ``get_metadata`` fails for a Config without metadata)."""
    if isinstance(model, pa.DataFrameSchema):
        return model.metadata or {}
    config = model.__config__
    return (config.metadata if config is not None else None) or {}


def _column_spec(name: str, column: pa.Column) -> ColumnSpec:
    metadata = column.metadata or {}
    allowed = _statistic(column, "isin", "allowed_values")
    tolerance = metadata.get(FUTURE_TOLERANCE_KEY)
    kind = ColumnKind.of(column.dtype.type)
    return ColumnSpec(
        name=name,
        kind=kind,
        nullable=bool(column.nullable),
        allowed=None if allowed is None else tuple(str(value) for value in allowed),
        pii=bool(metadata.get(PII_TAG)),
        max_bytes=metadata.get(MAX_BYTES_KEY),
        # a `ge` bound of another kind (a float's minimum) is Pandera's check alone
        earliest=(
            _statistic(column, "greater_than_or_equal_to", "min_value")
            if kind is ColumnKind.TIMESTAMP
            else None
        ),
        future_tolerance=None if tolerance is None else timedelta(hours=tolerance),
    )


def _statistic(column: pa.Column, check_name: str, statistic: str) -> Any:
    """A statistic of the column's check named ``check_name`` (None without that check)."""
    return next((c.statistics[statistic] for c in column.checks if c.name == check_name), None)
