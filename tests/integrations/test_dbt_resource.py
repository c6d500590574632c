"""The platform's dbt resource knows the dbt version without asking a subprocess: what it
reports must be what the dbt it runs says of itself. (That dbt runs without the in-process
adapter is what every test that materializes the dbt models shows.)"""

from __future__ import annotations

import re
import subprocess

from platform_assets.integrations.dbt.project import dbt_executable, dbt_project
from platform_assets.integrations.dbt.resource import PlatformDbtCliResource


def test_the_version_is_the_one_the_dbt_executable_reports() -> None:
    output = subprocess.run(
        [dbt_executable(), "--version"], capture_output=True, text=True, check=True
    ).stdout
    reported = re.search(r"installed:\s*(\d+\.\d+\.\d+)", output)
    assert reported is not None, output
    resource = PlatformDbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())
    assert str(resource._cli_version) == reported.group(1)
