"""The delivery stage every dataset declares: POC < ALPHA < BETA < GA.

The stage is the contract between a dataset's producers and its consumers (seed 000,
"Delivery Characteristics"). It is carried on every asset as the Dagster tag ``stage``
so that the UI, selections (``tag:stage=ga``), sensors and the audit read the same value.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Final

import dagster as dg

STAGE_TAG: Final = "stage"


class DeliveryStage(IntEnum):
    """Ordered so that ``stage >= DeliveryStage.BETA`` reads as the seed does."""

    POC = 0
    ALPHA = 1
    BETA = 2
    GA = 3

    def __bool__(self) -> bool:
        # POC is 0, and `if stage:` must mean "a stage is declared", not "above POC".
        return True

    @property
    def tag_value(self) -> str:
        return self.name.lower()

    @property
    def label(self) -> str:
        return {"POC": "POC", "ALPHA": "Alpha", "BETA": "Beta", "GA": "GA"}[self.name]

    @classmethod
    def parse(cls, value: str | DeliveryStage) -> DeliveryStage:
        """Accepts the tag value (``beta``), the enum name (``BETA``) or the label (``Beta``)."""
        if isinstance(value, DeliveryStage):
            return value
        normalized = str(value).strip().upper()
        if normalized in cls.__members__:
            return cls[normalized]
        allowed = ", ".join(stage.tag_value for stage in cls)
        raise ValueError(f"unknown delivery stage {value!r}: expected one of {allowed}")

    @classmethod
    def from_tags(cls, tags: dict[str, str] | None) -> DeliveryStage | None:
        """The stage an asset declares, or None when it declares none or an unknown one."""
        raw = (tags or {}).get(STAGE_TAG)
        if raw is None:
            return None
        try:
            return cls.parse(raw)
        except ValueError:
            return None

    def stage_tag(self) -> dict[str, str]:
        return {STAGE_TAG: self.tag_value}

    @property
    def check_severity(self) -> dg.AssetCheckSeverity:
        """Alpha checks may warn; from Beta on a failed check is an error."""
        return (
            dg.AssetCheckSeverity.ERROR
            if self >= DeliveryStage.BETA
            else dg.AssetCheckSeverity.WARN
        )

    @property
    def checks_block(self) -> bool:
        """Beta and GA checks stop downstream assets of the same run when they fail."""
        return self >= DeliveryStage.BETA

    @property
    def next(self) -> DeliveryStage | None:
        return DeliveryStage(self + 1) if self < DeliveryStage.GA else None
