"""The delivery-stage contract: the stage, the requirement matrix, the Sla.

Everything else builds on it (the checks, the integrations, monitoring, the audit), so it
imports none of them; ``staged_asset``, which builds on the checks and the pandera
integration, lives above them in ``platform_assets.staged_assets``.
"""

from platform_assets.stages.contract_metadata import Sla
from platform_assets.stages.delivery_stage import STAGE_TAG, DeliveryStage
from platform_assets.stages.requirements import REQUIREMENTS, REQUIREMENTS_BY_ID, Requirement

__all__ = [
    "REQUIREMENTS",
    "REQUIREMENTS_BY_ID",
    "STAGE_TAG",
    "DeliveryStage",
    "Requirement",
    "Sla",
]
