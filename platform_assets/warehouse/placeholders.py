"""``?`` placeholders, as the platform writes them, numbered for PostgreSQL (``$1``...).

A ``?`` inside a string literal, a quoted identifier, a dollar-quoted body or a comment
is text, not a parameter, and is left alone. (The libpq drivers only take ``$n``; DuckDB
takes both, so platform SQL keeps the one style and this is the only translation.)
"""

from __future__ import annotations

import re

_TOKEN = re.compile(
    r"""
    '(?:[^']|'')*'              # string literal
  | "(?:[^"]|"")*"              # quoted identifier
  | \$(?P<tag>[A-Za-z_]*)\$.*?\$(?P=tag)\$   # dollar-quoted body
  | --[^\n]*                    # line comment
  | /\*.*?\*/                   # block comment
  | \?                          # a placeholder
    """,
    re.VERBOSE | re.DOTALL,
)


def number_placeholders(sql: str) -> tuple[str, int]:
    """The statement with each ``?`` replaced by ``$1``, ``$2``..., and how many."""
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(0) != "?":
            return match.group(0)
        count += 1
        return f"${count}"

    return _TOKEN.sub(replace, sql), count
