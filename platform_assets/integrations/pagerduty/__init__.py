"""PagerDuty REST API connector for incidents."""

from platform_assets.integrations.pagerduty.connector import (
    DEFAULT_LOOKBACK,
    PagerDutyConnector,
    PagerDutySettings,
    auth_headers,
)

__all__ = ["DEFAULT_LOOKBACK", "PagerDutyConnector", "PagerDutySettings", "auth_headers"]
