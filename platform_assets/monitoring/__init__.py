"""Stage-driven monitoring: alert routes, sinks, the alert sensor and SLA attainment.

For the code location: ``build_alert_sensor()`` (a sensor that needs no resources; sinks
read their secrets from the environment variables the routes file names). For the stage
scorecard (``platform_assets.audit.scorecard``) and promotion:
``attainment_for(instance, asset_key, sla, now, check_keys=...)``.
"""

from platform_assets.monitoring.alert import Alert
from platform_assets.monitoring.alert_routes import AlertRoutes
from platform_assets.monitoring.alert_sensor import build_alert_sensor
from platform_assets.monitoring.history import AssetHistory, read_history
from platform_assets.monitoring.sinks import AlertRoutesError, AlertSink, SinkSpec, build_sink
from platform_assets.monitoring.sla_attainment import Attainment, attainment_for, summarize

__all__ = [
    "Alert",
    "AlertRoutes",
    "AlertRoutesError",
    "AlertSink",
    "AssetHistory",
    "Attainment",
    "SinkSpec",
    "attainment_for",
    "build_alert_sensor",
    "build_sink",
    "read_history",
    "summarize",
]
