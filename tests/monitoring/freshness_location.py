"""The code location the freshness test's daemon loads, as ``dagster dev`` would load a
project: in a code server process, so the rows file is named by an environment variable."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from platform_assets.stages import DeliveryStage, Sla
from tests.monitoring.staged_assets import RowSource, rows_asset, warehouse_resources

ROWS_ENV = "MONITORING_TEST_ROWS"
FRESHNESS_HOURS = 2.0

source = RowSource(Path(os.environ[ROWS_ENV]))
fresh_rows = rows_asset(
    "fresh_rows", DeliveryStage.GA, source, sla=Sla(freshness_hours=FRESHNESS_HOURS)
)
defs = dg.Definitions(assets=[fresh_rows], resources=warehouse_resources(source.path.parent))
