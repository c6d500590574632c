"""The shipped routes file: what each stage's route reaches, on a fresh clone."""

from __future__ import annotations

import dagster as dg
import pytest

from platform_assets.monitoring import AlertRoutes, build_sink
from platform_assets.monitoring.asset_routing import AssetRouting, routing_by_asset
from platform_assets.monitoring.sinks import JsonlSink
from platform_assets.settings import DATA_DIR_ENV, PROJECT_ROOT
from platform_assets.stages import DeliveryStage
from platform_assets.stages.stage_defaults import alert_route

SHIPPED = PROJECT_ROOT / "config" / "alert_routes.yaml"
SECRETS = ("PLATFORM_SLACK_BOT_TOKEN", "PLATFORM_PAGER_WEBHOOK_URL")


@pytest.fixture
def routes() -> AlertRoutes:
    return AlertRoutes.load(SHIPPED)


def test_each_stage_reaches_what_it_promises(routes):
    def sinks(stage):
        return routes.sinks_for(alert_route(stage), ["team:any"])

    assert sinks(DeliveryStage.POC) == []
    assert [s.kind for s in sinks(DeliveryStage.ALPHA)] == ["jsonl"]
    assert {s.kind for s in sinks(DeliveryStage.BETA)} == {"jsonl", "slack"}
    assert not any(s.paging for s in sinks(DeliveryStage.BETA))
    ga = sinks(DeliveryStage.GA)
    assert {s.kind for s in ga} == {"jsonl", "slack", "webhook"}
    assert [s.name for s in ga if s.paging] == ["pager"]


def test_every_shipped_sink_works_with_nothing_configured(routes, monkeypatch):
    # the suite's conftest gives every test a temporary data root; nothing configured
    # means the project's data/ (building a sink writes nothing there)
    for variable in (*SECRETS, DATA_DIR_ENV):
        monkeypatch.delenv(variable, raising=False)
    built = [build_sink(spec) for spec in routes.sinks.values()]
    logs = [sink for sink in built if isinstance(sink, JsonlSink)]
    assert len(logs) == len(built)
    assert {log.path.parent for log in logs} == {PROJECT_ROOT / "data"}


def test_an_asset_without_a_route_tag_takes_its_stages_route():
    @dg.asset(tags={"stage": "beta"}, owners=["team:orders"])
    def orders() -> None: ...

    @dg.asset(tags={"stage": "ga", "alert_route": "custom"})
    def payments() -> None: ...

    @dg.asset
    def scratch() -> None: ...

    routing = routing_by_asset(
        dg.Definitions(assets=[orders, payments, scratch]).get_repository_def()
    )
    assert routing["orders"] == AssetRouting(DeliveryStage.BETA, "team-channel", ("team:orders",))
    assert routing["payments"].route == "custom"
    assert routing["scratch"] == AssetRouting(None, None, ())
