"""A Dagster data platform where every dataset declares its delivery stage in code.

The public API is ``__all__``: what a team adding a domain or a connector imports from
``platform_assets`` (docs/adding-a-domain.md, docs/policies/semver.md). Those names are
covered by the SemVer and deprecation policies and snapshot-tested with their signatures
(tests/test_public_api.py); every other module path is internal and may change in any
release.
"""

from __future__ import annotations

import importlib
import warnings
from typing import TYPE_CHECKING, Any, Final

from platform_assets.owner_only import restrict_new_files_to_owner

# Every process that runs the platform's code imports this package first: the code
# location, the run and step workers, and dbt (through the project's dbt-duckdb plugin).
# Setting the umask here, before any of them writes, makes the warehouse, its WAL, the
# pseudonym key and the logs they create owner-only whatever shell started them.
restrict_new_files_to_owner()

# Owners on jobs, schedules and sensors are a beta parameter in Dagster 1.13; the platform
# uses it on purpose, so the UI shows who answers for each, and keeps its warning out of
# every code-location load.
warnings.filterwarnings("ignore", message=r"Parameter `owners` .* is currently in beta")

#: Where each public name is defined. They are imported on first use (PEP 562), not
#: here: importing them all takes seconds (Dagster, Polars, Pandera), and the dbt plugin
#: and the CLI import this package without needing any of them.
_PUBLIC_MODULES: Final[dict[str, tuple[str, ...]]] = {
    "platform_assets.stages": ("DeliveryStage", "Sla"),
    "platform_assets.staged_assets": ("staged_asset",),
    "platform_assets.ingestion.raw_asset": ("RawLanding", "raw_table_asset"),
    "platform_assets.ingestion": (
        "AcceptsAnyCursor",
        "Connector",
        "FailureCategory",
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
        "link_header_pages",
        "offset_pages",
    ),
    "platform_assets.ingestion.source_environment": ("env_text", "http_client_from_env"),
    "platform_assets.checks": (
        "accepted_values_check",
        "data_freshness_check",
        "distinct_count_check",
        "referential_integrity_check",
        "row_count_bounds_check",
        "value_range_check",
        "volume_change_check",
    ),
    "platform_assets.dashboards.asset": ("dashboard_asset",),
    "platform_assets.dashboards.environment": ("dashboard_environment",),
    "platform_assets.dashboards.files": ("dashboards_dir", "write_page"),
    "platform_assets.settings": ("env_or_default", "resolve_path"),
}
_MODULE_OF: Final = {name: module for module, names in _PUBLIC_MODULES.items() for name in names}

__all__ = [
    "AcceptsAnyCursor",
    "Connector",
    "DeliveryStage",
    "FailureCategory",
    "RawLanding",
    "RecordBatch",
    "Records",
    "Rejected",
    "RequestStats",
    "ResilientHttpClient",
    "RetrySettings",
    "Sla",
    "SnapshotScope",
    "SourceChoice",
    "SourceError",
    "SourceRegistry",
    "TableContract",
    "accepted_values_check",
    "dashboard_asset",
    "dashboard_environment",
    "dashboards_dir",
    "data_freshness_check",
    "distinct_count_check",
    "env_or_default",
    "env_text",
    "http_client_from_env",
    "link_header_pages",
    "offset_pages",
    "raw_table_asset",
    "referential_integrity_check",
    "resolve_path",
    "row_count_bounds_check",
    "staged_asset",
    "value_range_check",
    "volume_change_check",
    "write_page",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'platform_assets' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


# Type checkers and editors see the same names with their real types.
if TYPE_CHECKING:
    from platform_assets.checks import (
        accepted_values_check,
        data_freshness_check,
        distinct_count_check,
        referential_integrity_check,
        row_count_bounds_check,
        value_range_check,
        volume_change_check,
    )
    from platform_assets.dashboards.asset import dashboard_asset
    from platform_assets.dashboards.environment import dashboard_environment
    from platform_assets.dashboards.files import dashboards_dir, write_page
    from platform_assets.ingestion import (
        AcceptsAnyCursor,
        Connector,
        FailureCategory,
        RecordBatch,
        Records,
        Rejected,
        RequestStats,
        ResilientHttpClient,
        RetrySettings,
        SnapshotScope,
        SourceChoice,
        SourceError,
        SourceRegistry,
        TableContract,
        link_header_pages,
        offset_pages,
    )
    from platform_assets.ingestion.raw_asset import RawLanding, raw_table_asset
    from platform_assets.ingestion.source_environment import env_text, http_client_from_env
    from platform_assets.settings import env_or_default, resolve_path
    from platform_assets.staged_assets import staged_asset
    from platform_assets.stages import DeliveryStage, Sla
