"""Escape by default: text from the warehouse only reaches a page through ``escape``.

``Html`` marks a fragment this package built from escaped parts; everything else
(service names, incident ids, severities) is text and is escaped wherever it is
inserted, in element content and attribute values alike. A service named
``<script>`` therefore shows as text instead of running.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Final

import polars as pl

#: The characters ``html.escape`` replaces.
_NEEDS_ESCAPING: Final = "[&<>\"']"


class Html(str):
    """Trusted markup: inserted as is."""

    __slots__ = ()


def escape(value: object) -> Html:
    """``value`` as safe markup: an ``Html`` fragment unchanged, anything else as text
    (``None`` as the empty string), with quotes escaped for attribute values."""
    if isinstance(value, Html):
        return value
    return Html(html.escape("" if value is None else str(value), quote=True))


def escape_column(values: Sequence[object] | pl.Series) -> pl.Series:
    """``escape`` of each value, as a string column. A column (tens of thousands of
    incidents) is escaped value by value only if a value needs it, which text from the
    marts rarely does; ``Html`` values are markup already."""
    if not isinstance(values, pl.Series):
        if Html in set(map(type, values)):
            return pl.Series([escape(value) for value in values], dtype=pl.String)
        values = pl.Series(
            [None if value is None else str(value) for value in values], dtype=pl.String
        )
    texts = values.cast(pl.String).fill_null("")
    if texts.str.contains(_NEEDS_ESCAPING).any():
        return pl.Series([escape(text) for text in texts.to_list()], dtype=pl.String)
    return texts


def join(parts: Iterable[object], separator: str = "") -> Html:
    """Concatenates fragments, escaping any that are not ``Html`` already."""
    return Html(separator.join(escape(part) for part in parts))


def element(name: str, content: object = "", **attributes: object) -> Html:
    """``<name attr="...">content</name>``; attribute names use ``_`` for ``-`` and a
    trailing ``_`` for reserved words (``class_``); ``None`` attributes are left out."""
    rendered = "".join(
        f' {key.rstrip("_").replace("_", "-")}="{escape(value)}"'
        for key, value in attributes.items()
        if value is not None
    )
    return Html(f"<{name}{rendered}>{escape(content)}</{name}>")
