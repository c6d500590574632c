"""What reaches the dbt the asset step starts, without the step changing its own process's
environment: the warehouse resource's file, through a dbt var only when the environment
does not name it already, and each domain's settings, which dbt_project.yml reads from the
environment itself (no Python maps them)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from platform_assets.integrations.dbt.assets import warehouse_arguments
from platform_assets.integrations.dbt.project import DBT_PROJECT_DIR, dbt_executable
from platform_assets.settings import WAREHOUSE_ENV
from platform_assets.warehouse import Warehouse


def _dbt(arguments: list[str], tmp_path: Path, env: dict[str, str]) -> str:
    result = subprocess.run(
        [
            dbt_executable(),
            "--quiet",
            *arguments,
            "--profiles-dir",
            ".",
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
        ],
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def test_no_var_when_the_environment_names_the_warehouse_already(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A var the prepared manifest was not parsed with would cost dbt a full re-parse."""
    warehouse = Warehouse(database=str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv(WAREHOUSE_ENV, str(warehouse.path))
    assert warehouse_arguments(warehouse) == []


def test_dbt_opens_the_warehouse_resource_file_not_the_one_the_environment_names(
    tmp_path: Path,
) -> None:
    warehouse = Warehouse(database=str(tmp_path / "resource" / "warehouse.duckdb"))
    elsewhere = tmp_path / "environment" / "warehouse.duckdb"
    for directory in (warehouse.path.parent, elsewhere.parent):
        directory.mkdir()
    arguments = warehouse_arguments(warehouse)
    assert arguments[0] == "--vars"
    environment_before = dict(os.environ)

    _dbt(
        ["show", "--inline", "select 1 as one", *arguments],
        tmp_path,
        {WAREHOUSE_ENV: str(elsewhere)},
    )

    assert warehouse.path.exists()
    assert not elsewhere.exists()
    assert dict(os.environ) == environment_before


def test_domain_settings_come_from_the_environment_and_vars_override_them(
    tmp_path: Path,
) -> None:
    settings = (
        "'{{ dora_mode() }}' as mode, {{ dora_window_days() }} as days, {{ dora_as_of_date() }}"
    )
    compiled = _dbt(
        [
            "compile",
            "--inline",
            f"select {settings}",
            "--vars",
            json.dumps({"warehouse_path": str(tmp_path / "w.duckdb"), "dora_window_days": 7}),
        ],
        tmp_path,
        {
            "PLATFORM_DORA_MODE": "devlake",
            "PLATFORM_DORA_WINDOW_DAYS": "14",
            "PLATFORM_DORA_AS_OF": "2026-11-29",
        },
    )
    assert "'devlake' as mode, 7 as days, cast('2026-11-29' as date)" in compiled
