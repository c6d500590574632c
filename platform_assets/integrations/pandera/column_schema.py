"""Reads a Pandera schema as documentation: columns, types, descriptions, pii, keys.

The same model that validates an asset's output is the source of its column schema in
the Dagster UI, so the documentation cannot drift from what is enforced.
"""

from __future__ import annotations

from typing import Any

import dagster as dg
import pandera.polars as pa

from platform_assets.stages.contract_metadata import (
    PII_PROTECTION_TAG,
    PII_TAG,
    asserts_not_null,
    asserts_unique,
)

PanderaSchema = type[pa.DataFrameModel] | pa.DataFrameSchema


def to_dataframe_schema(schema: PanderaSchema) -> pa.DataFrameSchema:
    if isinstance(schema, pa.DataFrameSchema):
        return schema
    return schema.to_schema()


def _column_tags(column_metadata: dict[str, Any] | None) -> dict[str, str]:
    """Column tags carry the security classification; tag values must be strings."""
    tags: dict[str, str] = {}
    metadata = column_metadata or {}
    if PII_TAG in metadata:
        tags[PII_TAG] = str(bool(metadata[PII_TAG])).lower()
    if PII_PROTECTION_TAG in metadata:
        tags[PII_PROTECTION_TAG] = str(metadata[PII_PROTECTION_TAG])
    return tags


def column_schema_from_pandera(schema: PanderaSchema) -> dg.TableSchema:
    resolved = to_dataframe_schema(schema)
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=name,
                type=str(column.dtype),
                description=column.description,
                constraints=dg.TableColumnConstraints(
                    nullable=bool(column.nullable), unique=bool(column.unique)
                ),
                tags=_column_tags(column.metadata),
            )
            for name, column in resolved.columns.items()
        ]
    )


def primary_key_from_pandera(schema: PanderaSchema) -> list[str]:
    """The key the schema asserts unique: ``Config.unique`` if set, else the single
    column declared ``unique=True``. Empty when the schema asserts no key."""
    resolved = to_dataframe_schema(schema)
    if resolved.unique:
        return [resolved.unique] if isinstance(resolved.unique, str) else list(resolved.unique)
    unique_columns = [name for name, column in resolved.columns.items() if column.unique]
    return unique_columns if len(unique_columns) == 1 else []


def asserted_columns(schema: PanderaSchema) -> list[str]:
    """What the schema check asserts, in the audit's vocabulary."""
    resolved = to_dataframe_schema(schema)
    asserts = []
    key = primary_key_from_pandera(resolved)
    if key:
        asserts.append(asserts_unique(key))
    asserts.extend(
        asserts_not_null(name) for name, column in resolved.columns.items() if not column.nullable
    )
    return asserts
