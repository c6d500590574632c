"""Escape by default: text from the warehouse only reaches a page through ``escape``.

``Html`` marks a fragment this package built from escaped parts; everything else
(service names, incident ids, severities) is text and is escaped wherever it is
inserted, in element content and attribute values alike. A service named
``<script>`` therefore shows as text instead of running.
"""

from __future__ import annotations

import html
from collections.abc import Iterable


class Html(str):
    """Trusted markup: inserted as is."""

    __slots__ = ()


def escape(value: object) -> Html:
    """``value`` as safe markup: an ``Html`` fragment unchanged, anything else as text
    (``None`` as the empty string), with quotes escaped for attribute values."""
    if isinstance(value, Html):
        return value
    return Html(html.escape("" if value is None else str(value), quote=True))


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
