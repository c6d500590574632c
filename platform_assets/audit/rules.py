"""One rule per requirement id: a pure function from an asset's facts to a verdict.

Every message says what is missing and how to supply it, because the person reading it
is about to fix their asset, not to read the platform's source.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from platform_assets.audit.asset_facts import AssetFacts
from platform_assets.audit.pii_evidence import is_consumer_facing, unproven_pii_columns
from platform_assets.monitoring.alert_routes import AlertRoutes
from platform_assets.stages.contract_metadata import (
    ACCESS_TAG,
    CONSUMPTION_LAYERS,
    PII_PROTECTION_TAG,
    PII_PROTECTIONS,
    PII_TAG,
    asserts_not_null,
    asserts_unique,
)
from platform_assets.stages.delivery_stage import DeliveryStage

if TYPE_CHECKING:
    from platform_assets.environments import Environment

OWNER_PATTERN = re.compile(r"^(team:[A-Za-z0-9_.\-]+|[^@\s]+@[^@\s]+\.[^@\s]+)$")
SEMVER_PATTERN = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.\-]+)?(\+[0-9A-Za-z.\-]+)?$"
)
RUNBOOK_SECTIONS = ("lineage", "sla", "troubleshooting")


@dataclass(frozen=True)
class AuditContext:
    """What the rules need beyond one asset's facts."""

    stages: Mapping[str, DeliveryStage | None]
    routes: AlertRoutes | None
    routes_error: str | None
    integration_covered: frozenset[str]
    project_root: Path
    environment: Environment | None = None
    """The environment the location is audited for; None judges no deployment."""
    left_out: Mapping[str, DeliveryStage] = field(default_factory=dict)
    """The assets the location left out for its environment (``platform_assets.deployment``)."""


@dataclass(frozen=True)
class Verdict:
    passed: bool
    message: str


Rule = Callable[[AssetFacts, AuditContext], Verdict]

_OK = Verdict(True, "ok")


def stage_declared(asset: AssetFacts, _: AuditContext) -> Verdict:
    if asset.stage is not None:
        return _OK
    if asset.declared_stage is None:
        return Verdict(False, "declares no stage: tag it `stage` = poc, alpha, beta or ga")
    return Verdict(
        False, f"declares stage {asset.declared_stage!r}: expected poc, alpha, beta or ga"
    )


def stage_monotonic_lineage(asset: AssetFacts, context: AuditContext) -> Verdict:
    assert asset.stage is not None
    weaker = []
    for parent in asset.parents:
        parent_stage = context.stages.get(parent)
        if parent_stage is None:
            weaker.append(f"{parent} (no stage)")
        elif parent_stage < asset.stage:
            weaker.append(f"{parent} ({parent_stage.label})")
    if not weaker:
        return _OK
    return Verdict(
        False,
        f"{asset.stage.label} asset depends on weaker upstream {', '.join(weaker)}: promote "
        "them first",
    )


def deployed_in_environment(asset: AssetFacts, context: AuditContext) -> Verdict:
    environment = context.environment
    assert asset.stage is not None
    if environment is None:
        return Verdict(True, "audited for no environment")
    if environment.deploys_stage(asset.stage):
        return _OK
    return Verdict(
        False,
        f"{asset.stage.label} asset deployed to {environment.name}, which deploys "
        f"{environment.deployed_labels} only (config/environments.yaml): build the "
        f"{environment.name} code location with platform_assets.deployment.deployed(), "
        "or promote the asset",
    )


def left_out_wrongly(key: str, stage: DeliveryStage, environment: Environment) -> Verdict:
    """For an asset the location left out although its environment deploys its stage."""
    return Verdict(
        False,
        f"{stage.label} asset missing from the {environment.name} code location, which "
        f"deploys {environment.deployed_labels}: it was left out (built for another "
        f"environment?); build the location with deployed(defs, {environment.name!r})",
    )


def owner(asset: AssetFacts, _: AuditContext) -> Verdict:
    if not asset.owners:
        return Verdict(False, "has no owner: set owners=['team:<name>'] or an email")
    invalid = [o for o in asset.owners if not OWNER_PATTERN.match(o)]
    if invalid:
        return Verdict(False, f"owners {invalid} are neither `team:<name>` nor an email")
    return _OK


def description(asset: AssetFacts, _: AuditContext) -> Verdict:
    if asset.description and asset.description.strip():
        return _OK
    return Verdict(False, "has no description")


def code_version(asset: AssetFacts, _: AuditContext) -> Verdict:
    if asset.code_version is None:
        return Verdict(False, "has no code version: set a SemVer version such as 1.0.0")
    if not SEMVER_PATTERN.match(asset.code_version):
        return Verdict(False, f"code version {asset.code_version!r} is not SemVer")
    return _OK


def _key_asserts(asset: AssetFacts) -> list[str]:
    return [asserts_unique(asset.primary_key)] + [
        asserts_not_null(column) for column in asset.primary_key
    ]


def schema_checks(asset: AssetFacts, _: AuditContext) -> Verdict:
    if not asset.primary_key:
        return Verdict(
            False,
            "declares no primary key (platform/primary_key, Pandera unique=, or dbt "
            "meta.primary_key): its boundaries cannot be asserted",
        )
    asserted = {a for check in asset.checks for a in check.asserts}
    missing = [a for a in _key_asserts(asset) if a not in asserted]
    if missing:
        return Verdict(False, f"no check asserts {', '.join(missing)}")
    return _OK


def blocking_checks(asset: AssetFacts, _: AuditContext) -> Verdict:
    if not asset.primary_key:
        return Verdict(False, "declares no primary key, so no key check can block")
    blocking_asserts = {a for check in asset.checks if check.blocking for a in check.asserts}
    missing = [a for a in _key_asserts(asset) if a not in blocking_asserts]
    if missing:
        return Verdict(
            False, f"checks asserting {', '.join(missing)} are not blocking with error severity"
        )
    return _OK


def _undocumented(asset: AssetFacts) -> Verdict:
    if not asset.columns:
        return Verdict(False, "has no column schema (dagster/column_schema) to document")
    missing = [c.name for c in asset.columns if not (c.description and c.description.strip())]
    if missing:
        return Verdict(False, f"columns without a description: {', '.join(missing)}")
    return _OK


def consumption_column_docs(asset: AssetFacts, _: AuditContext) -> Verdict:
    if asset.layer not in CONSUMPTION_LAYERS:
        return Verdict(True, f"not a consumption asset (layer {asset.layer!r})")
    return _undocumented(asset)


def column_docs(asset: AssetFacts, _: AuditContext) -> Verdict:
    return _undocumented(asset)


def sla_defined(asset: AssetFacts, _: AuditContext) -> Verdict:
    if asset.sla_error:
        return Verdict(False, f"declares a malformed SLA: {asset.sla_error}")
    if asset.sla is None:
        return Verdict(False, "declares no SLA (platform/sla: freshness and success-rate targets)")
    return _OK


def security_defined(asset: AssetFacts, _: AuditContext) -> Verdict:
    if not asset.columns:
        return Verdict(False, "has no column schema, so no column is classified pii or not")
    unclassified = [c.name for c in asset.columns if c.tags.get(PII_TAG) not in ("true", "false")]
    if unclassified:
        return Verdict(False, f"columns not classified pii true/false: {', '.join(unclassified)}")
    return _OK


def freshness_policy(asset: AssetFacts, _: AuditContext) -> Verdict:
    if asset.has_freshness_policy:
        return _OK
    return Verdict(False, "has no freshness policy (a staged asset derives one from its SLA)")


def _sinks(asset: AssetFacts, context: AuditContext) -> tuple[list, Verdict | None]:
    if context.routes is None:
        return [], Verdict(False, f"alert routes unavailable: {context.routes_error}")
    sinks = context.routes.sinks_for(asset.alert_route, asset.owners)
    if not sinks:
        return [], Verdict(
            False,
            f"no alert route covers it (alert_route={asset.alert_route!r}, owners="
            f"{list(asset.owners)}): add one to the alert routes file",
        )
    return sinks, None


def alerting(asset: AssetFacts, context: AuditContext) -> Verdict:
    _, problem = _sinks(asset, context)
    return problem or _OK


def paging(asset: AssetFacts, context: AuditContext) -> Verdict:
    sinks, problem = _sinks(asset, context)
    if problem:
        return problem
    if any(sink.paging for sink in sinks):
        return _OK
    return Verdict(
        False,
        f"its alert route {asset.alert_route!r} reaches no paging sink "
        f"({', '.join(s.name for s in sinks)})",
    )


def column_stability(asset: AssetFacts, _: AuditContext) -> Verdict:
    if any(check.column_stability for check in asset.checks):
        return _OK
    return Verdict(False, "has no column-stability check")


def security_implemented(asset: AssetFacts, _: AuditContext) -> Verdict:
    if not asset.columns:
        return Verdict(False, "has no column schema, so its pii columns cannot be shown protected")
    problems = []
    for column in asset.columns:
        if column.tags.get(PII_TAG) != "true":
            continue
        protection = column.tags.get(PII_PROTECTION_TAG)
        if protection not in PII_PROTECTIONS:
            problems.append(f"{column.name} is pii with no pii_protection")
        elif protection == "restricted" and asset.tags.get(ACCESS_TAG) != "restricted":
            problems.append(f"{column.name} is restricted but the asset is not tagged access")
    if problems:
        return Verdict(False, "; ".join(problems))
    return _OK


def pii_protected(asset: AssetFacts, _: AuditContext) -> Verdict:
    if not is_consumer_facing(asset):
        return Verdict(True, f"not consumer-facing ({ACCESS_TAG}={asset.tags.get(ACCESS_TAG)!r})")
    problems = unproven_pii_columns(asset)
    if problems:
        return Verdict(False, "; ".join(problems))
    return _OK


def retry_policy(asset: AssetFacts, _: AuditContext) -> Verdict:
    if not asset.materializable:
        return Verdict(True, "not materialized by this code location")
    if asset.retry_max < 1:
        return Verdict(False, "has no retry policy")
    if not asset.retry_has_backoff:
        return Verdict(False, "retries without backoff")
    return _OK


def integration_tested(asset: AssetFacts, context: AuditContext) -> Verdict:
    covered = asset.key in context.integration_covered or (
        asset.group is not None and f"group:{asset.group}" in context.integration_covered
    )
    if covered:
        return _OK
    return Verdict(
        False,
        f"no test marked @pytest.mark.integration(covers=[...]) covers {asset.key!r} or "
        f"group:{asset.group}",
    )


def runbook(asset: AssetFacts, context: AuditContext) -> Verdict:
    if not asset.runbook:
        return Verdict(False, "links no runbook (platform/runbook)")
    if asset.runbook.startswith(("http://", "https://")):
        return Verdict(True, "runbook is a URL; its sections are not verified offline")
    path = context.project_root / asset.runbook
    if not path.is_file():
        return Verdict(False, f"runbook {asset.runbook} does not exist")
    missing = _missing_runbook_sections(str(path), path.stat().st_mtime_ns)
    if missing:
        return Verdict(False, f"runbook {asset.runbook} has no section for {', '.join(missing)}")
    return _OK


@lru_cache(maxsize=256)
def _missing_runbook_sections(path: str, modified_ns: int) -> tuple[str, ...]:
    """Many assets share one runbook: read each once per version of the file (the
    modification time is part of the key, so an edited runbook is read again)."""
    text = Path(path).read_text().lower()
    headings = {line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#")}
    return tuple(s for s in RUNBOOK_SECTIONS if not any(s in heading for heading in headings))


RULES: dict[str, Rule] = {
    "PLATFORM.STAGE": stage_declared,
    "PLATFORM.LINEAGE": stage_monotonic_lineage,
    "PLATFORM.ENVIRONMENT": deployed_in_environment,
    "ALPHA.OWNER": owner,
    "ALPHA.DESCRIPTION": description,
    "ALPHA.CODE_VERSION": code_version,
    "ALPHA.SCHEMA_CHECKS": schema_checks,
    "BETA.BLOCKING_CHECKS": blocking_checks,
    "ALPHA.CONSUMPTION_COLUMN_DOCS": consumption_column_docs,
    "BETA.COLUMN_DOCS": column_docs,
    "ALPHA.SLA_DEFINED": sla_defined,
    "ALPHA.SECURITY_DEFINED": security_defined,
    "BETA.FRESHNESS": freshness_policy,
    "BETA.ALERTING": alerting,
    "GA.PAGING": paging,
    "BETA.COLUMN_STABILITY": column_stability,
    "BETA.SECURITY_IMPLEMENTED": security_implemented,
    "BETA.PII_PROTECTED": pii_protected,
    "BETA.RETRY_POLICY": retry_policy,
    "BETA.INTEGRATION_TESTED": integration_tested,
    "BETA.RUNBOOK": runbook,
}
