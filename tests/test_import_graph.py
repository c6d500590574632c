"""The import graph of ``platform_assets``, read from the source (ast; nothing is imported).

Two rules keep a domain a folder that can be added or removed on its own:

- no module outside ``platform_assets/domains/`` imports a domain
  (``platform_assets.domains.<name>...``); the code location finds the domains by
  iterating the ``platform_assets.domains`` package, which is not a domain;
- no import cycle between the top-level packages (``platform_assets.<package>``). The
  ``integrations`` and ``domains`` folders are namespaces of independent packages (one
  folder per integration, one per domain), so there each ``<folder>.<name>`` is a package.

Every import counts, wherever it is written (inside a function, under ``TYPE_CHECKING``):
a lazy import still makes the cycle, it only hides it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pytest

PROJECT_ROOT: Final = Path(__file__).resolve().parent.parent
PACKAGE: Final = "platform_assets"
DOMAINS: Final = f"{PACKAGE}.domains"
#: Folders whose subpackages are independent of one another.
NAMESPACES: Final = frozenset({f"{PACKAGE}.integrations", DOMAINS})


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int

    def __str__(self) -> str:
        return f"{self.importer} (line {self.line}) imports {self.imported}"


def module_names(root: Path, package: str) -> dict[str, Path]:
    """Every module of ``package`` (found under ``root``) by dotted name."""
    modules = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> Iterator[Import]:
    """The modules of the package that ``module`` imports. ``from a import b`` imports
    ``a.b`` when that is a module, else ``a``."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            if target == PACKAGE or target.startswith(f"{PACKAGE}."):
                yield Import(module, target, node.lineno)


def package_of(module: str) -> str:
    """The top-level package a module belongs to (see NAMESPACES)."""
    parts = module.split(".")
    depth = 3 if ".".join(parts[:2]) in NAMESPACES else 2
    return ".".join(parts[:depth])


def import_graph(root: Path, package: str) -> list[Import]:
    """Every import of a module of the package by a module of the package, once."""
    modules = module_names(root, package)
    found = {i for name, path in modules.items() for i in imports_of(name, path, modules)}
    return sorted(found, key=lambda i: (i.importer, i.line, i.imported))


def domain_imports_from_outside(imports: list[Import]) -> list[Import]:
    return [
        found
        for found in imports
        if found.imported.startswith(f"{DOMAINS}.") and not found.importer.startswith(f"{DOMAINS}.")
    ]


def package_cycles(imports: list[Import]) -> list[list[Import]]:
    """One list per cycle of top-level packages: the module imports that close it."""
    edges: dict[str, dict[str, list[Import]]] = {}
    for found in imports:
        source, target = package_of(found.importer), package_of(found.imported)
        if source != target and target != PACKAGE and source != PACKAGE:
            edges.setdefault(source, {}).setdefault(target, []).append(found)
    cycles = []
    for component in _strongly_connected(edges):
        if len(component) > 1:
            cycles.append(
                [
                    found
                    for source in sorted(component)
                    for target, via in sorted(edges.get(source, {}).items())
                    if target in component
                    for found in via
                ]
            )
    return cycles


def _strongly_connected(edges: dict[str, dict[str, list[Import]]]) -> list[set[str]]:
    """Tarjan's algorithm: the sets of packages that all reach one another."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in edges.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            components.append(component)

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return components


def _report(problem: str, imports: list[Import]) -> str:
    return problem + ":\n" + "\n".join(f"  {found}" for found in imports)


def _cycle_report(cycle: list[Import]) -> str:
    """The package edges of one cycle, each with the modules that make it."""
    by_edge: dict[tuple[str, str], list[Import]] = {}
    for found in cycle:
        by_edge.setdefault((package_of(found.importer), package_of(found.imported)), []).append(
            found
        )
    packages = sorted({source for source, _ in by_edge})
    lines = [f"import cycle between {', '.join(packages)}:"]
    for (source, target), via in sorted(by_edge.items()):
        lines.append(f"  {source} -> {target}:")
        lines.extend(f"    {found}" for found in via)
    return "\n".join(lines)


def test_no_module_outside_the_domains_imports_a_domain() -> None:
    offenders = domain_imports_from_outside(import_graph(PROJECT_ROOT, PACKAGE))
    assert not offenders, _report(
        "a domain is imported from outside platform_assets/domains/ (the code location "
        "discovers the domains; give the importer what it needs through the domain's defs)",
        offenders,
    )


def test_no_import_cycle_between_top_level_packages() -> None:
    cycles = package_cycles(import_graph(PROJECT_ROOT, PACKAGE))
    assert not cycles, "\n".join(_cycle_report(cycle) for cycle in cycles)


def _write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture
def offending_package(tmp_path: Path) -> Path:
    """A package that breaks both rules, written the ways the rules must still see."""
    _write(
        tmp_path,
        {
            f"{PACKAGE}/__init__.py": "",
            f"{PACKAGE}/definitions.py": "import platform_assets.domains\n",
            f"{PACKAGE}/domains/__init__.py": "",
            f"{PACKAGE}/domains/sales/__init__.py": "",
            f"{PACKAGE}/domains/sales/raw.py": "from ...monitoring import alerts\n",
            f"{PACKAGE}/monitoring/__init__.py": "",
            f"{PACKAGE}/monitoring/alerts.py": (
                "def lazy():\n    from platform_assets.domains import sales\n"
            ),
            f"{PACKAGE}/audit/__init__.py": "from platform_assets.monitoring.alerts import lazy\n",
            f"{PACKAGE}/monitoring/scorecard.py": "from ..audit import lazy\n",
            f"{PACKAGE}/integrations/__init__.py": "",
            f"{PACKAGE}/integrations/a/__init__.py": "import platform_assets.audit\n",
            f"{PACKAGE}/integrations/b/__init__.py": "from platform_assets.integrations import a\n",
        },
    )
    return tmp_path


def test_the_rules_find_offenders_however_the_import_is_written(offending_package: Path) -> None:
    imports = import_graph(offending_package, PACKAGE)

    assert [str(i) for i in domain_imports_from_outside(imports)] == [
        "platform_assets.monitoring.alerts (line 2) imports platform_assets.domains.sales"
    ]
    cycles = sorted(sorted(str(i) for i in cycle) for cycle in package_cycles(imports))
    assert cycles == [
        [
            "platform_assets.audit (line 1) imports platform_assets.monitoring.alerts",
            "platform_assets.domains.sales.raw (line 1) imports platform_assets.monitoring.alerts",
            "platform_assets.monitoring.alerts (line 2) imports platform_assets.domains.sales",
            "platform_assets.monitoring.scorecard (line 1) imports platform_assets.audit",
        ]
    ]
