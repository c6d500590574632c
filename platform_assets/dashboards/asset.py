"""Declaring a domain's dashboard asset: a staged asset in the ``dashboards`` layer,
whose table (``dashboards.<name>``) lists the pages it wrote."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

import dagster as dg

from platform_assets.integrations.pandera import PanderaSchema
from platform_assets.staged_assets import staged_asset
from platform_assets.stages import DeliveryStage, Sla

LAYER: Final = "dashboards"
#: A page shows the tables it reads as of its last build: a day old at most.
DAILY: Final = Sla(freshness_hours=24)


def dashboard_asset(
    *,
    domain: str,
    schema: PanderaSchema,
    owners: Sequence[str],
    version: str,
    deps: Sequence[dg.AssetKey],
    runbook: str | None = None,
    stage: DeliveryStage = DeliveryStage.ALPHA,
    sla: Sla = DAILY,
) -> Callable[[Callable[..., Any]], dg.AssetsDefinition]:
    """The asset ``dashboards/<function name>`` of ``domain``, downstream of the tables
    its pages read (``deps``); Alpha and rebuilt daily unless the domain says otherwise."""
    return staged_asset(
        stage=stage,
        domain=domain,
        layer=LAYER,
        schema=schema,
        owners=owners,
        version=version,
        sla=sla,
        runbook=runbook,
        deps=deps,
    )
