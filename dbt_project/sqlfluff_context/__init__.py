"""The parts of dbt's Jinja context that sqlfluff's jinja templater lacks (.sqlfluff's
``library_path``): no dbt templater is published for sqlfluff 4.5, and this one renders
without a database or a manifest.

``exceptions.raise_compiler_error`` renders nothing: sqlfluff's ``var()`` returns a
placeholder, which the DORA settings macros reject as dbt would reject a bad value, and
the linter must still see the SQL those macros guard.
"""

from __future__ import annotations

from types import SimpleNamespace


def _render_nothing(*_args: object, **_kwargs: object) -> str:
    return ""


exceptions = SimpleNamespace(raise_compiler_error=_render_nothing, warn=_render_nothing)
