from __future__ import annotations

import dagster as dg
import polars as pl
import pytest

from platform_assets.checks.column_stability import column_stability_result, compare_columns
from platform_assets.staged_assets import staged_asset
from platform_assets.stages.delivery_stage import DeliveryStage
from tests.checks.dagster_results import evaluations_by_name, metadata_values

PREVIOUS = {"order_id": "Int64", "amount": "Float32", "placed_at": "Date", "status": "String"}


def result_for(current: dict[str, str]) -> dg.AssetCheckResult:
    return column_stability_result(PREVIOUS, current, stage=DeliveryStage.BETA)


def test_a_removed_column_fails():
    result = result_for({k: v for k, v in PREVIOUS.items() if k != "status"})

    assert not result.passed
    assert result.description.startswith("removed status. Consumers rely on these columns")


def test_a_rename_fails_and_is_named_as_one():
    current = {("state" if k == "status" else k): v for k, v in PREVIOUS.items()}

    result = result_for(current)

    assert not result.passed
    assert result.description.startswith(
        "removed status (a rename shows as a removal plus an addition); added state."
    )


@pytest.mark.parametrize(
    ("column", "narrower"),
    [("order_id", "Int32"), ("amount", "Int64"), ("placed_at", "String")],
)
def test_a_narrowing_or_incompatible_type_change_fails(column, narrower):
    result = result_for({**PREVIOUS, column: narrower})

    assert not result.passed
    assert metadata_values(result)["narrowed"] == [f"{column}: {PREVIOUS[column]} -> {narrower}"]


def test_an_added_column_passes_with_a_note():
    result = result_for({**PREVIOUS, "channel": "String"})

    assert result.passed
    assert result.description == "added channel"


def test_widening_passes_with_a_note():
    current = {**PREVIOUS, "order_id": "Int128", "amount": "Float64", "placed_at": "Datetime"}

    result = result_for(current)

    assert result.passed
    changes = compare_columns(PREVIOUS, current)
    assert changes.widened == [
        "amount: Float32 -> Float64",
        "order_id: Int64 -> Int128",
        "placed_at: Date -> Datetime",
    ]
    assert result.description == "widened " + "; ".join(changes.widened)


def test_a_beta_asset_that_renames_a_column_fails_its_next_run(instance, resources):
    def orders_returning(frame: pl.DataFrame) -> dg.AssetsDefinition:
        @staged_asset(stage="beta", domain="shop", layer="raw", name="orders")
        def orders() -> pl.DataFrame:
            return frame

        return orders

    first = dg.materialize(
        [orders_returning(pl.DataFrame({"order_id": [1], "status": ["paid"]}))],
        instance=instance,
        resources=resources,
    )
    renamed = dg.materialize(
        [orders_returning(pl.DataFrame({"order_id": [1], "state": ["paid"]}))],
        instance=instance,
        resources=resources,
        raise_on_error=False,
    )

    assert evaluations_by_name(first)["column_stability"].passed
    evaluation = evaluations_by_name(renamed)["column_stability"]
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.ERROR
    assert metadata_values(evaluation)["removed"] == ["status"]
    assert metadata_values(evaluation)["added"] == ["state"]
