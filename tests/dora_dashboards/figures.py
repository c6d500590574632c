"""What a dashboard shows, read back from its HTML: every heading, note, tile, table
cell, level badge, legend entry, and every chart's axes, marks and tooltips.

The markup around them (wrappers, attribute order, whitespace, the stylesheet) is left
out, so two pages that show the same figures compare equal however they are written.
This is how the dashboards are compared with the reference figures captured from the
pages as they were before the templates (``reference_figures.json``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Final

#: Elements that never have content, so never a closing tag.
_VOID: Final = frozenset({"meta", "br", "hr", "img", "input", "link"})
#: The attributes of a chart's marks that place or colour them.
_MARK_ATTRIBUTES: Final = {
    "circle": ("cx", "cy", "r", "fill"),
    "rect": ("class", "x", "y", "width", "height", "fill"),
    "polyline": ("points", "stroke", "stroke-dasharray"),
    "line": ("x1", "y1", "x2", "y2"),
    "text": ("x", "y", "text-anchor", "class"),
}


@dataclass
class Node:
    tag: str
    attributes: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        return self.attributes.get("class", "").split()

    @property
    def text(self) -> str:
        """The text inside, tags removed, spaces collapsed."""
        parts: list[str] = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else f" {child.text} ")
        return " ".join("".join(parts).split())

    def elements(self) -> list[Node]:
        return [child for child in self.children if isinstance(child, Node)]

    def find(self, tag: str) -> Node | None:
        for child in self.elements():
            if child.tag == tag:
                return child
            found = child.find(tag)
            if found is not None:
                return found
        return None


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self._open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs})
        self._open[-1].children.append(node)
        if tag not in _VOID:
            self._open.append(node)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        while len(self._open) > 1:
            if self._open.pop().tag == tag:
                return

    def handle_data(self, data: str) -> None:
        self._open[-1].children.append(data)


def parse(page: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(page)
    builder.close()
    return builder.root


def figures(page: str) -> dict[str, Any]:
    """The figures a page shows, as plain JSON-able data."""
    root = parse(page)
    header = root.find("header")
    main = root.find("main")
    title = root.find("title")
    assert header is not None and main is not None and title is not None, "not a dashboard"
    return {
        "title": title.text,
        "header": [node.text for node in header.elements() if node.tag != "nav"],
        "navigation": [
            [link.text, link.attributes.get("href"), "current" in link.classes]
            for nav in [header.find("nav")]
            if nav is not None
            for link in nav.elements()
        ],
        "sections": [_section(section) for section in main.elements()],
    }


def _section(section: Node) -> dict[str, Any]:
    heading = section.find("h2")
    notes = [node.text for node in section.elements() if "note" in node.classes]
    items: list[Any] = []
    for child in section.elements():
        if child.tag == "h2" or "note" in child.classes:
            continue
        _content(child, items)
    return {"heading": heading.text if heading else None, "notes": notes, "content": items}


def _content(node: Node, items: list[Any]) -> None:
    """Appends what ``node`` shows to ``items``, looking through plain wrappers."""
    if node.tag == "h3":
        items.append({"subheading": node.text})
    elif "empty" in node.classes:
        items.append({"empty": node.text})
    elif "tiles" in node.classes:
        items.append({"tiles": [_tile(tile) for tile in node.elements()]})
    elif "legend" in node.classes:
        items.append({"legend": [_legend_entry(entry) for entry in node.elements()]})
    elif node.tag == "table":
        items.append({"table": _table(node)})
    elif "card" in node.classes:
        cards: list[Any] = []
        for child in node.elements():
            _content(child, cards)
        items.append({"card": cards})
    elif node.tag == "svg":
        items.append({"chart": _chart(node)})
    else:
        for child in node.elements():
            _content(child, items)


def _tile(tile: Node) -> list[str]:
    parts = {tuple(part.classes): part.text for part in tile.elements()}
    return [parts[("label",)], parts[("value",)]]


def _legend_entry(entry: Node) -> list[str]:
    swatch = entry.find("span")
    assert swatch is not None
    return [entry.text, swatch.attributes.get("style", "")]


def _table(table: Node) -> dict[str, Any]:
    rows = [row for section in table.elements() for row in section.elements()]
    header, *body = rows
    return {
        "columns": [[cell.text, "num" in cell.classes] for cell in header.elements()],
        "rows": [[_cell(cell) for cell in row.elements()] for row in body],
    }


def _cell(cell: Node) -> Any:
    badge = next((node for node in cell.elements() if "badge" in node.classes), None)
    if badge is None:
        return cell.text
    return {"badge": badge.text, "class": badge.classes, "title": badge.attributes.get("title")}


def _chart(svg: Node) -> dict[str, Any]:
    title = next(node for node in svg.elements() if node.tag == "title")
    marks: list[Any] = []
    for node in svg.elements():
        if node.tag in _MARK_ATTRIBUTES:
            tooltip = node.find("title")
            marks.append(
                {
                    "mark": node.tag,
                    **{name: node.attributes.get(name) for name in _MARK_ATTRIBUTES[node.tag]},
                    "text": tooltip.text if tooltip else node.text,
                }
            )
    return {
        "title": title.text,
        "label": svg.attributes.get("aria-label"),
        "view_box": svg.attributes.get("viewbox"),
        # In drawing order only where it matters: the page shows the same marks in any.
        "marks": sorted(marks, key=repr),
    }
