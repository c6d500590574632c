"""A code location of one dbt asset, run with the platform's dbt resource, dbt executable
and executor: a run of it starts dbt the way a platform run does. Its dbt project
(``sleeping_dbt_project``) has one model that says its pid and sleeps, standing for a
long `dbt build`."""

# No `from __future__ import annotations`: Dagster reads the `context` annotation of an
# asset function as a type, not a string.
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from platform_assets import definitions as platform_location
from platform_assets.integrations.dbt.project import dbt_executable
from platform_assets.integrations.dbt.resource import PlatformDbtCliResource
from tests.runtime.pool_signals import DBT_PROJECT_ENV

project_dir = Path(os.environ[DBT_PROJECT_ENV])


@dbt_assets(manifest=project_dir / "target" / "manifest.json")
def sleeping_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    yield from dbt.cli(["run"], context=context).stream()


defs = dg.Definitions(
    assets=[sleeping_dbt_models],
    resources={
        "dbt": PlatformDbtCliResource(
            project_dir=str(project_dir),
            profiles_dir=str(project_dir),
            dbt_executable=dbt_executable(),
        )
    },
    executor=platform_location.defs.executor,
)
