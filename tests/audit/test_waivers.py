"""Waivers: a valid one waives, an expired one is a violation, one naming an unknown asset
or requirement is a configuration error (exit 2). Waivers belong to a code location: those
of another location are not applied, and an asset they name that the audited location does
not have is a warning, so any team's code location can be audited with this project's
default waivers file."""

from __future__ import annotations

import json
from datetime import date

import dagster as dg
import pytest

from platform_assets.audit import audit_definitions
from platform_assets.cli.main import main
from platform_assets.settings import WAIVERS_ENV
from tests.audit.code_locations import declare, write_foreign_location, write_project

TODAY = date(2026, 11, 22)


@pytest.fixture
def paths(tmp_path):
    return write_project(tmp_path)


def audit_with_waivers(paths, waivers_yaml: str, code_location: str | None = None):
    paths.waivers.write_text(waivers_yaml)
    return audit_definitions(
        dg.Definitions(assets=[declare(runbook=None)]),
        routes_path=paths.routes,
        waivers_path=paths.waivers,
        tests_dir=paths.tests_dir,
        project_root=paths.root,
        today=TODAY,
        code_location=code_location,
    )


def waiver(
    assets: str = "[demo/orders]",
    requirement: str = "BETA.RUNBOOK",
    expires: str = "2026-12-31",
    file_location: str | None = None,
    location: str | None = None,
) -> str:
    header = f"code_location: {file_location}\n" if file_location else ""
    own = f"\n    code_location: {location}" if location else ""
    return f"""{header}waivers:
  - assets: {assets}
    requirement: {requirement}
    owner: team:demo
    reason: runbook being written with on-call
    expires: {expires}{own}
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


def test_a_waiver_of_the_audited_location_waives(paths):
    report = audit_with_waivers(paths, waiver(file_location="shop"), code_location="shop")
    assert report.exit_code == 0
    assert report.warnings == ()


def test_a_waiver_of_another_location_is_not_applied(paths):
    report = audit_with_waivers(paths, waiver(file_location="warehouse"), code_location="shop")
    assert [r.id for r in report.asset("demo/orders").violations] == ["BETA.RUNBOOK"]
    assert report.exit_code == 1


def test_a_waiver_names_its_own_location_over_the_files(paths):
    document = waiver(file_location="warehouse", location="shop")
    assert audit_with_waivers(paths, document, code_location="shop").exit_code == 0
    assert audit_with_waivers(paths, document, code_location="warehouse").exit_code == 1


def test_an_unknown_asset_in_another_locations_waiver_is_a_warning(paths):
    report = audit_with_waivers(
        paths, waiver(assets="[dashboards/dora_dashboards]", location="warehouse"), "shop"
    )
    assert report.errors == ()
    assert report.warnings == (
        "waiver of BETA.RUNBOOK for code location 'warehouse' names "
        "'dashboards/dora_dashboards', which code location 'shop' does not have: not applied",
    )
    assert report.exit_code == 1


def test_an_unknown_asset_in_the_audited_locations_own_waiver_is_an_error(paths):
    report = audit_with_waivers(paths, waiver(assets="[demo/ordres]", location="shop"), "shop")
    assert report.exit_code == 2
    assert report.errors == ("waiver of BETA.RUNBOOK names unknown asset 'demo/ordres'",)


def test_an_unknown_requirement_is_an_error_in_any_locations_waiver(paths):
    report = audit_with_waivers(paths, waiver(requirement="BETA.RUNBOOKS", location="other"))
    assert report.exit_code == 2
    assert "unknown requirement 'BETA.RUNBOOKS'" in report.errors[0]


def test_a_blank_code_location_is_an_error_naming_the_field(paths):
    report = audit_with_waivers(paths, 'code_location: ""\n' + waiver())
    assert report.exit_code == 2
    assert report.errors == (f"{paths.waivers} has code_location '': name a code location",)


@pytest.mark.parametrize("target", ["file", "module"])
def test_a_foreign_location_with_no_waivers_file_set_is_audited_and_exits_1(
    target, tmp_path, monkeypatch, capsys
):
    """This project's default waivers file (config/waivers.yaml, scoped to
    `platform_assets`) is what `platform-assets audit` reads when nothing is set: another
    team's location gets its violations, and this project's waiver only a warning."""
    monkeypatch.delenv(WAIVERS_ENV, raising=False)
    location = write_foreign_location(tmp_path, module="their_defs")
    monkeypatch.syspath_prepend(str(tmp_path))
    args = ["-f", str(location)] if target == "file" else ["-m", "their_defs"]
    assert main(["audit", *args]) == 1
    captured = capsys.readouterr()
    assert "shop/orders: PLATFORM.STAGE: declares no stage" in captured.out
    assert (
        "warning: waiver of PLATFORM.LINEAGE for code location 'platform_assets' names "
        "'dashboards/dora_dashboards', which code location 'their_defs' does not have"
    ) in captured.err
    assert "error" not in captured.err


def test_the_json_report_of_a_foreign_location_carries_the_warning(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(WAIVERS_ENV, raising=False)
    location = write_foreign_location(tmp_path, module="their_defs")
    assert main(["audit", "-f", str(location), "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["errors"] == []
    assert [w.split(" names ")[0] for w in document["warnings"]] == [
        "waiver of PLATFORM.LINEAGE for code location 'platform_assets'"
    ]
    [asset] = document["assets"]
    assert asset["key"] == "shop/orders" and asset["compliant"] is False


def test_location_names_the_audited_code_location_for_its_waivers(paths, tmp_path, capsys):
    """`--location` names the location when its package or file stem does not: the
    waivers of `shop` then belong to a file called their_defs.py, so their typo is an
    error there."""
    location = write_foreign_location(tmp_path, module="their_defs")
    paths.waivers.write_text(waiver(assets="[shop/ordres]", file_location="shop"))
    args = ["audit", "-f", str(location), "--waivers", str(paths.waivers)]
    assert main(args) == 1
    assert main([*args, "--location", "shop"]) == 2
    assert "unknown asset 'shop/ordres'" in capsys.readouterr().err
