"""The DORA domain: raw delivery data (deployments, changes, incidents) from a
configurable source, for the dbt models that compute the DORA metrics."""

from platform_assets.domains.dora.raw_assets import RawIngestionConfig, raw_assets
from platform_assets.domains.dora.sources import DoraSource, dora_source_from_env

__all__ = ["DoraSource", "RawIngestionConfig", "dora_source_from_env", "raw_assets"]
