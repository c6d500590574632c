"""Apache DevLake's domain-layer tables (CSV exports or its database) as an ingestion
source of the raw DORA tables."""

from platform_assets.integrations.devlake.connector import DevLakeConnector
from platform_assets.integrations.devlake.tables import CsvFolder, SqlDatabase

__all__ = ["CsvFolder", "DevLakeConnector", "SqlDatabase"]
