"""For every requirement id: a code location that breaks exactly that requirement is
reported with exactly that id, and its compliant twin passes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import dagster as dg
import pytest

from platform_assets.audit import AuditReport, audit_definitions
from platform_assets.environments import Environment, environment
from platform_assets.stages.requirements import REQUIREMENTS, Evaluation
from tests.audit.code_locations import AuditPaths, columns, declare, write_project

TODAY = date(2026, 11, 22)


@pytest.fixture
def paths(tmp_path) -> AuditPaths:
    return write_project(tmp_path)


def audit(
    paths: AuditPaths, *assets: dg.AssetsDefinition, target: Environment | None = None
) -> AuditReport:
    return audit_definitions(
        dg.Definitions(assets=list(assets)),
        routes_path=paths.routes,
        waivers_path=paths.waivers,
        tests_dir=paths.tests_dir,
        project_root=paths.root,
        today=TODAY,
        environment=target,
    )


def violations(report: AuditReport, key: str = "demo/orders") -> set[str]:
    return {result.id for result in report.asset(key).violations}


BREAKERS: dict[str, Callable[[], list[dg.AssetsDefinition]]] = {
    "PLATFORM.STAGE": lambda: [declare(stage=None)],
    "PLATFORM.LINEAGE": lambda: [
        declare(deps=("scratch",)),
        declare("scratch", stage="poc", layer="staging", group="covered_group"),
    ],
    # audited for prod (ENVIRONMENT_OF below), which deploys no POC asset
    "PLATFORM.ENVIRONMENT": lambda: [declare(stage="poc")],
    "ALPHA.OWNER": lambda: [declare(owners=())],
    "ALPHA.DESCRIPTION": lambda: [declare(description=None)],
    "ALPHA.CODE_VERSION": lambda: [declare(code_version="v1")],
    "ALPHA.SCHEMA_CHECKS": lambda: [declare(stage="alpha", primary_key=())],
    "BETA.BLOCKING_CHECKS": lambda: [declare(key_checks_blocking=False)],
    "ALPHA.CONSUMPTION_COLUMN_DOCS": lambda: [
        declare(stage="alpha", schema=columns(undocumented="amount"))
    ],
    "BETA.COLUMN_DOCS": lambda: [
        declare(stage="beta", layer="staging", schema=columns(undocumented="amount"))
    ],
    "ALPHA.SLA_DEFINED": lambda: [declare(sla=None)],
    "ALPHA.SECURITY_DEFINED": lambda: [declare(schema=columns(unclassified="amount"))],
    "BETA.FRESHNESS": lambda: [declare(freshness=False)],
    "BETA.ALERTING": lambda: [declare(stage="beta", alert_route="unrouted")],
    "GA.PAGING": lambda: [declare(alert_route="team-channel")],
    "BETA.COLUMN_STABILITY": lambda: [declare(column_stability=False)],
    "BETA.SECURITY_IMPLEMENTED": lambda: [declare(schema=columns(unprotected_pii=True))],
    # consumer-facing, its pii column tagged hashed with nothing proving it
    "BETA.PII_PROTECTED": lambda: [declare(access="consumer")],
    "BETA.RETRY_POLICY": lambda: [declare(retry=dg.RetryPolicy(max_retries=2))],
    "BETA.INTEGRATION_TESTED": lambda: [declare("uncovered", group="other")],
    "BETA.RUNBOOK": lambda: [declare(runbook="docs/missing.md")],
}


#: The environment a breaker is audited for; the others are audited for none.
ENVIRONMENT_OF: dict[str, str] = {"PLATFORM.ENVIRONMENT": "prod"}


def test_every_definition_requirement_has_a_breaker():
    definition_ids = {r.id for r in REQUIREMENTS if r.evaluation is Evaluation.DEFINITION}
    assert set(BREAKERS) == definition_ids


@pytest.mark.parametrize("stage", ["poc", "alpha", "beta", "ga"])
def test_compliant_twin_passes_at_every_stage(paths, stage):
    report = audit(paths, declare(stage=stage))
    assert report.exit_code == 0, [r.message for r in report.asset("demo/orders").violations]


@pytest.mark.parametrize("requirement_id", sorted(BREAKERS))
def test_breaking_one_requirement_reports_exactly_its_id(paths, requirement_id):
    assets = BREAKERS[requirement_id]()
    key = "demo/uncovered" if requirement_id == "BETA.INTEGRATION_TESTED" else "demo/orders"
    name = ENVIRONMENT_OF.get(requirement_id)
    report = audit(paths, *assets, target=environment(name) if name else None)
    assert violations(report, key) == {requirement_id}
    assert report.exit_code == 1
    others = [a for a in report.assets if a.key != key]
    assert all(a.compliant for a in others)


def test_sla_met_needs_evidence_and_is_no_violation(paths):
    report = audit(paths, declare(stage="ga"))
    statuses = {r.id: r.status for r in report.asset("demo/orders").results}
    assert statuses["GA.SLA_MET"] == "needs_evidence"
    assert report.exit_code == 0


def test_lineage_accepts_a_stronger_upstream_and_names_a_weaker_one(paths):
    stronger = audit(
        paths,
        declare(stage="beta", deps=("base",)),
        declare("base", stage="ga", group="covered_group"),
    )
    assert stronger.exit_code == 0
    weaker = audit(
        paths,
        declare(deps=("base",)),
        declare("base", stage="alpha", group="covered_group"),
    )
    message = next(r.message for r in weaker.asset("demo/orders").violations)
    assert "demo/base (Alpha)" in message


def test_an_undeclared_upstream_breaks_lineage(paths):
    report = audit(paths, declare(deps=("unknown_source",)))
    assert violations(report) == {"PLATFORM.LINEAGE"}
    assert "demo/unknown_source (no stage)" in report.asset("demo/orders").violations[0].message


def test_a_requirement_above_the_declared_stage_is_not_demanded(paths):
    report = audit(paths, declare(stage="poc", owners=(), description=None, sla=None))
    assert report.exit_code == 0
    assert {r.id for r in report.asset("demo/orders").results} == {
        "PLATFORM.STAGE",
        "PLATFORM.LINEAGE",
        "PLATFORM.ENVIRONMENT",
    }


def test_an_unknown_stage_value_is_a_violation(paths):
    report = audit(paths, declare(stage="production"))
    result = report.asset("demo/orders").violations[0]
    assert result.id == "PLATFORM.STAGE"
    assert "'production'" in result.message


def test_a_poc_asset_is_reported_as_poc(paths):
    report = audit(paths, declare(stage="poc"))
    assert report.asset("demo/orders").stage is not None
    assert report.asset("demo/orders").as_record()["stage"] == "poc"
