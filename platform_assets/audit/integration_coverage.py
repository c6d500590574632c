"""Which assets an integration test covers, read statically from the test sources.

A test declares what it exercises with ``@pytest.mark.integration(covers=[...])`` (asset
keys such as ``raw/deployments`` or ``group:<name>``); ``tests/conftest.py`` verifies at
run time that such a test really materialized what it claims. Reading the marks with
``ast`` keeps the audit free of pytest and fast.
"""

from __future__ import annotations

import ast
from pathlib import Path

MARK_NAME = "integration"


def _covers(call: ast.Call) -> list[str]:
    for keyword in call.keywords:
        if keyword.arg == "covers" and isinstance(keyword.value, ast.List | ast.Tuple):
            return [
                element.value
                for element in keyword.value.elts
                if isinstance(element, ast.Constant) and isinstance(element.value, str)
            ]
    return []


def _is_integration_mark(call: ast.Call) -> bool:
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == MARK_NAME
        and isinstance(func.value, ast.Attribute)
        and func.value.attr == "mark"
    )


def covered_selections(tests_dir: Path | None) -> frozenset[str]:
    if tests_dir is None or not tests_dir.is_dir():
        return frozenset()
    covered: set[str] = set()
    for path in sorted(tests_dir.rglob("test_*.py")):
        try:
            tree = ast.parse(path.read_text(), filename=str(path))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _is_integration_mark(node):
                covered.update(_covers(node))
    return frozenset(covered)
