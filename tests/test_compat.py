"""The private Dagster and dagster-dbt APIs of ``platform_assets.compat`` were read against
exact versions; an upgrade must re-check each of them before this passes again."""

from __future__ import annotations

import ast
from importlib.metadata import version
from pathlib import Path

import pytest

from platform_assets import compat

PACKAGE = Path(compat.__file__).parent


@pytest.mark.parametrize("distribution", sorted(compat.CHECKED_AGAINST))
def test_installed_versions_are_the_ones_the_private_uses_were_checked_against(distribution):
    checked = compat.CHECKED_AGAINST[distribution]
    installed = version(distribution)
    assert installed == checked, (
        f"{distribution} is {installed}, but platform_assets/compat.py was checked against "
        f"{checked}: re-check each private use listed there ({', '.join(compat.__all__)}), "
        "then update CHECKED_AGAINST"
    )


def _private_dagster_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        names = (
            [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else []
        )
        found.extend(
            name
            for name in names
            if name.split(".")[0] in ("dagster", "dagster_dbt")
            and any(part.startswith("_") for part in name.split(".")[1:])
        )
    return found


def test_no_module_but_compat_imports_a_private_dagster_module():
    offenders = {
        str(path.relative_to(PACKAGE.parent)): imports
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != Path(compat.__file__) and (imports := _private_dagster_imports(path))
    }
    assert offenders == {}, "import private Dagster names through platform_assets/compat.py"


def test_the_compat_module_does_import_the_private_modules_it_lists():
    """The scan above would pass vacuously if it could not see a private import."""
    assert _private_dagster_imports(Path(compat.__file__)) == [
        "dagster._core.definitions.freshness",
        "dagster._core.instance.utils",
    ]
