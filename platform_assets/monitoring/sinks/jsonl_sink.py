"""The local alert log: one JSON object per line. The default sink, so alerts are visible
on a fresh clone with no account anywhere, and the fallback for a sink whose secret is
not configured here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from platform_assets.monitoring.alert import Alert
from platform_assets.monitoring.alert_routes import SinkSpec
from platform_assets.owner_only import owner_only_directory, owner_only_opener
from platform_assets.settings import resolve_path

DEFAULT_ALERT_LOG = "data/alerts.jsonl"


@dataclass(frozen=True)
class JsonlSink:
    name: str
    path: Path
    note: str | None = None
    """Why this log stands in for another sink, when it does."""

    @classmethod
    def from_spec(cls, spec: SinkSpec) -> JsonlSink:
        return cls(spec.name, resolve_path(str(spec.setting("path", DEFAULT_ALERT_LOG))))

    def send(self, alert: Alert) -> None:
        record = {"sink": self.name, **alert.to_dict()}
        if self.note:
            record["sink_note"] = self.note
        owner_only_directory(self.path.parent)
        with open(self.path, "a", encoding="utf-8", opener=owner_only_opener) as log:
            log.write(json.dumps(record, sort_keys=True) + "\n")
