"""Who hears about an asset: its stage, alert route and owners, read from the definitions.

The sensor reads them from the code location it runs in, so it needs no asset list: a
newly declared or promoted asset is routed by its tags on the next tick.
"""

from __future__ import annotations

from dataclasses import dataclass

import dagster as dg

from platform_assets.stages.contract_metadata import ALERT_ROUTE_TAG
from platform_assets.stages.delivery_stage import DeliveryStage
from platform_assets.stages.stage_defaults import alert_route


@dataclass(frozen=True)
class AssetRouting:
    stage: DeliveryStage | None
    route: str | None
    owners: tuple[str, ...]


def routing_by_asset(repository_def: dg.RepositoryDefinition) -> dict[str, AssetRouting]:
    """Keyed by the asset key's user string (``raw/deployments``). An asset without an
    ``alert_route`` tag takes its stage's default route."""
    routing = {}
    for node in repository_def.asset_graph.asset_nodes:
        tags = dict(node.tags or {})
        stage = DeliveryStage.from_tags(tags)
        route = tags.get(ALERT_ROUTE_TAG) or (alert_route(stage) if stage is not None else None)
        routing[node.key.to_user_string()] = AssetRouting(stage, route, tuple(node.owners or ()))
    return routing
