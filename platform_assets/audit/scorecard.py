"""The stage scorecard: per asset, its stage, its requirement results, its SLA attainment,
its open alerts, and whether it has earned the next stage.

Definition requirements come from the audit; the evidence (GA.SLA_MET) comes from the
instance's history through ``attainment_for``. The same evaluation backs ``platform-assets
promote``, so the scorecard and a promotion can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import dagster as dg

from platform_assets.audit.asset_facts import AssetFacts
from platform_assets.audit.rules import AuditContext
from platform_assets.audit.runner import AssetAudit, RequirementResult, evaluate_asset
from platform_assets.audit.waivers import Waiver
from platform_assets.monitoring.history import read_alerts
from platform_assets.monitoring.incidents import TransitionKind
from platform_assets.monitoring.sla_attainment import Attainment, attainment_for
from platform_assets.stages.delivery_stage import DeliveryStage
from platform_assets.stages.tables import plain_table

SLA_MET = "GA.SLA_MET"


@dataclass(frozen=True)
class Eligibility:
    target: DeliveryStage
    missing: tuple[RequirementResult, ...]

    @property
    def eligible(self) -> bool:
        return not self.missing

    def because(self) -> str:
        if self.eligible:
            return f"meets every {self.target.label} requirement"
        return "; ".join(f"{r.id}: {r.message}" for r in self.missing)


@dataclass(frozen=True)
class ScorecardRow:
    facts: AssetFacts
    audit: AssetAudit
    attainment: Attainment | None
    open_alerts: tuple[str, ...]
    promotion: Eligibility | None

    @property
    def at_risk(self) -> bool:
        """A GA asset whose attainment has fallen below its targets."""
        return (
            self.facts.stage is DeliveryStage.GA
            and self.attainment is not None
            and self.attainment.evidence
            and not self.attainment.met
        )

    def as_record(self) -> dict[str, Any]:
        attainment = self.attainment
        return {
            "key": self.facts.key,
            "stage": self.facts.stage.tag_value if self.facts.stage else None,
            "compliant": self.audit.compliant,
            "violations": [r.id for r in self.audit.violations],
            "requirements": [r.as_record() for r in self.audit.results],
            "freshness_attainment": attainment.freshness_attainment if attainment else None,
            "success_rate": attainment.success_rate if attainment else None,
            "check_pass_rate": attainment.check_pass_rate if attainment else None,
            "mean_time_to_detect_seconds": attainment.mean_time_to_detect_seconds
            if attainment
            else None,
            "sla_met": attainment.met if attainment else None,
            "open_alerts": list(self.open_alerts),
            "at_risk": self.at_risk,
            "next_stage": self.promotion.target.tag_value if self.promotion else None,
            "eligible_for_promotion": self.promotion.eligible if self.promotion else None,
            "because": self.promotion.because() if self.promotion else "already GA",
        }


def open_alerts(instance: dg.DagsterInstance, key: str, now: datetime, days: int) -> list[str]:
    """Alerts opened (or escalated) and not yet resolved, newest state per alert."""
    since = (now - timedelta(days=days)).timestamp()
    latest: dict[str, Any] = {}
    for record in read_alerts(instance, dg.AssetKey.from_user_string(key), since, now.timestamp()):
        latest[record.alert_id] = record
    return sorted(
        record.condition
        for record in latest.values()
        if record.kind in (TransitionKind.OPENED, TransitionKind.ESCALATED)
    )


def evidence_result(attainment: Attainment | None, facts: AssetFacts) -> RequirementResult:
    if facts.sla is None:
        return RequirementResult(SLA_MET, "fail", "declares no SLA to be met")
    if attainment is None or not attainment.evidence:
        return RequirementResult(
            SLA_MET,
            "fail",
            f"not enough history: needs materializations across a full {facts.sla.window_days}-"
            "day window",
        )
    if not attainment.met:
        return RequirementResult(SLA_MET, "fail", "; ".join(attainment.shortfalls))
    return RequirementResult(SLA_MET, "pass", "SLA met over the trailing window")


def with_evidence(
    results: Sequence[RequirementResult], attainment: Attainment | None, facts: AssetFacts
) -> tuple[RequirementResult, ...]:
    """The audit's results with each 'needs evidence' replaced by its verdict."""
    return tuple(
        evidence_result(attainment, facts) if r.status == "needs_evidence" else r for r in results
    )


def evaluate_promotion(
    facts: AssetFacts,
    context: AuditContext,
    target: DeliveryStage,
    attainment: Attainment | None,
    waivers: Sequence[Waiver] = (),
) -> Eligibility:
    audit = evaluate_asset(facts, context, waivers, as_stage=target)
    results = with_evidence(audit.results, attainment, facts)
    return Eligibility(target, tuple(r for r in results if r.status == "fail"))


def build_scorecard(
    facts: Sequence[AssetFacts],
    context: AuditContext,
    instance: dg.DagsterInstance,
    now: datetime,
    check_keys: Mapping[str, Sequence[dg.AssetCheckKey]],
    waivers: Sequence[Waiver] = (),
) -> list[ScorecardRow]:
    rows = []
    for asset in facts:
        attainment = (
            attainment_for(
                instance,
                dg.AssetKey.from_user_string(asset.key),
                asset.sla,
                now,
                check_keys=check_keys.get(asset.key, ()),
            )
            if asset.sla is not None
            else None
        )
        audit = evaluate_asset(asset, context, waivers)
        audit = replace(audit, results=with_evidence(audit.results, attainment, asset))
        target = asset.stage.next if asset.stage is not None else None
        promotion = (
            evaluate_promotion(asset, context, target, attainment, waivers) if target else None
        )
        window = asset.sla.window_days if asset.sla else 28
        rows.append(
            ScorecardRow(
                asset,
                audit,
                attainment,
                tuple(open_alerts(instance, asset.key, now, window)),
                promotion,
            )
        )
    return rows


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


SCORECARD_COLUMNS = (
    "asset",
    "stage",
    "violations",
    "freshness",
    "success",
    "checks",
    "open alerts",
    "next stage",
)


def scorecard_rows(rows: Sequence[ScorecardRow]) -> list[tuple[str, ...]]:
    table: list[tuple[str, ...]] = []
    for row in sorted(rows, key=lambda r: r.facts.key):
        attainment = row.attainment
        stage = row.facts.stage.label if row.facts.stage else "(none)"
        if row.at_risk:
            stage += " (at risk)"
        promotion = row.promotion
        next_stage = (
            "-"
            if promotion is None
            else f"{promotion.target.label}: "
            + ("eligible" if promotion.eligible else f"no, {len(promotion.missing)} missing")
        )
        table.append(
            (
                row.facts.key,
                stage,
                ", ".join(r.id for r in row.audit.violations) or "none",
                _percent(attainment.freshness_attainment if attainment else None),
                _percent(attainment.success_rate if attainment else None),
                _percent(attainment.check_pass_rate if attainment else None),
                ", ".join(row.open_alerts) or "none",
                next_stage,
            )
        )
    return table


def render_scorecard_table(rows: Sequence[ScorecardRow]) -> str:
    reasons = [
        f"  {row.facts.key} -> {row.promotion.target.label}: {row.promotion.because()}"
        for row in sorted(rows, key=lambda r: r.facts.key)
        if row.promotion is not None
    ]
    table = plain_table(SCORECARD_COLUMNS, scorecard_rows(rows))
    return "\n".join([table, "", "Promotion:", *reasons])
