"""The public API (``platform_assets.__all__``) is snapshot-tested name by name, with its
kind and signature, so any change to what users import shows in review and can be judged
against docs/policies/semver.md: a removed or renamed name, a parameter removed, renamed,
reordered or made required is a major change; a new name or a new optional parameter is
a minor one.

The snapshot is syrupy's JSON, in tests/__snapshots__/test_public_api/. After an intended
change: `.venv/bin/pytest tests/test_public_api.py --snapshot-update`, review the diff,
and record the change in CHANGELOG.md.
"""

from __future__ import annotations

import ast
import enum
import inspect
import re
import types
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

import platform_assets

PACKAGE_INIT = Path(platform_assets.__file__)
#: A class named through its module path (``dagster._core.definitions...AssetsDefinition``)
#: in an annotation that was not postponed: the API is the class, not where a dependency
#: keeps it, which a patch release of that dependency may move.
MODULE_PATH = re.compile(r"\b(?:[a-z_]\w*\.)+([A-Z]\w*)")


@pytest.fixture
def snapshot_json(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


def _signature(obj: Any) -> str:
    return MODULE_PATH.sub(r"\1", str(inspect.signature(obj)))


def _own_members(cls: type) -> dict[str, str]:
    """Public methods and properties the platform defines on the class or its bases;
    what a base outside the platform (Exception, Enum, pydantic) brings is not ours."""
    members: dict[str, str] = {}
    for base in reversed(cls.__mro__):
        if not base.__module__.startswith("platform_assets"):
            continue
        for name, value in vars(base).items():
            if name.startswith("_"):
                continue
            if isinstance(value, property):
                members[name] = "property"
            elif isinstance(value, staticmethod | classmethod):
                members[name] = f"{type(value).__name__} {_signature(value.__func__)}"
            elif inspect.isfunction(value):
                members[name] = f"method {_signature(value)}"
    return dict(sorted(members.items()))


def describe(obj: Any) -> dict[str, Any]:
    if isinstance(obj, types.UnionType):
        return {"kind": "type alias", "value": MODULE_PATH.sub(r"\1", repr(obj))}
    if inspect.isclass(obj):
        if issubclass(obj, enum.Enum):
            values = {member.name: member.value for member in obj}
            return {"kind": "enum", "values": values, "members": _own_members(obj)}
        if getattr(obj, "_is_protocol", False):
            return {"kind": "protocol", "members": _own_members(obj)}
        kind = "exception" if issubclass(obj, BaseException) else "class"
        return {"kind": kind, "signature": _signature(obj), "members": _own_members(obj)}
    if inspect.isfunction(obj):
        return {"kind": "function", "signature": _signature(obj)}
    raise AssertionError(f"describe() does not know the kind of public name {obj!r}")


def test_the_public_api_matches_the_snapshot(snapshot_json: SnapshotAssertion) -> None:
    api = {name: describe(getattr(platform_assets, name)) for name in platform_assets.__all__}
    assert api == snapshot_json


def _type_checking_imports() -> dict[str, tuple[str, ...]]:
    """The ``if TYPE_CHECKING:`` imports of the package's __init__, module by module."""
    tree = ast.parse(PACKAGE_INIT.read_text())
    (block,) = [
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    ]
    return {
        str(node.module): tuple(alias.name for alias in node.names)
        for node in block.body
        if isinstance(node, ast.ImportFrom)
    }


def test_the_three_lists_of_public_names_agree() -> None:
    """``__all__`` (what users see), the lazy table (what resolves at run time) and the
    TYPE_CHECKING imports (what type checkers see) must name the same things, or a name
    would be public in one sense and missing in another."""
    lazy = platform_assets._PUBLIC_MODULES
    assert sorted(platform_assets.__all__) == sorted(platform_assets._MODULE_OF)
    assert len(platform_assets._MODULE_OF) == sum(len(names) for names in lazy.values())
    imports = _type_checking_imports()
    assert {module: sorted(names) for module, names in imports.items()} == {
        module: sorted(names) for module, names in lazy.items()
    }


def test_an_unknown_name_fails_like_any_missing_attribute() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'staged_assets_v2'"):
        _ = platform_assets.staged_assets_v2
