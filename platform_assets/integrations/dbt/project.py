"""The dbt project handle. The manifest is built once, never at import time: by
``make prepare`` (``dagster-dbt project prepare-and-package``), by the container image's
build (``Dockerfile``) or, under ``dagster dev``, by ``prepare_if_dev``.

The project is found beside the package in a checkout. An installed platform-assets (a
wheel, the container image) does not carry it: ``PLATFORM_DBT_PROJECT_DIR`` names where it
is instead (docs/deployment.md)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Final

from dagster_dbt import DbtProject

from platform_assets.settings import resolve_path

DBT_PROJECT_ENV: Final = "PLATFORM_DBT_PROJECT_DIR"
DEFAULT_DBT_PROJECT: Final = "dbt_project"


def dbt_project_dir() -> Path:
    """The dbt project: ``PLATFORM_DBT_PROJECT_DIR`` when set, else the checkout's."""
    project_dir = resolve_path(os.environ.get(DBT_PROJECT_ENV) or DEFAULT_DBT_PROJECT)
    if not (project_dir / "dbt_project.yml").is_file():
        raise FileNotFoundError(
            f"no dbt project at {project_dir} (no dbt_project.yml there). An installed "
            f"platform-assets does not carry its dbt project: set {DBT_PROJECT_ENV} to the "
            "directory holding dbt_project.yml (the container image sets it; "
            "docs/deployment.md)."
        )
    return project_dir


DBT_PROJECT_DIR: Final = dbt_project_dir()


#: dbt's command line bound to the process that starts it (``executable.py``): a dbt
#: started by a run worker that is killed ends with it.
DBT_EXECUTABLE_NAME: Final = "platform-dbt"


def dbt_executable() -> str:
    """``platform-dbt`` installed beside this interpreter, so `dagster dev` started from an
    unactivated virtualenv still finds it; else whichever is on PATH."""
    sibling = Path(sys.executable).parent / DBT_EXECUTABLE_NAME
    return (
        str(sibling)
        if sibling.exists()
        else shutil.which(DBT_EXECUTABLE_NAME) or DBT_EXECUTABLE_NAME
    )


dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()
