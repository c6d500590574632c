"""End to end: a failed check stops what is built on a Beta asset, and only warns at
Alpha. The Beta asset fails through its checks, not an exception, so its retry policy
never fires."""

from __future__ import annotations

import dagster as dg
import pandera.polars as pa
import polars as pl

from platform_assets.checks import row_count_bounds_check
from platform_assets.staged_assets import staged_asset
from tests.checks.dagster_results import evaluations_by_name

DUPLICATED_ORDERS = pl.DataFrame({"order_id": [1, 2, 2], "amount": [5.0, 7.0, 7.0]})


class Orders(pa.DataFrameModel):
    order_id: int = pa.Field(unique=True)
    amount: float = pa.Field(ge=0)


def pipeline(stage: str, *, schema: type[pa.DataFrameModel] | None = None) -> list:
    @staged_asset(stage=stage, domain="shop", layer="raw", schema=schema)
    def orders() -> pl.DataFrame:
        return DUPLICATED_ORDERS

    @staged_asset(stage=stage, domain="shop", layer="marts", ins={"orders": dg.AssetIn(orders.key)})
    def order_totals(orders: pl.DataFrame) -> pl.DataFrame:
        return orders.group_by("order_id").agg(pl.col("amount").sum())

    return [orders, order_totals]


def materialized(result: dg.ExecuteInProcessResult) -> set[str]:
    return {event.asset_key.to_user_string() for event in result.get_asset_materialization_events()}


def retried_steps(result: dg.ExecuteInProcessResult) -> list[str]:
    return [event.step_key for event in result.all_events if event.is_step_up_for_retry]


def test_a_failed_check_on_a_beta_asset_stops_its_downstream_asset(instance, resources):
    orders, order_totals = pipeline("beta")

    result = dg.materialize(
        [orders, order_totals, row_count_bounds_check(orders, min_rows=1, max_rows=2)],
        instance=instance,
        resources=resources,
        raise_on_error=False,
    )

    evaluation = evaluations_by_name(result)["row_count_bounds"]
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.ERROR
    assert materialized(result) == {"raw/orders"}
    assert instance.get_latest_materialization_event(order_totals.key) is None
    assert retried_steps(result) == []


def test_a_failed_pandera_schema_on_a_beta_asset_stops_its_downstream_asset(instance, resources):
    orders, order_totals = pipeline("beta", schema=Orders)

    result = dg.materialize(
        [orders, order_totals], instance=instance, resources=resources, raise_on_error=False
    )

    evaluation = evaluations_by_name(result)["pandera_schema"]
    assert not evaluation.passed
    assert (
        evaluation.description == "2 of 3 rows fail: order_id fails field_uniqueness; e.g. '2', '2'"
    )
    assert materialized(result) == {"raw/orders"}
    assert retried_steps(result) == []


def test_a_failed_check_on_an_alpha_asset_warns_and_the_downstream_asset_runs(instance, resources):
    orders, order_totals = pipeline("alpha", schema=Orders)

    result = dg.materialize(
        [orders, order_totals, row_count_bounds_check(orders, min_rows=1, max_rows=2)],
        instance=instance,
        resources=resources,
    )

    evaluations = evaluations_by_name(result)
    assert result.success
    assert not evaluations["row_count_bounds"].passed
    assert not evaluations["pandera_schema"].passed
    assert {evaluations[name].severity for name in ("row_count_bounds", "pandera_schema")} == {
        dg.AssetCheckSeverity.WARN
    }
    assert materialized(result) == {"raw/orders", "marts/order_totals"}
