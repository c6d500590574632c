"""PagerDuty REST API connector for incidents."""

from platform_assets.integrations.pagerduty.connector import (
    PagerDutyConnector,
    PagerDutySettings,
    auth_headers,
)

__all__ = ["PagerDutyConnector", "PagerDutySettings", "auth_headers"]
