"""The stage scorecard as an asset: a warehouse table and a markdown table in the UI."""

# No `from __future__ import annotations`: Dagster reads the `context` annotation of an
# op's function at definition time and rejects it as a string.

from datetime import UTC, datetime
from typing import Any

import dagster as dg
import pandera.polars as pa
import polars as pl

from platform_assets.audit.asset_facts import collect_facts
from platform_assets.audit.code_location import DEFAULT_MODULE, load_definitions
from platform_assets.audit.runner import load_audit_inputs
from platform_assets.audit.scorecard import build_scorecard, render_scorecard_table
from platform_assets.environments import current_alert_routes
from platform_assets.monitoring.sla_attainment import sla_check_keys
from platform_assets.settings import PROJECT_ROOT, waivers_path
from platform_assets.staged_assets import staged_asset
from platform_assets.stages import DeliveryStage, Sla


def _field(description: str, **checks: Any) -> Any:
    return pa.Field(description=description, metadata={"pii": False}, **checks)


class StageScorecard(pa.DataFrameModel):
    asset_key: str = _field("The asset, as `<schema>/<name>`.", unique=True)
    stage: str = _field("The stage it declares.", nullable=True)
    compliant: bool = _field("Whether it meets every requirement of its stage.")
    violations: str = _field("Requirement ids it fails, comma-separated; empty when none.")
    freshness_attainment: float = _field(
        "Share of the SLA window it was fresh.", nullable=True, ge=0, le=1
    )
    success_rate: float = _field(
        "Share of materialization attempts that succeeded.", nullable=True, ge=0, le=1
    )
    check_pass_rate: float = _field(
        "Share of check evaluations that passed.", nullable=True, ge=0, le=1
    )
    open_alerts: str = _field("Conditions with an open alert, comma-separated.")
    at_risk: bool = _field("A GA asset whose SLA attainment fell below target.")
    next_stage: str = _field("The stage above its own; null at GA.", nullable=True)
    eligible_for_promotion: bool = _field("Whether it has earned the next stage.", nullable=True)
    because: str = _field("Why, or what is missing, by requirement id.")

    class Config:
        name = "stage_scorecard"


class ScorecardConfig(dg.Config):
    module: str = DEFAULT_MODULE
    """The code location to score, loaded as `platform-assets audit -m` loads it."""


@staged_asset(
    stage=DeliveryStage.ALPHA,
    domain="platform",
    layer="ops",
    schema=StageScorecard,
    owners=["team:platform"],
    version="1.0.0",
    sla=Sla(freshness_hours=24),
    name="stage_scorecard",
)
def stage_scorecard(context: dg.AssetExecutionContext, config: ScorecardConfig) -> dg.Output:
    """Every asset's stage, requirement results, SLA attainment over its window, open
    alerts, and whether it is eligible for promotion to the next stage."""
    graph = load_definitions(config.module).resolve_asset_graph()
    inputs = load_audit_inputs(
        collect_facts(graph),
        routes_path=current_alert_routes(),
        waivers_path=waivers_path(),
        tests_dir=PROJECT_ROOT / "tests",
    )
    if inputs.errors:
        raise dg.Failure(description="; ".join(inputs.errors))
    check_keys = sla_check_keys(graph)
    rows = build_scorecard(
        inputs.facts,
        inputs.context,
        context.instance,
        datetime.now(UTC),
        check_keys,
        inputs.waivers,
    )
    records = [row.as_record() for row in rows]
    frame = pl.DataFrame(
        {
            "asset_key": [r["key"] for r in records],
            "stage": [r["stage"] for r in records],
            "compliant": [r["compliant"] for r in records],
            "violations": [", ".join(r["violations"]) for r in records],
            "freshness_attainment": [r["freshness_attainment"] for r in records],
            "success_rate": [r["success_rate"] for r in records],
            "check_pass_rate": [r["check_pass_rate"] for r in records],
            "open_alerts": [", ".join(r["open_alerts"]) for r in records],
            "at_risk": [r["at_risk"] for r in records],
            "next_stage": [r["next_stage"] for r in records],
            "eligible_for_promotion": [r["eligible_for_promotion"] for r in records],
            "because": [r["because"] for r in records],
        },
        schema={
            "asset_key": pl.String,
            "stage": pl.String,
            "compliant": pl.Boolean,
            "violations": pl.String,
            "freshness_attainment": pl.Float64,
            "success_rate": pl.Float64,
            "check_pass_rate": pl.Float64,
            "open_alerts": pl.String,
            "at_risk": pl.Boolean,
            "next_stage": pl.String,
            "eligible_for_promotion": pl.Boolean,
            "because": pl.String,
        },
    )
    return dg.Output(
        frame,
        metadata={
            "scorecard": dg.MetadataValue.md(render_scorecard_table(rows)),
            "compliant_assets": int(frame["compliant"].sum()),
            "assets": frame.height,
            "at_risk_assets": int(frame["at_risk"].sum()),
        },
    )
