"""Declaring a dashboard asset: ``dashboards/<name>`` of its domain, downstream of what
its pages read, Alpha and rebuilt daily unless the domain says otherwise, its table
checked against its model."""

from __future__ import annotations

from typing import Any

import dagster as dg

from platform_assets.dashboards.asset import DAILY, dashboard_asset
from platform_assets.dashboards.schema import DashboardPages
from platform_assets.stages import DeliveryStage, Sla

UPSTREAM = [dg.AssetKey(["gold", "orders"]), dg.AssetKey(["silver", "order_lines"])]


class ExamplePages(DashboardPages):
    class Config:
        name = "example_pages"
        strict = True


def _declare(**options: Any) -> dg.AssetsDefinition:
    @dashboard_asset(
        domain="example",
        schema=ExamplePages,
        owners=["team:example"],
        version="1.0.0",
        deps=UPSTREAM,
        **options,
    )
    def example_pages() -> None:
        """The example's pages."""

    return example_pages


def _freshness_hours(asset: dg.AssetsDefinition) -> object:
    return next(iter(asset.specs)).metadata["platform/sla"].data["freshness_hours"]


def test_a_dashboard_asset_is_in_the_dashboards_layer_of_its_domain() -> None:
    spec = next(iter(_declare().specs))
    assert spec.key == dg.AssetKey(["dashboards", "example_pages"])
    assert (spec.tags["domain"], spec.tags["layer"], spec.tags["stage"]) == (
        "example",
        "dashboards",
        "alpha",
    )
    assert spec.owners == ["team:example"]
    assert {dep.asset_key for dep in spec.deps} == set(UPSTREAM)
    assert "platform/runbook" not in spec.metadata


def test_its_table_is_checked_and_it_is_due_daily() -> None:
    asset = _declare()
    assert [check.name for check in asset.check_specs] == ["pandera_schema"]
    assert _freshness_hours(asset) == DAILY.freshness_hours == 24
    assert _freshness_hours(_declare(sla=Sla(freshness_hours=1))) == 1


def test_a_domain_may_set_its_stage_and_runbook() -> None:
    spec = next(iter(_declare(stage=DeliveryStage.BETA, runbook="docs/runbooks/x.md").specs))
    assert spec.tags["stage"] == "beta"
    assert spec.metadata["platform/runbook"] == dg.MetadataValue.path("docs/runbooks/x.md")
