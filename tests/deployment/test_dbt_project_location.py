"""Where the code location finds the dbt project: the checkout's by default, the one
``PLATFORM_DBT_PROJECT_DIR`` names when the package is installed (the container image)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from platform_assets.integrations.dbt.project import (
    DBT_PROJECT_ENV,
    dbt_project_dir,
)
from platform_assets.settings import PROJECT_ROOT


def test_the_checkout_project_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DBT_PROJECT_ENV, raising=False)
    assert dbt_project_dir() == PROJECT_ROOT / "dbt_project"


def test_the_variable_names_another_project(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "dbt_project"
    elsewhere.mkdir()
    shutil.copy2(PROJECT_ROOT / "dbt_project" / "dbt_project.yml", elsewhere)
    monkeypatch.setenv(DBT_PROJECT_ENV, str(elsewhere))
    assert dbt_project_dir() == elsewhere


def test_a_missing_project_names_the_variable_to_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(DBT_PROJECT_ENV, str(tmp_path))
    with pytest.raises(FileNotFoundError, match=f"no dbt project at {tmp_path}.*{DBT_PROJECT_ENV}"):
        dbt_project_dir()
