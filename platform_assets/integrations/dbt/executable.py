"""``platform-dbt``: dbt's own command line, bound to the process that started it, so a
dbt started by a run worker ends when the worker is killed instead of running on with no
Dagster record (``dbt_executable`` hands it to dagster-dbt)."""

from __future__ import annotations

import os
import sys
from typing import Any

from dbt.cli.main import cli

from platform_assets.integrations.dbt.target import adopt_libpq_variables
from platform_assets.runtime.parent_death import ParentGone, end_with_parent


def main() -> Any:
    try:
        end_with_parent()
    except ParentGone as gone:
        print(f"platform-dbt: {gone}; dbt was not started", file=sys.stderr)
        return 1
    adopt_libpq_variables(os.environ)  # type: ignore[arg-type]
    return cli(prog_name="dbt")
