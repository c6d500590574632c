"""What an asset will look like once its declared stage is raised.

Promotion is a one-word change, after which ``staged_asset`` and the dbt translator
supply the new stage's defaults (its alert route; from Beta on a freshness policy from
the SLA, a retry policy with backoff, the column-stability check, blocking checks). A
promotion is judged on the asset as it will be, so it never demands what the platform
will supply, and still names everything the author must add. Assets whose defaults the
platform does not apply are judged as they are.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from platform_assets.audit.asset_facts import AssetFacts, CheckFacts
from platform_assets.checks.column_stability import COLUMN_STABILITY_CHECK_NAME
from platform_assets.stages.delivery_stage import DeliveryStage
from platform_assets.stages.stage_defaults import (
    alert_route,
    default_freshness_policy,
    default_retry_policy,
)


def as_promoted(asset: AssetFacts, target: DeliveryStage) -> AssetFacts:
    if not asset.stage_defaults or asset.stage is None or target <= asset.stage:
        return asset
    changes: dict[str, Any] = {}
    if asset.alert_route == alert_route(asset.stage):
        changes["alert_route"] = alert_route(target)
    if not asset.has_freshness_policy and default_freshness_policy(target, asset.sla):
        changes["has_freshness_policy"] = True
    retry = default_retry_policy(target)
    if retry is not None and asset.materializable and asset.retry_max < 1:
        changes["retry_max"] = retry.max_retries
        changes["retry_has_backoff"] = retry.backoff is not None
    if target.checks_block:
        checks = [replace(check, blocking=True) for check in asset.checks]
        if not any(check.column_stability for check in checks):
            checks.append(CheckFacts(COLUMN_STABILITY_CHECK_NAME, True, (), True))
        changes["checks"] = tuple(checks)
    return replace(asset, **changes)
