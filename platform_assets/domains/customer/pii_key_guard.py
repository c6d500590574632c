"""The customer domain's rule for its pseudonym key: Beta and GA assets run only with a
key configured in the environment (``PLATFORM_PII_HMAC_KEY``), never with the one
generated beside the warehouse (``platform_assets/privacy/key_policy.py`` says why). The
dbt models apply the same rule in their pre-hook (``require_pii_key_for_stage`` macro)."""

from __future__ import annotations

from platform_assets.privacy.key_policy import require_pii_key_for_stage
from platform_assets.stages import DeliveryStage


def refuse_without_configured_key(stage: DeliveryStage) -> None:
    """Raises ``PiiKeyError`` naming ``PLATFORM_PII_HMAC_KEY`` for a Beta or GA asset when
    it is not set. The key itself is not needed here (no data directory is consulted):
    from Beta on only the environment's key is acceptable."""
    if stage >= DeliveryStage.BETA:
        require_pii_key_for_stage(stage, None)
