"""`platform-assets promote` and `scorecard` against a real instance's history.

A Beta asset that meets every GA requirement of its definition still may not become GA
until its SLA has been met over a full trailing window: promote refuses it, naming
GA.SLA_MET, and accepts it once the instance holds that evidence.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import time
from pathlib import Path

import dagster as dg
import pytest

# Test-only: Dagster has no public way to move its clock, and evidence is history.
from dagster._core.test_utils import freeze_time

from platform_assets.cli.main import main
from platform_assets.integrations.dbt.project import dbt_project
from platform_assets.stages.delivery_stage import DeliveryStage
from platform_assets.stages.stage_declaration import StageDeclaration, find_stage_declaration
from tests.audit.cli_arguments import location_arguments
from tests.audit.code_locations import write_project

HOUR = 3600.0

LOCATION = '''\
import dagster as dg
import pandera.polars as pa
import polars as pl

from platform_assets.warehouse import WarehouseIOManager
from platform_assets.staged_assets import staged_asset
from platform_assets.stages import DeliveryStage, Sla


class Orders(pa.DataFrameModel):
    order_id: int = pa.Field(unique=True, description="Order id.", metadata={{"pii": False}})


@staged_asset(
    stage=DeliveryStage.{stage},
    domain="shop",
    layer="marts",
    schema=Orders,
    owners=["team:shop"],
    version="1.0.0",
    sla=Sla(freshness_hours=6, window_days=1),
    runbook="docs/orders.md",
)
def orders() -> pl.DataFrame:
    """Orders, one row per order."""
    return pl.DataFrame({{"order_id": [1, 2, 3]}})


resources = {{"warehouse_io_manager": WarehouseIOManager(database={warehouse!r})}}
defs = dg.Definitions(assets=[orders], resources=resources)
'''

COVERING_TEST = """\
import pytest

@pytest.mark.integration(covers=["marts/orders"])
def test_orders(integration_instance):
    assert integration_instance is not None
"""


def write_location(tmp_path, stage: str):
    paths = write_project(tmp_path)
    (paths.tests_dir / "test_orders.py").write_text(COVERING_TEST)
    file = tmp_path / "shop_location.py"
    file.write_text(LOCATION.format(warehouse=str(tmp_path / "shop.duckdb"), stage=stage))
    return paths, file


@pytest.fixture
def location(tmp_path):
    return write_location(tmp_path, "BETA")


@pytest.fixture
def instance(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        yield instance


def cli(location, *arguments: str) -> int:
    paths, file = location
    return main([*arguments, *location_arguments(paths, file)])


def load(file: Path):
    spec = importlib.util.spec_from_file_location("shop_location_under_test", file)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_history(instance, file: Path) -> None:
    """Materializations every 4 hours from 26 hours ago: one before the 24-hour window
    (the evidence that the window is fully observed), then fresh (6-hour SLA) throughout."""
    module = load(file)
    now = time.time()
    for hours_ago in (26, 22, 18, 14, 10, 6, 2):
        with freeze_time(now - hours_ago * HOUR):
            result = dg.materialize([module.orders], instance=instance, resources=module.resources)
            assert result.success


def test_promotion_to_ga_is_refused_without_evidence_and_names_the_requirement(
    location, instance, capsys
):
    assert cli(location, "promote", "marts/orders", "--to", "ga") == 1
    out = capsys.readouterr().out
    assert "cannot be promoted to GA" in out
    missing = [line.split(":")[0].strip() for line in out.splitlines()[1:] if line.strip()]
    assert missing == ["GA.SLA_MET"]
    assert "not enough history" in out


def test_promotion_to_ga_is_accepted_with_evidence_and_names_the_line_to_change(
    location, instance, capsys
):
    build_history(instance, location[1])
    assert cli(location, "promote", "marts/orders", "--to", "ga") == 0
    out = capsys.readouterr().out
    assert "meets every GA requirement" in out
    assert f"Change {location[1]}:" in out
    assert "+ stage=DeliveryStage.GA," in out
    assert "- stage=DeliveryStage.BETA," in out


def test_promotion_names_every_missing_definition_requirement(location, instance, capsys):
    paths, _ = location
    (paths.root / "docs" / "orders.md").unlink()
    paths.routes.write_text(paths.routes.read_text().replace("paging: true", "paging: false"))
    assert cli(location, "promote", "marts/orders", "--to", "ga") == 1
    out = capsys.readouterr().out
    missing = {line.split(":")[0].strip() for line in out.splitlines()[1:] if line.strip()}
    assert missing == {"BETA.RUNBOOK", "GA.PAGING", "GA.SLA_MET"}


def test_promotion_to_beta_does_not_demand_what_beta_supplies(tmp_path, instance, capsys):
    """At Alpha the asset has no freshness policy, retry policy, column-stability check or
    blocking check: `staged_asset` supplies them all at Beta."""
    alpha = write_location(tmp_path, "ALPHA")
    assert cli(alpha, "audit", "--format", "json") == 0
    [record] = json.loads(capsys.readouterr().out)["assets"]
    assert "BETA.FRESHNESS" not in {r["id"] for r in record["requirements"]}
    assert cli(alpha, "promote", "marts/orders", "--to", "beta") == 0
    assert "+ stage=DeliveryStage.BETA," in capsys.readouterr().out


def test_promotion_only_goes_up(location, instance, capsys):
    assert cli(location, "promote", "marts/orders", "--to", "alpha") == 2
    assert "already Beta" in capsys.readouterr().out


def test_the_scorecard_reports_attainment_and_eligibility(location, instance, capsys):
    build_history(instance, location[1])
    assert cli(location, "scorecard", "--format", "json") == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["key"] == "marts/orders"
    assert row["stage"] == "beta"
    assert row["compliant"] is True
    assert row["success_rate"] == 1.0
    assert row["check_pass_rate"] == 1.0
    assert row["freshness_attainment"] == pytest.approx(1.0)
    assert row["next_stage"] == "ga"
    assert row["eligible_for_promotion"] is True
    assert row["open_alerts"] == []
    assert row["at_risk"] is False


def test_the_scorecard_table_says_why_an_asset_is_not_eligible(location, instance, capsys):
    assert cli(location, "scorecard") == 0
    out = capsys.readouterr().out
    assert "GA: no, 1 missing" in out
    assert "marts/orders -> GA: GA.SLA_MET: not enough history" in out


def test_a_dbt_stage_declaration_is_found_in_its_yaml_and_edited_in_place(tmp_path):
    from platform_assets.definitions import defs

    key = dg.AssetKey(["marts", "fct_deployment_rework_rate"])
    declaration = find_stage_declaration(
        defs.resolve_assets_def(key),
        key,
        manifest_path=dbt_project.manifest_path,
        project_dir=dbt_project.project_dir,
    )
    assert declaration is not None and declaration.kind == "dbt_yaml"
    assert declaration.text.strip() == "stage: poc"
    copy = tmp_path / declaration.path.name
    shutil.copy(declaration.path, copy)
    original = copy.read_text().splitlines()
    StageDeclaration("dbt_yaml", copy, declaration.line, declaration.text).apply(
        DeliveryStage.ALPHA
    )
    edited = copy.read_text().splitlines()
    changed = [i for i, (a, b) in enumerate(zip(original, edited, strict=True)) if a != b]
    assert changed == [declaration.line - 1]
    assert edited[declaration.line - 1].strip() == "stage: alpha"
