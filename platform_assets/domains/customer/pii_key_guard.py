"""The customer domain's rule for its pseudonym key: Beta and GA assets run only with a
key configured in the environment (``PLATFORM_PII_HMAC_KEY``), never with the one
generated beside the warehouse (``platform_assets/privacy/key_policy.py`` says why). The
dbt models apply the same rule in their pre-hook (``require_pii_key_for_stage`` macro)."""

from __future__ import annotations

import dagster as dg

from platform_assets.integrations.dbt.pii_key import PiiKeyError
from platform_assets.privacy.key_policy import require_pii_key_for_stage
from platform_assets.stages import DeliveryStage


def refuse_without_configured_key(stage: DeliveryStage) -> None:
    """Fails the step, not retried (a missing secret does not appear by waiting), naming
    ``PLATFORM_PII_HMAC_KEY`` when a Beta or GA asset runs without it. The key itself is
    not needed here: from Beta on only the environment's key is acceptable, so no data
    directory is consulted."""
    if stage < DeliveryStage.BETA:
        return
    try:
        require_pii_key_for_stage(stage, None)
    except PiiKeyError as error:
        raise dg.Failure(description=str(error), allow_retries=False) from error
