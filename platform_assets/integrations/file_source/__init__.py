"""A folder of CSV or JSONL files, one per entity, as an ingestion source."""

from platform_assets.integrations.file_source.connector import FileSourceConnector

__all__ = ["FileSourceConnector"]
