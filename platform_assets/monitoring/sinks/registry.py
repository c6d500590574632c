"""Builds a sink from its ``SinkSpec``: the one place that knows every kind.

A sink whose secret or address is not set in this environment falls back to a local JSONL
log when the spec names a ``fallback_path``, so the shipped routes work on a fresh clone;
without one, the missing setting is an error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from platform_assets.monitoring.alert_routes import AlertRoutesError, SinkSpec
from platform_assets.monitoring.sinks.alert_sink import AlertSink, SinkUnavailable
from platform_assets.monitoring.sinks.email_sink import EmailSink
from platform_assets.monitoring.sinks.jsonl_sink import JsonlSink
from platform_assets.monitoring.sinks.slack_sink import SlackSink
from platform_assets.monitoring.sinks.webhook_sink import WebhookSink
from platform_assets.settings import resolve_path

SINK_BUILDERS: Final[dict[str, Callable[[SinkSpec], AlertSink]]] = {
    "jsonl": JsonlSink.from_spec,
    "slack": SlackSink.from_spec,
    "email": EmailSink.from_spec,
    "webhook": WebhookSink.from_spec,
}


def build_sink(spec: SinkSpec) -> AlertSink:
    builder = SINK_BUILDERS.get(spec.kind)
    if builder is None:
        raise AlertRoutesError(f"sink {spec.name!r}: no builder for kind {spec.kind!r}")
    try:
        return builder(spec)
    except SinkUnavailable as unavailable:
        fallback = spec.setting("fallback_path")
        if not fallback:
            raise AlertRoutesError(
                f"sink {spec.name!r} ({spec.kind}) cannot be used: {unavailable}; set it, or "
                "give the sink a fallback_path"
            ) from unavailable
        note = f"{spec.kind} sink not configured here ({unavailable}); logged instead"
        return JsonlSink(spec.name, resolve_path(str(fallback)), note)
