"""The disaster-recovery drill on the embedded defaults: build a real subset of the DORA
graph (the demo source's raw assets and the staging models dbt builds on them) into a
DuckDB file with a real Dagster instance, back up with `platform-assets backup`, delete
the whole data directory and DAGSTER_HOME, restore with `platform-assets restore
--latest`, and run again: every table is what it was, nothing is duplicated, and the run
history is back."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest

from platform_assets.cli.main import main
from platform_assets.domains.dora.raw_assets import raw_assets
from platform_assets.domains.dora.sources import DoraSource
from platform_assets.integrations.dbt.assets import dbt_project_models
from platform_assets.integrations.dbt.pii_key import KEY_FILE_NAME, PII_HMAC_KEY_ENV
from platform_assets.integrations.dbt.project import dbt_executable, dbt_project
from platform_assets.integrations.dbt.resource import PlatformDbtCliResource
from platform_assets.settings import PROJECT_ROOT
from platform_assets.warehouse import Warehouse, WarehouseIOManager
from tests.backup.tables import table_digests

#: The load's own lineage: a second load of the same records stamps its own run.
LOAD_LINEAGE = frozenset({"_loaded_at", "_run_id"})
STAGING_MODELS = [
    dg.AssetKey(["staging", "stg_dora__deployments"]),
    dg.AssetKey(["staging", "stg_dora__incidents"]),
]


@pytest.fixture
def laptop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A laptop's layout: the data root (warehouse and the generated pseudonym key), the
    Dagster home with the project's dagster.yaml, and backups kept on another disk."""
    paths = {
        "data": tmp_path / "data",
        "home": tmp_path / "dagster_home",
        "backups": tmp_path / "offsite",
    }
    paths["home"].mkdir()
    shutil.copy(PROJECT_ROOT / "dagster.yaml", paths["home"] / "dagster.yaml")
    monkeypatch.setenv("PLATFORM_DATA_DIR", str(paths["data"]))
    monkeypatch.setenv("PLATFORM_WAREHOUSE_PATH", str(paths["data"] / "warehouse.duckdb"))
    monkeypatch.setenv("DAGSTER_HOME", str(paths["home"]))
    monkeypatch.setenv("PLATFORM_BACKUP_DIR", str(paths["backups"]))
    # the key is generated into the data root, as on a fresh laptop, and must come back
    monkeypatch.delenv(PII_HMAC_KEY_ENV, raising=False)
    for variable in ("PLATFORM_POSTGRES_URL", "PLATFORM_DAGSTER_POSTGRES_URL", "PLATFORM_ENV"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("PLATFORM_DORA_DEMO_DAYS", "14")
    monkeypatch.setenv("PLATFORM_DORA_DEMO_SCALE", "0.3")
    monkeypatch.setenv("PLATFORM_DORA_DEMO_END", "2026-11-04")
    return paths


def _build(warehouse: Path) -> str:
    """One run of the raw DORA assets and three staging models; its run id."""
    with dg.DagsterInstance.get() as instance:
        result = dg.materialize(
            [*raw_assets, dbt_project_models],
            selection=dg.AssetSelection.assets(*raw_assets)
            | dg.AssetSelection.assets(*STAGING_MODELS),
            instance=instance,
            resources={
                "warehouse": Warehouse(database=str(warehouse)),
                "warehouse_io_manager": WarehouseIOManager(database=str(warehouse)),
                "dora_source": DoraSource(),
                "dbt": PlatformDbtCliResource(
                    project_dir=dbt_project, dbt_executable=dbt_executable()
                ),
            },
        )
        assert result.success
        return result.run_id


def _run_ids() -> list[str]:
    with dg.DagsterInstance.get() as instance:
        return sorted(run.run_id for run in instance.get_runs())


def test_the_drill_restores_every_table_the_key_and_the_run_history(laptop, capsys):
    warehouse_file = laptop["data"] / "warehouse.duckdb"
    first_run = _build(warehouse_file)
    warehouse = Warehouse(database=str(warehouse_file))
    built = table_digests(warehouse)
    built_without_lineage = table_digests(warehouse, LOAD_LINEAGE)
    assert {"raw.deployments", "staging.stg_dora__deployments"} <= set(built)
    assert any(name.startswith("ops.") for name in built), "the ingestion state is backed up"
    key = (laptop["data"] / KEY_FILE_NAME).read_bytes()
    runs = _run_ids()
    assert first_run in runs

    assert main(["backup"]) == 0
    shutil.rmtree(laptop["data"])
    shutil.rmtree(laptop["home"])
    assert main(["restore", "--latest"]) == 0
    assert "restored backup" in capsys.readouterr().out

    assert table_digests(warehouse) == built
    assert (laptop["data"] / KEY_FILE_NAME).read_bytes() == key
    assert _run_ids() == runs
    with dg.DagsterInstance.get() as instance:
        assert instance.get_latest_materialization_event(STAGING_MODELS[0]) is not None

    second_run = _build(warehouse_file)
    assert _run_ids() == sorted([*runs, second_run])
    # the same records merged again: the same rows, none twice, the same pseudonyms
    assert table_digests(warehouse, LOAD_LINEAGE) == built_without_lineage
