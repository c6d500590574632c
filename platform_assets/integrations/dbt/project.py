"""The dbt project handle. The manifest is built once, never at import time: by
``make prepare`` (``dagster-dbt project prepare-and-package``) or, under ``dagster dev``,
by ``prepare_if_dev``."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from platform_assets.settings import PROJECT_ROOT

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"


def dbt_executable() -> str:
    """The dbt installed beside this interpreter, so `dagster dev` started from an
    unactivated virtualenv still finds it; else whatever `dbt` is on PATH."""
    sibling = Path(sys.executable).parent / "dbt"
    return str(sibling) if sibling.exists() else shutil.which("dbt") or "dbt"


dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()
