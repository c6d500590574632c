"""Which pseudonym key a customer asset may run with, by its delivery stage.

The key generated beside the warehouse (``pii_key``) suits a developer's machine: no
setup, stable pseudonyms. It is no key for data consumers rely on: it lives next to the
data it protects, every copy of the warehouse directory carries it, and a new machine
silently gets a new key and so new pseudonyms. From Beta on, consumers use the masked
and pseudonymised columns with caution or for business, so the key must be configured
on purpose, in the environment, where it is managed as a secret.
"""

from __future__ import annotations

import os
from pathlib import Path

from platform_assets.integrations.dbt.pii_key import (
    GENERATE_A_KEY,
    PII_HMAC_KEY_ENV,
    PiiKeyError,
    pii_hmac_key,
)
from platform_assets.stages.delivery_stage import DeliveryStage


def require_pii_key_for_stage(stage: DeliveryStage, data_dir: Path | None) -> bytes:
    """The pseudonym key an asset of ``stage`` may use. Raises ``PiiKeyError`` naming
    ``PLATFORM_PII_HMAC_KEY`` when a Beta or GA asset would fall back to the generated
    key file; below Beta the generated key is accepted."""
    if stage >= DeliveryStage.BETA and not os.environ.get(PII_HMAC_KEY_ENV, "").strip():
        raise PiiKeyError(
            f"{PII_HMAC_KEY_ENV} is not set: a {stage.label} customer asset refuses to run "
            "with the key generated beside the warehouse. Set it to a random secret of at "
            f"least 32 characters ({GENERATE_A_KEY}) from your secret store"
        )
    return pii_hmac_key(data_dir)
