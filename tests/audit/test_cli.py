"""``platform-assets audit``: loads a code location from a module or a file, prints a table
or JSON, and exits 0 when compliant, 1 on violations, 2 on a load error."""

from __future__ import annotations

import json
import textwrap

import pytest

from platform_assets.cli.main import main
from tests.audit.code_locations import write_project

LOCATION = """\
import dagster as dg
from tests.audit.code_locations import declare

defs = dg.Definitions(assets=[declare(stage={stage!r})])
"""


@pytest.fixture
def project(tmp_path):
    return write_project(tmp_path)


def run_audit(project, location_file, *extra: str) -> int:
    return main(
        [
            "audit",
            "-f",
            str(location_file),
            "--routes",
            str(project.routes),
            "--waivers",
            str(project.waivers),
            "--tests-dir",
            str(project.tests_dir),
            "--project-root",
            str(project.root),
            *extra,
        ]
    )


def write_location(project, stage: str | None):
    path = project.root / "location.py"
    path.write_text(LOCATION.format(stage=stage))
    return path


def test_json_for_a_compliant_location_exits_0(project, capsys):
    assert run_audit(project, write_location(project, "ga"), "--format", "json") == 0
    document = json.loads(capsys.readouterr().out)
    assert document["compliant"] is True
    [asset] = document["assets"]
    assert asset["key"] == "demo/orders"
    assert asset["stage"] == "ga"
    assert asset["owners"] == ["team:demo"]
    ids = [r["id"] for r in asset["requirements"]]
    assert "BETA.FRESHNESS" in ids and "GA.PAGING" in ids
    assert all({"id", "passed", "message"} <= set(r) for r in asset["requirements"])


def test_a_violation_exits_1_and_the_table_names_it(project, capsys):
    assert run_audit(project, write_location(project, None)) == 1
    out = capsys.readouterr().out
    assert "demo/orders: PLATFORM.STAGE: declares no stage" in out
    assert "1 violation(s)" in out


def test_a_load_error_exits_2_with_a_clear_message(project, capsys):
    broken = project.root / "broken.py"
    broken.write_text("import dagster as dg\nraise RuntimeError('no warehouse configured')\n")
    assert run_audit(project, broken) == 2
    err = capsys.readouterr().err
    assert "loading" in err and "RuntimeError: no warehouse configured" in err


def test_a_file_without_definitions_exits_2(project, capsys):
    empty = project.root / "empty.py"
    empty.write_text(textwrap.dedent("x = 1\n"))
    assert run_audit(project, empty) == 2
    assert "defines no dagster.Definitions object" in capsys.readouterr().err


def test_a_missing_module_exits_2(project, capsys):
    assert main(["audit", "-m", "platform_assets.no_such_module"]) == 2
    assert "ModuleNotFoundError" in capsys.readouterr().err
