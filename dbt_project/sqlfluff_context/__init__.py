"""The parts of dbt's Jinja context that sqlfluff's jinja templater lacks (.sqlfluff's
``library_path``): no dbt templater is published for sqlfluff 4.5, and this one renders
without a database or a manifest.

``exceptions.raise_compiler_error`` renders nothing: sqlfluff's ``var()`` returns a
placeholder, which the DORA settings macros reject as dbt would reject a bad value, and
the linter must still see the SQL those macros guard.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from jinja2 import pass_context


def _render_nothing(*_args: object, **_kwargs: object) -> str:
    return ""


exceptions = SimpleNamespace(raise_compiler_error=_render_nothing, warn=_render_nothing)


@pass_context
def _dispatch(context: Any, macro_name: str, macro_namespace: str | None = None) -> Any:
    """The DuckDB implementation of a dispatched macro (the dialect sqlfluff lints), else
    its default: what dbt's ``adapter.dispatch`` picks on the local target."""
    for candidate in (f"duckdb__{macro_name}", f"default__{macro_name}"):
        if candidate in context:
            return context[candidate]
    raise KeyError(f"no duckdb__{macro_name} or default__{macro_name} macro to lint")


adapter = SimpleNamespace(dispatch=_dispatch)
