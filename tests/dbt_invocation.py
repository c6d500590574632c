"""How the tests point dbt at a project: the project and profiles directories, and a
work directory of their own for dbt's target and logs, so that a test never touches the
project's artifacts or another test's."""

from __future__ import annotations

from pathlib import Path

from dbt.cli.main import dbtRunner, dbtRunnerResult


def dbt_path_arguments(project_dir: Path, workdir: Path) -> list[str]:
    """The project (whose profiles.yml sits beside it) and the work directory's target and
    log paths, as dbt command-line arguments."""
    return [
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(workdir / "target"),
        "--log-path",
        str(workdir / "logs"),
    ]


def invoke_dbt(project_dir: Path, workdir: Path, *arguments: str) -> dbtRunnerResult:
    """One quiet dbt command, in process, against ``project_dir``."""
    return dbtRunner().invoke([*arguments, *dbt_path_arguments(project_dir, workdir), "--quiet"])
