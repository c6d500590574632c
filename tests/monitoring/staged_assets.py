"""Staged assets for the monitoring tests, declared the one way the platform declares
them (``staged_asset``), reading their rows from a file the test controls: duplicate ids
fail the Pandera key check, a missing file fails the run."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pandera.polars as pa
import polars as pl

from platform_assets.staged_assets import WAREHOUSE_IO_MANAGER_KEY, staged_asset
from platform_assets.stages import DeliveryStage, Sla
from platform_assets.warehouse import WarehouseIOManager

OWNERS = ("team:data-platform",)
SCHEMA_CHECK = "check:pandera_schema"


class Rows(pa.DataFrameModel):
    id: int = pa.Field(unique=True, description="Row id.", metadata={"pii": False})


@dataclass(frozen=True)
class RowSource:
    """The file an asset reads. ``healthy`` rows pass its checks, ``duplicated`` rows fail
    the key check, ``remove`` makes the next run fail."""

    path: Path

    def healthy(self) -> None:
        self.path.write_text(json.dumps([1, 2, 3]))

    def duplicated(self) -> None:
        self.path.write_text(json.dumps([1, 1, 2]))

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def rows_asset(
    name: str,
    stage: DeliveryStage,
    source: RowSource,
    *,
    sla: Sla | None = None,
    partitions: Sequence[str] = (),
) -> dg.AssetsDefinition:
    """Retries are off so that a failure fails the run at once (Beta and GA default to
    three retries with backoff)."""

    @staged_asset(
        stage=stage,
        domain="monitoring",
        layer="raw",
        name=name,
        schema=Rows,
        owners=list(OWNERS),
        version="1.0.0",
        sla=sla or Sla(freshness_hours=2),
        retry_policy=dg.RetryPolicy(max_retries=0),
        partitions_def=dg.StaticPartitionsDefinition(list(partitions)) if partitions else None,
    )
    def read_rows() -> pl.DataFrame:
        return pl.DataFrame({"id": json.loads(source.path.read_text())})

    return read_rows


def warehouse_resources(directory: Path) -> dict[str, object]:
    return {WAREHOUSE_IO_MANAGER_KEY: WarehouseIOManager(database=str(directory / "wh.duckdb"))}


def materialize(
    instance: dg.DagsterInstance,
    assets: Sequence[dg.AssetsDefinition],
    resources: dict[str, object],
    partition: str | None = None,
) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        assets,
        instance=instance,
        resources=resources,
        partition_key=partition,
        raise_on_error=False,
    )
