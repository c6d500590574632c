"""Pandera schemas as the type, the documentation and the checks of a Polars asset."""

from platform_assets.integrations.pandera.column_schema import (
    PanderaSchema,
    asserted_columns,
    column_schema_from_pandera,
    primary_key_from_pandera,
    to_dataframe_schema,
)
from platform_assets.integrations.pandera.row_order import IN_ORDER_CHECK, in_order, out_of_order
from platform_assets.integrations.pandera.schema_check import (
    SCHEMA_CHECK_NAME,
    pandera_check_spec,
    validate_with_pandera,
)

__all__ = [
    "IN_ORDER_CHECK",
    "SCHEMA_CHECK_NAME",
    "PanderaSchema",
    "asserted_columns",
    "column_schema_from_pandera",
    "in_order",
    "out_of_order",
    "pandera_check_spec",
    "primary_key_from_pandera",
    "to_dataframe_schema",
    "validate_with_pandera",
]
