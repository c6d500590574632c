"""Loads a code location the way the ``dagster`` CLI does: ``-m module`` or ``-f file``."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import dagster as dg

DEFAULT_MODULE = "platform_assets.definitions"


class CodeLocationLoadError(RuntimeError):
    """The code location could not be loaded; the message says what to fix."""


def _from_module(module: ModuleType, origin: str) -> dg.Definitions:
    found = {
        name: value for name, value in vars(module).items() if isinstance(value, dg.Definitions)
    }
    if "defs" in found:
        return found["defs"]
    if len(found) == 1:
        return next(iter(found.values()))
    if not found:
        raise CodeLocationLoadError(f"{origin} defines no dagster.Definitions object")
    raise CodeLocationLoadError(
        f"{origin} defines several Definitions ({', '.join(sorted(found))}): name one `defs`"
    )


def location_name(module_name: str | None = None, file: str | None = None) -> str:
    """The name a code location goes by when none is given: its top-level package for
    ``-m`` (what ``dg`` names a project's location, and what workspace.yaml names this
    one), the file's stem for ``-f``. Waivers are scoped by this name."""
    if file:
        return Path(file).stem
    return (module_name or DEFAULT_MODULE).split(".")[0]


def load_definitions(module_name: str | None = None, file: str | None = None) -> dg.Definitions:
    if module_name and file:
        raise CodeLocationLoadError("give either a module (-m) or a file (-f), not both")
    try:
        if file:
            path = Path(file).resolve()
            if not path.is_file():
                raise CodeLocationLoadError(f"file {file} does not exist")
            spec = importlib.util.spec_from_file_location(f"_audited_{path.stem}", path)
            if spec is None or spec.loader is None:
                raise CodeLocationLoadError(f"cannot import {file} as Python")
            module = importlib.util.module_from_spec(spec)
            sys.path.insert(0, str(path.parent))
            try:
                spec.loader.exec_module(module)
            finally:
                sys.path.remove(str(path.parent))
            return _from_module(module, str(file))
        name = module_name or DEFAULT_MODULE
        return _from_module(importlib.import_module(name), name)
    except CodeLocationLoadError:
        raise
    except Exception as error:
        target = file or module_name or DEFAULT_MODULE
        raise CodeLocationLoadError(
            f"loading {target} failed: {type(error).__name__}: {error}"
        ) from error
