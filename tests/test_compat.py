"""The private Dagster and dagster-dbt APIs of ``platform_assets.compat`` were read against
exact versions; an upgrade must re-check each of them before this passes again."""

from __future__ import annotations

import ast
from importlib.metadata import version
from pathlib import Path

import pytest

from platform_assets import compat

PACKAGE = Path(compat.__file__).parent
#: Undocumented members of Dagster and dagster-dbt objects that only compat.py may touch.
UNDOCUMENTED_MEMBERS = frozenset(
    {
        "event_log_storage",
        "run_storage",
        "report_run_failed",
        "report_run_canceled",
        "get_concurrency_run_ids",
        "free_concurrency_slots_for_run",
        "_cli_version",
        "_initialize_dbt_core_adapter",
    }
)


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


def _undocumented_uses(path: Path) -> list[str]:
    """Attribute uses and method overrides of ``UNDOCUMENTED_MEMBERS``, except calls of
    compat's own functions (``compat.report_run_failed(...)``)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in UNDOCUMENTED_MEMBERS:
            if not (isinstance(node.value, ast.Name) and node.value.id == "compat"):
                found.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.FunctionDef) and node.name in UNDOCUMENTED_MEMBERS:
            found.append(f"line {node.lineno}: def {node.name}")
    return found


def test_no_module_but_compat_uses_an_undocumented_dagster_member():
    offenders = {
        str(path.relative_to(PACKAGE.parent)): uses
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != Path(compat.__file__) and (uses := _undocumented_uses(path))
    }
    assert offenders == {}, "reach undocumented Dagster members through platform_assets/compat.py"


def test_the_compat_module_does_use_the_undocumented_members_it_lists():
    """The scan above would pass vacuously if it could not see a use."""
    uses = " ".join(_undocumented_uses(Path(compat.__file__)))
    assert all(member in uses for member in UNDOCUMENTED_MEMBERS - {"run_storage"})


def test_the_compat_module_does_import_the_private_modules_it_lists():
    """The scan above would pass vacuously if it could not see a private import."""
    assert _private_dagster_imports(Path(compat.__file__)) == [
        "dagster._core.definitions.freshness",
        "dagster._core.instance.utils",
    ]
