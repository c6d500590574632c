"""The dbt project handle. The manifest is built once, never at import time: by
``make prepare`` (``dagster-dbt project prepare-and-package``) or, under ``dagster dev``,
by ``prepare_if_dev``."""

from __future__ import annotations

from dagster_dbt import DbtProject

from platform_assets.settings import PROJECT_ROOT

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()
