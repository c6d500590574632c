"""Materializing a domain's dashboard asset in a test: by Dagster, on a warehouse file,
its pages written under a temp dashboards folder (``PLATFORM_DASHBOARDS_DIR``)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from platform_assets.dashboards.files import DASHBOARDS_DIR_ENV
from platform_assets.warehouse import Warehouse, WarehouseIOManager


def materialize_dashboard(
    asset: dg.AssetsDefinition,
    warehouse: Path,
    dashboards: Path,
    instance: dg.DagsterInstance | None = None,
) -> dg.ExecuteInJobResult:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DASHBOARDS_DIR_ENV, str(dashboards))
        return dg.materialize(
            [asset],
            resources={
                "warehouse": Warehouse(database=str(warehouse)),
                "warehouse_io_manager": WarehouseIOManager(database=str(warehouse)),
            },
            instance=instance,
        )
