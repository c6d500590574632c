"""The dbt CLI resource, without the two start-up costs this platform has no use for.

Before every invocation dagster-dbt's ``DbtCliResource`` runs ``dbt --version`` in a
subprocess (to tell dbt Core from the Fusion engine) and builds an in-process dbt adapter
(loading every macro of the project) that serves only ``fetch_column_metadata`` and
``fetch_row_counts``. Together they cost about 4 s of every run, whatever its data
(``benchmarks/bench_dora.py`` reports the run on an empty warehouse). This platform runs
dbt Core installed beside Dagster, so the version is known from the package, and each
model reports its own columns through dbt's log (the ``log_relation_columns`` post-hook):
neither start-up cost buys anything here.
"""

from __future__ import annotations

from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

from dagster_dbt import DbtCliResource, DbtProject
from packaging import version


class PlatformDbtCliResource(DbtCliResource):
    """``DbtCliResource`` for dbt Core installed in this environment. It overrides two
    private members of dagster-dbt 0.29 (there is no public switch for either)."""

    def __init__(self, project_dir: str | Path | DbtProject, **kwargs: Any) -> None:
        # Restates DbtCliResource's own signature: type checkers read a subclass's
        # constructor from its pydantic fields, where project_dir is only a str.
        super().__init__(project_dir=project_dir, **kwargs)

    @cached_property
    def _cli_version(self) -> version.Version:
        """The dbt Core package's version: the dbt on PATH is this package's entry point
        (``dbt_executable``), so asking it in a subprocess would tell the same."""
        return version.parse(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Any) -> Any:
        """No in-process adapter: the platform fetches neither column metadata nor row
        counts through dagster-dbt, and dagster-dbt accepts an invocation without one."""
        return None
