"""docs/adding-a-domain.md works as written: its blocks make a domain that the code
location discovers, that lands, checks and models its data, and that passes the audit.

The guide's Python files go to a temporary folder added to the ``platform_assets.domains``
package (what placing the folder in ``platform_assets/domains/`` does), so no file of the
repository is touched; its dbt files go to a tiny dbt project beside them (the real
project's full build is the DORA tests' business), built by dagster-dbt with the
platform's translator, exactly as the platform's dbt assets build a model.
"""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import dagster as dg
import pytest
from dagster_dbt import DbtCliResource, dbt_assets

import platform_assets.domains
from platform_assets.audit import audit_definitions
from platform_assets.definitions import code_location
from platform_assets.integrations.dbt.project import dbt_executable
from platform_assets.integrations.dbt.translator import StagedDbtTranslator
from platform_assets.settings import PROJECT_ROOT, alert_routes_path, waivers_path
from platform_assets.warehouse import Warehouse, WarehouseIOManager
from tests.connectors.conftest import rows

GUIDE: Final = PROJECT_ROOT / "docs" / "adding-a-domain.md"
DOMAIN: Final = "support"
DOMAIN_FOLDER: Final = f"platform_assets/domains/{DOMAIN}/"
DBT_FOLDER: Final = "dbt_project/"
#: A fenced block whose first line names the file it is, as a comment.
BLOCK: Final = re.compile(r"```(?:python|yaml|sql)\n(?:#|--) (?P<path>\S+)\n(?P<body>.*?)```", re.S)

TICKETS_CSV: Final = """\
ticket_id,status,opened_at
t-1,open,2026-10-01T09:00:00Z
t-2,solved,2026-10-02T10:30:00Z
t-3,lost,2026-10-03T11:00:00Z
"""


def guide_files() -> dict[str, str]:
    return {match["path"]: match["body"] for match in BLOCK.finditer(GUIDE.read_text())}


def test_the_guide_touches_only_the_domains_folders() -> None:
    files = guide_files()
    assert any(path.endswith("definitions.py") for path in files)
    outside = [
        path
        for path in files
        if not path.startswith(DOMAIN_FOLDER) and not path.startswith(f"{DBT_FOLDER}models/")
    ]
    assert outside == []
    assert all(f"/{DOMAIN}/" in path for path in files)


@pytest.fixture
def new_domain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The guide's files written out; the Python package is on the domains' path."""
    domains = tmp_path / "domains"
    for path, body in guide_files().items():
        target = (
            domains / path.removeprefix("platform_assets/domains/")
            if path.startswith(DOMAIN_FOLDER)
            else tmp_path / "dbt" / path.removeprefix(DBT_FOLDER)
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body)
    monkeypatch.setattr(
        platform_assets.domains, "__path__", [*platform_assets.domains.__path__, str(domains)]
    )
    yield tmp_path
    for name in [m for m in sys.modules if m.startswith(f"platform_assets.domains.{DOMAIN}")]:
        del sys.modules[name]


def _dbt_project(root: Path, warehouse: Path) -> Path:
    """A dbt project around the guide's models, its manifest parsed."""
    project = root / "dbt"
    (project / "dbt_project.yml").write_text(
        "name: new_domain\nversion: '1.0.0'\nprofile: new_domain\n"
        "model-paths: ['models']\nmodels:\n  new_domain:\n    staging:\n"
        "      +schema: staging\n      +materialized: table\n"
    )
    (project / "profiles.yml").write_text(
        f"new_domain:\n  target: local\n  outputs:\n    local:\n      type: duckdb\n"
        f"      path: '{warehouse}'\n      threads: 1\n"
    )
    (project / "macros").mkdir()
    # The platform's rule: a custom schema is the schema itself, not <target>_<schema>.
    (project / "macros" / "generate_schema_name.sql").write_text(
        (PROJECT_ROOT / "dbt_project" / "macros" / "generate_schema_name.sql").read_text()
    )
    subprocess.run(
        [dbt_executable(), "parse", "--project-dir", str(project), "--profiles-dir", str(project)],
        check=True,
        capture_output=True,
        cwd=project,
    )
    return project


def _dbt_models(project: Path) -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=project / "target" / "manifest.json",
        dagster_dbt_translator=StagedDbtTranslator(),
        name="new_domain_models",
    )
    # `context` unannotated: with postponed annotations Dagster would see a string.
    def models(context, dbt: DbtCliResource) -> Iterator[Any]:
        yield from dbt.cli(["build"], context=context).stream()

    return models


def test_a_domain_from_the_guide_lands_checks_models_and_passes_the_audit(
    new_domain: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exports = new_domain / "exports"
    exports.mkdir()
    (exports / "tickets.csv").write_text(TICKETS_CSV)
    monkeypatch.setenv("PLATFORM_SUPPORT_FILES_DIR", str(exports))
    warehouse = new_domain / "warehouse.duckdb"
    models = _dbt_models(_dbt_project(new_domain, warehouse))

    defs = dg.Definitions.merge(code_location(), dg.Definitions(assets=[models]))

    graph = defs.resolve_asset_graph()
    tickets, staged = (
        dg.AssetKey(["raw", "tickets"]),
        dg.AssetKey(["staging", "stg_support__tickets"]),
    )
    assert graph.get(tickets).tags["domain"] == DOMAIN
    assert graph.get(staged).parent_keys == {tickets}
    support = importlib.import_module(f"platform_assets.domains.{DOMAIN}.definitions").defs
    result = dg.materialize(
        [*support.assets, *support.asset_checks, models],
        resources={
            **support.resources,
            "warehouse": Warehouse(database=str(warehouse)),
            "warehouse_io_manager": WarehouseIOManager(database=str(warehouse)),
            "dbt": DbtCliResource(
                project_dir=str(new_domain / "dbt"), dbt_executable=dbt_executable()
            ),
        },
        instance=dg.DagsterInstance.ephemeral(),
    )

    assert result.success
    checks = {
        (c.asset_key.to_user_string(), c.check_name): c.passed
        for c in result.get_asset_check_evaluations()
    }
    assert checks[("raw/tickets", "row_count_bounds")] is True
    assert ("raw/tickets", "quarantine_rate") in checks
    assert checks[("staging/stg_support__tickets", "unique_stg_support__tickets_ticket_id")] is True
    database = Warehouse(database=str(warehouse))
    assert rows(
        database, "select ticket_id, status from staging.stg_support__tickets order by 1"
    ) == [
        ("t-1", "OPEN"),
        ("t-2", "SOLVED"),
    ]
    assert rows(database, "select record_key, reason from ops.quarantine") == [
        ("t-3", "unknown value 'lost' for status (allowed: open, pending, solved)")
    ]

    report = audit_definitions(
        defs,
        routes_path=alert_routes_path(),
        waivers_path=waivers_path(),
        tests_dir=PROJECT_ROOT / "tests",
    )
    assert report.errors == ()
    for key in ("raw/tickets", "staging/stg_support__tickets"):
        audit = report.asset(key)
        assert audit.stage is not None and audit.stage.tag_value == "alpha"
        assert audit.compliant, [f"{r.id}: {r.message}" for r in audit.violations]
