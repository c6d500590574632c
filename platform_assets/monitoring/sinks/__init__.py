"""Alert sinks: pluggable destinations behind one ``AlertSink`` protocol."""

from platform_assets.monitoring.sinks.alert_sink import AlertSink, SinkUnavailable
from platform_assets.monitoring.sinks.registry import SINK_BUILDERS, build_sink

__all__ = ["SINK_BUILDERS", "AlertSink", "SinkUnavailable", "build_sink"]
