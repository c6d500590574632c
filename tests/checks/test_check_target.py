"""How a factory reads the asset it guards: key, stage, table, and what it asserts."""

from __future__ import annotations

import dagster as dg
import pytest

from platform_assets.checks import row_count_bounds_check
from platform_assets.checks.target import CheckTarget, check_name
from platform_assets.stages.delivery_stage import DeliveryStage


def spec_of(checks: dg.AssetChecksDefinition) -> dg.AssetCheckSpec:
    (spec,) = checks.check_specs
    return spec


@pytest.mark.parametrize(
    ("stage", "blocking"), [("poc", False), ("alpha", False), ("beta", True), ("ga", True)]
)
def test_blocking_follows_the_stage_tag(stage, blocking):
    asset = dg.AssetSpec(["raw", "orders"], tags={"stage": stage})

    spec = spec_of(row_count_bounds_check(asset, min_rows=1))

    assert spec.blocking is blocking
    assert spec.asset_key == dg.AssetKey(["raw", "orders"])


def test_an_asset_without_a_stage_tag_is_refused_with_how_to_declare_it():
    with pytest.raises(dg.DagsterInvalidDefinitionError, match=r"raw/orders has no `stage` tag"):
        row_count_bounds_check(dg.AssetSpec(["raw", "orders"]), min_rows=1)


def test_an_unknown_stage_is_refused():
    with pytest.raises(dg.DagsterInvalidDefinitionError, match="unknown delivery stage 'gold'"):
        row_count_bounds_check(dg.AssetSpec("orders", tags={"stage": "gold"}), min_rows=1)


def test_a_definition_with_several_assets_needs_the_key_to_check():
    @dg.multi_asset(
        specs=[
            dg.AssetSpec(["marts", "fct_orders"], tags={"stage": "ga"}),
            dg.AssetSpec(["staging", "stg_orders"], tags={"stage": "alpha"}),
        ]
    )
    def dbt_like_project(): ...

    with pytest.raises(dg.DagsterInvalidDefinitionError, match="pass asset_key="):
        CheckTarget.of(dbt_like_project)

    target = CheckTarget.of(dbt_like_project, dg.AssetKey(["marts", "fct_orders"]))

    assert target.stage is DeliveryStage.GA
    assert target.table == '"marts"."fct_orders"'
    assert CheckTarget.of(dbt_like_project, dg.AssetKey(["staging", "stg_orders"])).stage is (
        DeliveryStage.ALPHA
    )


def test_a_key_outside_the_definition_is_refused():
    asset = dg.AssetSpec(["raw", "orders"], tags={"stage": "beta"})

    with pytest.raises(dg.DagsterInvalidDefinitionError, match="is not the spec's key"):
        CheckTarget.of(asset, dg.AssetKey(["raw", "customers"]))


def test_check_names_are_valid_whatever_the_column_is_called():
    assert check_name("email_format", "E-mail address") == "email_format_E_mail_address"
