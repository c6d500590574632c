"""A landing in another layer (``RawLanding(layer="bronze")``): its asset key and layer
tag name that layer, and a Dagster run lands the table with its soft deletes and row
hash, reporting the new counts as materialization metadata."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import dagster as dg

from platform_assets.ingestion import Connector, RecordBatch
from platform_assets.ingestion.raw_asset import RawLanding, raw_table_asset
from platform_assets.stages import DeliveryStage, Sla
from platform_assets.warehouse import Warehouse, WarehouseIOManager
from tests.ingestion.customer_like import READINGS, Readings, ScriptedConnector, reading

LANDING = RawLanding(
    domain="readings",
    owners=["team:readings"],
    version="1.0.0",
    sla=Sla(freshness_hours=1),
    runbook="docs/ingestion.md",
    source_key="readings_source",
    layer="bronze",
)


@dataclass
class ScriptedSource:
    """The source resource: each run replays the next scripted extract."""

    extracts: list[list[RecordBatch]]

    @contextmanager
    def open_connector(self, entity: str) -> Iterator[Connector]:
        yield ScriptedConnector(self.extracts.pop(0))


def test_the_layer_names_the_asset_key_and_tag_and_the_run_lands_the_table(tmp_path) -> None:
    asset = raw_table_asset(LANDING, READINGS, Readings, DeliveryStage.ALPHA, "Readings.")
    assert asset.key == dg.AssetKey(["bronze", "readings"])
    assert asset.tags_by_key[asset.key]["layer"] == "bronze"

    warehouse = Warehouse(database=str(tmp_path / "warehouse.duckdb"))
    source = ScriptedSource(
        [
            [RecordBatch([reading("r1"), reading("r2")], cursor="1")],
            [RecordBatch([reading("r3")], cursor="2", deleted_keys=("r1",))],
        ]
    )
    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        runs = [
            dg.materialize(
                [asset],
                resources={
                    "readings_source": source,
                    "warehouse": warehouse,
                    "warehouse_io_manager": WarehouseIOManager(database=warehouse.database),
                },
                instance=instance,
            )
            for _ in range(2)
        ]
    assert all(run.success for run in runs)
    metadata = runs[1].get_asset_materialization_events()[0].materialization.metadata
    assert {name: metadata[name].value for name in ("rows_inserted", "rows_soft_deleted")} == {
        "rows_inserted": 1,
        "rows_soft_deleted": 1,
    }
    assert metadata["rows_suppressed"].value == metadata["rows_restored"].value == 0
    with warehouse.connect() as connection:
        rows = connection.execute(
            "select reading_id, _deleted_at is not null, length(_row_hash) "
            "from bronze.readings order by 1"
        ).fetchall()
    assert rows == [("r1", True, 64), ("r2", False, 64), ("r3", False, 64)]
