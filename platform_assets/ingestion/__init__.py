"""The one ingestion interface (``Connector``) and the machinery every connector shares:
a resilient HTTP client, pagination, validation with quarantine, and a transactional,
idempotent landing into DuckDB with persisted cursors; a registry of source kinds, and
the builder of raw assets (``raw_asset``, imported from its module: it needs the stages
and the warehouse, which a connector does not)."""

from platform_assets.ingestion.conflicts import ConflictRule, Preference
from platform_assets.ingestion.connector import (
    AcceptsAnyCursor,
    Connector,
    RecordBatch,
    Records,
    Rejected,
    SnapshotScope,
)
from platform_assets.ingestion.contract import LINEAGE_COLUMNS, ColumnKind, TableContract
from platform_assets.ingestion.failure import FailureCategory, SourceError
from platform_assets.ingestion.http_client import (
    DEFAULT_MAX_PAGES,
    RequestStats,
    ResilientHttpClient,
    RetrySettings,
)
from platform_assets.ingestion.ops_tables import CURSORS_TABLE, QUARANTINE_TABLE, read_cursor
from platform_assets.ingestion.pagination import link_header_pages, offset_pages
from platform_assets.ingestion.report import IngestionReport
from platform_assets.ingestion.runner import IngestionFailed, ingest
from platform_assets.ingestion.source_registry import (
    ConnectorFactory,
    ConnectorSource,
    SourceChoice,
    SourceRegistry,
)

__all__ = [
    "CURSORS_TABLE",
    "DEFAULT_MAX_PAGES",
    "LINEAGE_COLUMNS",
    "QUARANTINE_TABLE",
    "AcceptsAnyCursor",
    "ColumnKind",
    "ConflictRule",
    "Connector",
    "ConnectorFactory",
    "ConnectorSource",
    "FailureCategory",
    "IngestionFailed",
    "IngestionReport",
    "Preference",
    "RecordBatch",
    "Records",
    "Rejected",
    "RequestStats",
    "ResilientHttpClient",
    "RetrySettings",
    "SnapshotScope",
    "SourceChoice",
    "SourceError",
    "SourceRegistry",
    "TableContract",
    "ingest",
    "link_header_pages",
    "offset_pages",
    "read_cursor",
]
