"""What a delivery stage supplies by default, so promoting an asset is a one-word change.

Each default is overridable per asset; the audit still holds the asset to its stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import dagster as dg

from platform_assets.stages.contract_metadata import Sla
from platform_assets.stages.delivery_stage import DeliveryStage

#: The alert route a stage asks for; config/alert_routes.yaml maps routes to sinks.
ALERT_ROUTES_BY_STAGE: Final = {
    DeliveryStage.POC: "none",
    DeliveryStage.ALPHA: "owner-notice",
    DeliveryStage.BETA: "team-channel",
    DeliveryStage.GA: "paging",
}


@dataclass(frozen=True)
class QuarantineLimit:
    """How much of a load may be quarantined before the load is called bad.

    Above ``max_share`` a Beta or GA load fails (a green run that loaded next to nothing
    would hide the outage from every consumer); a POC or Alpha load still lands its good
    rows and its ``quarantine_rate`` check fails with a warning, routed like any check."""

    max_share: float
    fails_load: bool


QUARANTINE_LIMITS_BY_STAGE: Final = {
    DeliveryStage.POC: QuarantineLimit(max_share=0.5, fails_load=False),
    DeliveryStage.ALPHA: QuarantineLimit(max_share=0.5, fails_load=False),
    DeliveryStage.BETA: QuarantineLimit(max_share=0.5, fails_load=True),
    DeliveryStage.GA: QuarantineLimit(max_share=0.5, fails_load=True),
}


def default_retry_policy(stage: DeliveryStage) -> dg.RetryPolicy | None:
    """Beta and GA retry transient failures with exponential backoff and jitter, so that a
    flaky source costs a delay instead of a missed SLA; earlier stages fail fast."""
    if stage < DeliveryStage.BETA:
        return None
    return dg.RetryPolicy(
        max_retries=3, delay=10, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
    )


def default_freshness_policy(stage: DeliveryStage, sla: Sla | None) -> dg.FreshnessPolicy | None:
    """Beta and GA are monitored against their SLA; POC and Alpha carry no policy."""
    if stage < DeliveryStage.BETA or sla is None:
        return None
    return sla.freshness_policy()


def alert_route(stage: DeliveryStage) -> str:
    return ALERT_ROUTES_BY_STAGE[stage]


def quarantine_limit(stage: DeliveryStage) -> QuarantineLimit:
    return QUARANTINE_LIMITS_BY_STAGE[stage]
