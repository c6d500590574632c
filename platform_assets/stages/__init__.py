"""The delivery-stage contract: the stage, the requirement matrix, and staged assets."""

from typing import Any

from platform_assets.stages.contract_metadata import Sla
from platform_assets.stages.delivery_stage import STAGE_TAG, DeliveryStage
from platform_assets.stages.requirements import REQUIREMENTS, REQUIREMENTS_BY_ID, Requirement

__all__ = [
    "REQUIREMENTS",
    "REQUIREMENTS_BY_ID",
    "STAGE_TAG",
    "DeliveryStage",
    "LoadedBatch",
    "Requirement",
    "Sla",
    "staged_asset",
]


def __getattr__(name: str) -> Any:
    # staged_asset builds on the checks, which build on this package's contract modules:
    # importing it lazily keeps `platform_assets.stages` importable from the checks.
    if name in ("staged_asset", "LoadedBatch"):
        from platform_assets.stages import staged_assets as module

        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
