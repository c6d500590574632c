"""What a failed Pandera check writes to the Dagster event log holds no personal data:
its examples and failing-row sample show pii columns redacted, other columns as they are.
The event log cannot be erased row by row, so personal data must never reach it."""

from __future__ import annotations

import dagster as dg
import pandera.polars as pa
import polars as pl

from platform_assets.integrations.pandera.schema_check import validate_with_pandera
from platform_assets.stages import DeliveryStage

RAW_EMAIL = "jane.doe-at-example.com"


class Contacts(pa.DataFrameModel):
    contact_id: str = pa.Field(metadata={"pii": False}, unique=True)
    email: str = pa.Field(metadata={"pii": True}, str_contains="@")
    score: int = pa.Field(metadata={"pii": False}, ge=0)


def test_a_failed_check_shows_no_pii_value_and_keeps_the_others() -> None:
    frame = pl.DataFrame(
        {"contact_id": ["c-1", "c-2"], "email": [RAW_EMAIL, "bob@example.org"], "score": [-7, 1]}
    )

    result = validate_with_pandera(
        Contacts, frame, stage=DeliveryStage.BETA, asset_key=dg.AssetKey(["silver", "contacts"])
    )

    recorded = repr({k: v.value for k, v in result.metadata.items()}) + str(result.description)
    assert not result.passed
    assert RAW_EMAIL not in recorded
    assert "bob@example.org" not in recorded
    assert "-7" in recorded and "c-1" in recorded
