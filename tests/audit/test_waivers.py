"""Waivers: a valid one waives, an expired one is a violation, one naming an unknown asset
or requirement is a configuration error (exit 2)."""

from __future__ import annotations

from datetime import date

import dagster as dg
import pytest

from platform_assets.audit import audit_definitions
from tests.audit.code_locations import declare, write_project

TODAY = date(2026, 11, 22)


@pytest.fixture
def paths(tmp_path):
    return write_project(tmp_path)


def audit_with_waivers(paths, waivers_yaml: str):
    paths.waivers.write_text(waivers_yaml)
    return audit_definitions(
        dg.Definitions(assets=[declare(runbook=None)]),
        routes_path=paths.routes,
        waivers_path=paths.waivers,
        tests_dir=paths.tests_dir,
        project_root=paths.root,
        today=TODAY,
    )


def waiver(
    assets: str = "[demo/orders]", requirement: str = "BETA.RUNBOOK", expires: str = "2026-12-31"
) -> str:
    return f"""waivers:
  - assets: {assets}
    requirement: {requirement}
    owner: team:demo
    reason: runbook being written with on-call
    expires: {expires}
"""


def test_without_a_waiver_the_missing_runbook_is_a_violation(paths):
    report = audit_with_waivers(paths, "waivers: []\n")
    assert [r.id for r in report.asset("demo/orders").violations] == ["BETA.RUNBOOK"]
    assert report.exit_code == 1


def test_a_valid_waiver_waives_and_is_recorded(paths):
    report = audit_with_waivers(paths, waiver())
    audit = report.asset("demo/orders")
    assert report.exit_code == 0
    waived = [r for r in audit.results if r.status == "waived"]
    assert [r.id for r in waived] == ["BETA.RUNBOOK"]
    record = audit.as_record()
    assert record["waivers_applied"][0]["owner"] == "team:demo"
    assert record["waivers_applied"][0]["expires"] == "2026-12-31"


def test_a_waiver_by_group_selection_applies(paths):
    report = audit_with_waivers(paths, waiver(assets='["group:demo_marts"]'))
    assert report.exit_code == 0


def test_an_expired_waiver_is_itself_a_violation(paths):
    report = audit_with_waivers(paths, waiver(expires="2026-11-21"))
    audit = report.asset("demo/orders")
    assert report.exit_code == 1
    assert [w.requirement for w in audit.expired_waivers] == ["BETA.RUNBOOK"]
    assert [r.id for r in audit.violations] == ["BETA.RUNBOOK"]
    assert report.violation_count == 2


def test_a_waiver_expiring_today_still_holds(paths):
    assert audit_with_waivers(paths, waiver(expires="2026-11-22")).exit_code == 0


def test_a_waiver_naming_an_unknown_asset_is_an_error(paths):
    report = audit_with_waivers(paths, waiver(assets="[demo/ordres]"))
    assert report.exit_code == 2
    assert report.errors == ("waiver of BETA.RUNBOOK names unknown asset 'demo/ordres'",)


def test_a_waiver_naming_an_unknown_requirement_is_an_error(paths):
    report = audit_with_waivers(paths, waiver(requirement="BETA.RUNBOOKS"))
    assert report.exit_code == 2
    assert "unknown requirement 'BETA.RUNBOOKS'" in report.errors[0]


def test_a_malformed_waiver_is_an_error_naming_the_missing_fields(paths):
    report = audit_with_waivers(paths, "waivers:\n  - assets: [demo/orders]\n")
    assert report.exit_code == 2
    assert "missing requirement, owner, reason, expires" in report.errors[0]
