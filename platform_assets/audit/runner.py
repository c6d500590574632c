"""The stage audit: every asset against the requirements of the stage it claims."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import dagster as dg

from platform_assets.audit.asset_facts import AssetFacts, collect_facts
from platform_assets.audit.code_location import location_name
from platform_assets.audit.integration_coverage import covered_selections
from platform_assets.audit.promotion_preview import as_promoted
from platform_assets.audit.rules import RULES, AuditContext, left_out_wrongly
from platform_assets.audit.waivers import Waiver, WaiverError, load_waivers, scope_waivers
from platform_assets.deployment import left_out_assets
from platform_assets.monitoring.alert_routes import AlertRoutes, AlertRoutesError
from platform_assets.settings import PROJECT_ROOT
from platform_assets.stages.delivery_stage import DeliveryStage
from platform_assets.stages.requirements import Evaluation, requirements_for

if TYPE_CHECKING:
    from platform_assets.environments import Environment

Status = Literal["pass", "fail", "waived", "needs_evidence"]


@dataclass(frozen=True)
class RequirementResult:
    id: str
    status: Status
    message: str
    waiver: Waiver | None = None

    @property
    def passed(self) -> bool:
        return self.status in ("pass", "waived")

    def as_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "id": self.id,
            "passed": self.passed,
            "status": self.status,
            "message": self.message,
        }
        if self.waiver is not None:
            record["waiver"] = self.waiver.as_record()
        return record


@dataclass(frozen=True)
class AssetAudit:
    key: str
    stage: DeliveryStage | None
    owners: tuple[str, ...]
    results: tuple[RequirementResult, ...]
    expired_waivers: tuple[Waiver, ...] = ()

    @property
    def violations(self) -> list[RequirementResult]:
        return [r for r in self.results if r.status == "fail"]

    @property
    def compliant(self) -> bool:
        return not self.violations and not self.expired_waivers

    def as_record(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "stage": self.stage.tag_value if self.stage else None,
            "owners": list(self.owners),
            "compliant": self.compliant,
            "requirements": [r.as_record() for r in self.results],
            "waivers_applied": [r.waiver.as_record() for r in self.results if r.waiver],
            "expired_waivers": [w.as_record() for w in self.expired_waivers],
        }


@dataclass(frozen=True)
class AuditReport:
    assets: tuple[AssetAudit, ...]
    errors: tuple[str, ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())

    @property
    def violation_count(self) -> int:
        return sum(len(a.violations) + len(a.expired_waivers) for a in self.assets)

    @property
    def exit_code(self) -> int:
        if self.errors:
            return 2
        return 1 if self.violation_count else 0

    def asset(self, key: str) -> AssetAudit:
        return next(a for a in self.assets if a.key == key)


def evaluate_asset(
    asset: AssetFacts,
    context: AuditContext,
    waivers: Sequence[Waiver] = (),
    today: date | None = None,
    as_stage: DeliveryStage | None = None,
) -> AssetAudit:
    """Audits one asset against ``as_stage`` (default: the stage it declares), so
    ``promote`` can ask what a higher stage would demand of it."""
    today = today or date.today()
    if as_stage is not None:
        asset = as_promoted(asset, as_stage)
    stage = as_stage or asset.stage
    if stage is None:
        verdict = RULES["PLATFORM.STAGE"](asset, context)
        return AssetAudit(
            asset.key,
            None,
            asset.owners,
            (RequirementResult("PLATFORM.STAGE", "fail", verdict.message),),
        )
    if as_stage is not None:
        context = replace(context, stages={**context.stages, asset.key: as_stage})
    applicable = [w for w in waivers if w.selects(asset.key, asset.group)]
    results = []
    expired: list[Waiver] = []
    for requirement in requirements_for(stage):
        if requirement.evaluation is Evaluation.EVIDENCE:
            results.append(
                RequirementResult(
                    requirement.id,
                    "needs_evidence",
                    "evaluated from run history by the scorecard and `platform-assets promote`",
                )
            )
            continue
        verdict = RULES[requirement.id](asset, context)
        if verdict.passed:
            results.append(RequirementResult(requirement.id, "pass", verdict.message))
            continue
        waiver = next((w for w in applicable if w.requirement == requirement.id), None)
        if waiver is not None and waiver.expired(today):
            expired.append(waiver)
            waiver = None
        if waiver is not None:
            results.append(
                RequirementResult(
                    requirement.id,
                    "waived",
                    f"{verdict.message} (waived by {waiver.owner} until "
                    f"{waiver.expires.isoformat()}: {waiver.reason})",
                    waiver,
                )
            )
        else:
            results.append(RequirementResult(requirement.id, "fail", verdict.message))
    return AssetAudit(asset.key, stage, asset.owners, tuple(results), tuple(expired))


def build_context(
    facts: Sequence[AssetFacts],
    *,
    routes_path: Path | None,
    tests_dir: Path | None,
    project_root: Path,
    environment: Environment | None = None,
    left_out: Mapping[str, DeliveryStage] | None = None,
) -> AuditContext:
    routes, routes_error = None, None
    if routes_path is None:
        routes_error = "no alert routes file configured"
    else:
        try:
            routes = AlertRoutes.load(routes_path)
        except AlertRoutesError as error:
            routes_error = str(error)
    return AuditContext(
        stages={asset.key: asset.stage for asset in facts},
        routes=routes,
        routes_error=routes_error,
        integration_covered=covered_selections(tests_dir),
        project_root=project_root,
        environment=environment,
        left_out=left_out or {},
    )


@dataclass(frozen=True)
class AuditInputs:
    """Everything an evaluation needs, loaded once: the audit, the scorecard and
    ``promote`` all judge from the same inputs."""

    facts: tuple[AssetFacts, ...]
    context: AuditContext
    waivers: tuple[Waiver, ...]
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def load_audit_inputs(
    facts: Sequence[AssetFacts],
    *,
    routes_path: Path | None,
    waivers_path: Path | None,
    tests_dir: Path | None,
    project_root: Path = PROJECT_ROOT,
    code_location: str | None = None,
    environment: Environment | None = None,
    left_out: Mapping[str, DeliveryStage] | None = None,
) -> AuditInputs:
    """``code_location`` names the location the facts come from, so only its waivers
    apply (default: this project's); ``environment`` is the one it is deployed to, and
    ``left_out`` the assets it left out for that environment."""
    context = build_context(
        facts,
        routes_path=routes_path,
        tests_dir=tests_dir,
        project_root=project_root,
        environment=environment,
        left_out=left_out,
    )
    try:
        waivers = load_waivers(waivers_path)
    except WaiverError as error:
        return AuditInputs(tuple(facts), context, (), (str(error),))
    scoped = scope_waivers(
        waivers,
        code_location or location_name(),
        {a.key for a in facts},
        {a.group for a in facts if a.group is not None},
    )
    return AuditInputs(tuple(facts), context, scoped.waivers, scoped.errors, scoped.warnings)


def audit_facts(
    facts: Sequence[AssetFacts],
    *,
    routes_path: Path | None,
    waivers_path: Path | None,
    tests_dir: Path | None,
    project_root: Path = PROJECT_ROOT,
    today: date | None = None,
    code_location: str | None = None,
    environment: Environment | None = None,
    left_out: Mapping[str, DeliveryStage] | None = None,
) -> AuditReport:
    inputs = load_audit_inputs(
        facts,
        routes_path=routes_path,
        waivers_path=waivers_path,
        tests_dir=tests_dir,
        project_root=project_root,
        code_location=code_location,
        environment=environment,
        left_out=left_out,
    )
    if inputs.errors:
        return AuditReport((), inputs.errors, inputs.warnings)
    audits = [evaluate_asset(asset, inputs.context, inputs.waivers, today) for asset in facts]
    return AuditReport(tuple(audits + missing_assets(inputs.context)), warnings=inputs.warnings)


def missing_assets(context: AuditContext) -> list[AssetAudit]:
    """The assets the location left out although its environment deploys their stage
    (a GA asset missing from prod), each with its PLATFORM.ENVIRONMENT violation."""
    environment = context.environment
    if environment is None:
        return []
    audits = []
    for key, stage in sorted(context.left_out.items()):
        if environment.deploys_stage(stage):
            verdict = left_out_wrongly(key, stage, environment)
            result = RequirementResult("PLATFORM.ENVIRONMENT", "fail", verdict.message)
            audits.append(AssetAudit(key, stage, (), (result,)))
    return audits


def audit_definitions(
    defs: dg.Definitions,
    *,
    routes_path: Path | None,
    waivers_path: Path | None,
    tests_dir: Path | None,
    project_root: Path = PROJECT_ROOT,
    today: date | None = None,
    code_location: str | None = None,
    environment: Environment | None = None,
) -> AuditReport:
    """``environment``: judge what the location deploys against what that environment
    deploys (PLATFORM.ENVIRONMENT); None judges no deployment."""
    return audit_facts(
        collect_facts(defs),
        routes_path=routes_path,
        waivers_path=waivers_path,
        tests_dir=tests_dir,
        project_root=project_root,
        today=today,
        code_location=code_location,
        environment=environment,
        left_out=left_out_assets(defs),
    )
