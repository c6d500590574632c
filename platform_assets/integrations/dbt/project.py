"""The dbt project handle. The manifest is built once, never at import time: by
``make prepare`` (``dagster-dbt project prepare-and-package``) or, under ``dagster dev``,
by ``prepare_if_dev``."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Final

from dagster_dbt import DbtProject

from platform_assets.settings import PROJECT_ROOT

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"


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
