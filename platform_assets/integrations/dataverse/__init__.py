"""Dynamics 365 / Dataverse Web API connector: CRM contacts and accounts."""

from platform_assets.integrations.dataverse.connector import DataverseConnector
from platform_assets.integrations.dataverse.settings import (
    DataverseSettings,
    dataverse_settings_from_env,
)

__all__ = ["DataverseConnector", "DataverseSettings", "dataverse_settings_from_env"]
