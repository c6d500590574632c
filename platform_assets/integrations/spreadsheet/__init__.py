"""Legacy customer workbooks (``.xlsx``) from a folder, with a column map for their headers."""

from platform_assets.integrations.spreadsheet.column_map import (
    ColumnMap,
    DateOrder,
    load_column_map,
)
from platform_assets.integrations.spreadsheet.connector import ENTITY, SOURCE, SpreadsheetConnector
from platform_assets.integrations.spreadsheet.settings import (
    COLUMN_MAP_ENV,
    DIRECTORY_ENV,
    SpreadsheetSettings,
    spreadsheet_settings_from_env,
)
from platform_assets.integrations.spreadsheet.workbook import RECORD_COLUMNS

__all__ = [
    "COLUMN_MAP_ENV",
    "DIRECTORY_ENV",
    "ENTITY",
    "RECORD_COLUMNS",
    "SOURCE",
    "ColumnMap",
    "DateOrder",
    "SpreadsheetConnector",
    "SpreadsheetSettings",
    "load_column_map",
    "spreadsheet_settings_from_env",
]
