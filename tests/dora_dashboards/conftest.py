"""The DORA marts built for real once per session: the demo source's raw tables landed
by the raw assets in a tmp DuckDB file, then ``dbt build`` on them.

The demo window ends on ``as_of``, a Sunday at least a week before today, and dbt is
pinned to it, so the latest complete week (``as_of - 6`` to ``as_of``) and month are
known to the tests whatever day they run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import pytest

from platform_assets.domains.dora.raw_assets import raw_assets
from platform_assets.domains.dora.sources import dora_source_from_env
from platform_assets.settings import WAREHOUSE_ENV
from platform_assets.warehouse import Warehouse, WarehouseIOManager

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
DORA_SELECTION = (
    "path:models/staging/dora",
    "path:models/intermediate/dora",
    "path:models/marts/dora",
    "path:seeds/dora",
)
DEMO_DAYS = 30


@dataclass(frozen=True)
class DemoMarts:
    """A DuckDB file holding the raw, staging, intermediate and marts DORA tables."""

    path: Path
    as_of: date

    @property
    def last_week(self) -> tuple[date, date]:
        """The latest complete ISO week, both ends included."""
        return self.as_of - timedelta(days=6), self.as_of

    @property
    def last_month(self) -> tuple[date, date]:
        """The latest complete calendar month, both ends included."""
        month_end = (self.as_of + timedelta(days=1)).replace(day=1) - timedelta(days=1)
        return month_end.replace(day=1), month_end


def _last_sunday_a_week_ago(today: date) -> date:
    return today - timedelta(days=today.weekday() + 1 + 7)


def _dbt() -> str:
    sibling = Path(sys.executable).with_name("dbt")
    return str(sibling) if sibling.exists() else (shutil.which("dbt") or "dbt")


def _run_dbt(arguments: list[str], warehouse: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        WAREHOUSE_ENV: str(warehouse),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    return subprocess.run(
        [_dbt(), *arguments, "--profiles-dir", ".", "--threads", "1"],
        cwd=DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _land_demo_raw_tables(path: Path, as_of: date) -> None:
    database = str(path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PLATFORM_DORA_SOURCE", "demo")
        patch.delenv("PLATFORM_DORA_INCIDENT_SOURCE", raising=False)
        patch.setenv("PLATFORM_DORA_DEMO_END", as_of.isoformat())
        patch.setenv("PLATFORM_DORA_DEMO_DAYS", str(DEMO_DAYS))
        patch.setenv(WAREHOUSE_ENV, database)
        result = dg.materialize(
            raw_assets,
            resources={
                "warehouse": Warehouse(database=database),
                "warehouse_io_manager": WarehouseIOManager(database=database),
                "dora_source": dora_source_from_env(),
            },
        )
    assert result.success, "the raw DORA assets failed to land the demo source"


def build_demo_marts(workdir: Path, as_of: date) -> DemoMarts:
    """The demo source landed and the DORA models built in ``workdir``, the demo window
    and dbt pinned to ``as_of``."""
    marts = DemoMarts(workdir / "warehouse.duckdb", as_of)
    _land_demo_raw_tables(marts.path, marts.as_of)
    if not (DBT_PROJECT_DIR / "target" / "manifest.json").exists():
        parsed = _run_dbt(["parse"], marts.path)
        assert parsed.returncode == 0, parsed.stdout[-3000:]
    built = _run_dbt(
        [
            "build",
            "--select",
            *DORA_SELECTION,
            "--vars",
            json.dumps({"dora_as_of": marts.as_of.isoformat()}),
            # this session's own artifacts: another build's target folder stays untouched
            "--target-path",
            str(workdir / "target"),
            "--log-path",
            str(workdir / "logs"),
        ],
        marts.path,
    )
    assert built.returncode == 0, "dbt build failed:\n" + built.stdout[-4000:]
    return marts


@pytest.fixture(scope="session")
def demo_marts(tmp_path_factory: pytest.TempPathFactory) -> DemoMarts:
    return build_demo_marts(
        tmp_path_factory.mktemp("dora_dashboards"), _last_sunday_a_week_ago(date.today())
    )


#: A fixed Sunday for the marts whose dashboards are compared with reference figures:
#: the demo source is seeded, so a fixed window gives the same figures on any day.
PINNED_AS_OF = date(2026, 11, 29)


@pytest.fixture(scope="session")
def pinned_demo_marts(tmp_path_factory: pytest.TempPathFactory) -> DemoMarts:
    return build_demo_marts(tmp_path_factory.mktemp("dora_dashboards_pinned"), PINNED_AS_OF)
