"""Where the workbooks and their column map are, from the environment with local defaults."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

from platform_assets.ingestion.source_environment import env_text
from platform_assets.integrations.spreadsheet.column_map import ColumnMap, load_column_map
from platform_assets.integrations.spreadsheet.connector import SpreadsheetConnector
from platform_assets.settings import resolve_path

DIRECTORY_ENV: Final = "PLATFORM_SPREADSHEET_DIR"
DEFAULT_DIRECTORY: Final = "data/customer_spreadsheets"
COLUMN_MAP_ENV: Final = "PLATFORM_SPREADSHEET_COLUMN_MAP"
DEFAULT_COLUMN_MAP: Final = "config/spreadsheet_columns.yaml"


@dataclass(frozen=True)
class SpreadsheetSettings:
    directory: Path
    column_map_path: Path

    def column_map(self) -> ColumnMap:
        return load_column_map(self.column_map_path)

    def connector(self) -> SpreadsheetConnector:
        return SpreadsheetConnector(self.directory, self.column_map())


def spreadsheet_settings_from_env() -> SpreadsheetSettings:
    """Relative paths are relative to the project root, wherever the process started."""
    return SpreadsheetSettings(
        directory=resolve_path(env_text(DIRECTORY_ENV, DEFAULT_DIRECTORY)),
        column_map_path=resolve_path(env_text(COLUMN_MAP_ENV, DEFAULT_COLUMN_MAP)),
    )
