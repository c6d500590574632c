"""The alert-route configuration: which sinks hear about which assets.

An asset's ``alert_route`` tag (set from its stage by ``staged_asset`` and the dbt
translator) names a route; a route lists sinks. The audit reads this file to decide
BETA.ALERTING (some sink covers the asset) and GA.PAGING (a paging sink does); the alert
sensor reads it on every tick to deliver alerts.

Secrets and hosts never appear in the file: a sink names the environment variables that
hold them (``token_env``, ``url_env``, ...). See docs/monitoring.md for each kind's keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from platform_assets.monitoring.sinks import SINK_BUILDERS, AlertRoutesError, SinkSpec


@dataclass(frozen=True)
class Route:
    name: str
    sinks: tuple[str, ...]
    owners: tuple[str, ...] = ()
    """Empty: the route applies to every owner; otherwise only to assets of these owners."""


@dataclass(frozen=True)
class AlertRoutes:
    sinks: Mapping[str, SinkSpec]
    routes: Mapping[str, tuple[Route, ...]]

    @classmethod
    def load(cls, path: Path) -> AlertRoutes:
        if not path.exists():
            raise AlertRoutesError(f"alert routes file {path} does not exist")
        try:
            document = yaml.safe_load(path.read_text()) or {}
        except yaml.YAMLError as error:
            raise AlertRoutesError(f"{path} is not valid YAML: {error}") from error
        return cls.from_document(document, origin=str(path))

    @classmethod
    def from_document(cls, document: Mapping[str, Any], origin: str = "<routes>") -> AlertRoutes:
        sinks: dict[str, SinkSpec] = {}
        for name, raw in (document.get("sinks") or {}).items():
            kind = (raw or {}).get("kind")
            if kind not in SINK_BUILDERS:
                raise AlertRoutesError(
                    f"{origin}: sink {name!r} has kind {kind!r}; expected one of "
                    f"{', '.join(sorted(SINK_BUILDERS))}"
                )
            config = {k: v for k, v in raw.items() if k not in ("kind", "paging")}
            sinks[name] = SinkSpec(name, kind, bool(raw.get("paging", False)), config)
        routes: dict[str, tuple[Route, ...]] = {}
        for name, raw in (document.get("routes") or {}).items():
            entries = raw if isinstance(raw, list) else [raw]
            parsed = []
            for entry in entries:
                sink_names = tuple(entry.get("sinks") or ())
                unknown = [s for s in sink_names if s not in sinks]
                if unknown:
                    raise AlertRoutesError(
                        f"{origin}: route {name!r} names unknown sinks {unknown}; "
                        f"known sinks: {', '.join(sorted(sinks))}"
                    )
                parsed.append(Route(name, sink_names, tuple(entry.get("owners") or ())))
            routes[name] = tuple(parsed)
        return cls(sinks, routes)

    def sinks_for(self, route: str | None, owners: tuple[str, ...] | list[str]) -> list[SinkSpec]:
        """The sinks that hear about an asset on ``route`` owned by ``owners``."""
        names: list[str] = []
        for candidate in self.routes.get(route or "", ()):
            if candidate.owners and not set(candidate.owners) & set(owners):
                continue
            names.extend(name for name in candidate.sinks if name not in names)
        return [self.sinks[name] for name in names]
