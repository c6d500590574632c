"""The page every dashboard shares: one self-contained HTML document with inline CSS.

Nothing is fetched when the file is opened: no stylesheet, script or font from a CDN
(the system font stack stands in for web fonts), and the charts are inline SVG. The
navigation links the four dashboards by relative file names, so the folder can be
copied anywhere or served by any static server.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import polars as pl

from platform_assets.domains.dora.dashboards.markup import (
    Html,
    element,
    escape,
    escape_column,
    join,
)

#: The dashboards, in navigation order: file stem and title.
NAVIGATION: Final = (
    ("deployment_frequency", "Deployment frequency & success rate"),
    ("lead_time", "Lead time for changes"),
    ("change_failure_rate", "Change failure & rework rate"),
    ("recovery_time", "Recovery time & incidents"),
)

_CSS: Final = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --panel: #ffffff;
  --page: #f5f7fa; --accent: #2f6fde; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica,
  Arial, sans-serif; color: var(--ink); background: var(--page); }
header { background: #102a43; color: #fff; padding: 18px 28px 12px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: #bcccdc; }
nav { margin-top: 12px; display: flex; flex-wrap: wrap; gap: 6px; }
nav a { color: #d9e2ec; text-decoration: none; padding: 4px 10px; border-radius: 4px;
  background: #243b53; }
nav a.current { background: var(--accent); color: #fff; }
main { padding: 20px 28px 40px; max-width: 1400px; }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 6px;
  padding: 16px 20px; margin-bottom: 18px; }
section h2 { margin: 0 0 6px; font-size: 17px; }
p.note { margin: 0 0 12px; color: var(--muted); }
.tiles { display: flex; flex-wrap: wrap; gap: 12px; }
.tile { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; min-width: 170px; }
.tile .value { font-size: 22px; font-weight: 600; }
.tile .label { color: var(--muted); font-size: 12px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 14px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.card h3 { margin: 0 0 4px; font-size: 15px; }
svg.chart { width: 100%; height: auto; display: block; }
svg.chart text { font-size: 11px; fill: var(--ink); }
svg.chart text.axis { fill: var(--muted); font-size: 10px; }
svg.chart line.grid { stroke: var(--line); stroke-width: 1; }
svg.chart polyline.line { fill: none; stroke-width: 2; }
svg.chart rect.span { opacity: 0.85; }
svg.chart rect.open { opacity: 0.45; stroke: #c81e1e; stroke-width: 1.5;
  stroke-dasharray: 4 3; }
.legend { display: flex; flex-wrap: wrap; gap: 14px; margin: 4px 0 10px; color: var(--muted); }
.legend .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px;
  margin-right: 5px; vertical-align: -1px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); }
th { color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { max-height: 480px; overflow: auto; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px;
  font-weight: 600; color: #fff; }
.badge-elite { background: #0e7c4a; }
.badge-high { background: #2f6fde; }
.badge-medium { background: #d9822b; }
.badge-low { background: #c81e1e; }
.badge-none { background: #9aa5b1; }
.empty { color: var(--muted); font-style: italic; }
"""


@dataclass(frozen=True)
class Dashboard:
    """A rendered dashboard: ``key`` is its file stem and its row in the asset's table;
    ``period`` the span of the weeks it shows (ISO 8601 interval), None without data."""

    key: str
    title: str
    html: str
    period: str | None


#: A section's content: fragments of markup, in order. They stay apart until the page
#: is joined once, whole: a page runs to tens of megabytes, and joining each level of
#: its nesting would copy it again and again.
Fragments = Sequence[Html]


@dataclass(frozen=True)
class Section:
    heading: str
    body: Fragments
    note: str = ""


@dataclass(frozen=True)
class Column:
    """A table column: its header and values (text, or ``Html`` markup), right-aligned
    when numeric."""

    header: str
    values: Sequence[object] | pl.Series
    numeric: bool = False

    def opening(self, tag: str) -> str:
        return f'<{tag} class="num">' if self.numeric else f"<{tag}>"


def render_page(
    *, key: str, title: str, subtitle: str, period: str | None, sections: Sequence[Section]
) -> str:
    """The whole document. ``key`` marks the current page in the navigation."""
    navigation = join(
        element(
            "a", nav_title, href=f"{nav_key}.html", class_="current" if nav_key == key else None
        )
        for nav_key, nav_title in NAVIGATION
    )
    period_text = f"Weeks shown: {period.replace('/', ' to ')}" if period else "No data yet"
    parts = [
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{element('title', f'DORA: {title}')}<style>{_CSS}</style></head><body>"
        f"<header>{element('h1', title)}{element('p', f'{subtitle} · {period_text}')}"
        f"{element('nav', navigation)}</header><main>"
    ]
    for section in sections:
        parts += [
            "<section>",
            element("h2", section.heading),
            element("p", section.note, class_="note") if section.note else "",
            *section.body,
            "</section>",
        ]
    parts.append("</main></body></html>\n")
    return "".join(parts)


def table(columns: Sequence[Column]) -> Html:
    """A table of equally long columns, assembled a column at a time rather than an
    element per cell: an incident table holds a quarter of a million cells."""
    head = "".join(f"{column.opening('th')}{escape(column.header)}</th>" for column in columns)
    cells = [
        cell
        for column in columns
        for cell in (
            pl.lit(column.opening("td")),
            pl.lit(escape_column(column.values)),
            pl.lit("</td>"),
        )
    ]
    rows = pl.concat_str([pl.lit("<tr>"), *cells, pl.lit("</tr>")]).str.join("")
    # Wrapped by polars too: in Python, each wrapping would copy the whole table again.
    opening = f"<div><table><thead><tr>{head}</tr></thead><tbody>"
    return Html(
        pl.select(pl.concat_str([pl.lit(opening), rows, pl.lit("</tbody></table></div>")])).item()
    )


def scrolling(content: Html) -> Fragments:
    return [Html('<div class="scroll">'), content, Html("</div>")]


def tiles(items: Sequence[tuple[str, str]]) -> Html:
    """Headline figures: (label, value)."""
    return element(
        "div",
        join(
            element(
                "div",
                join(
                    [element("div", value, class_="value"), element("div", label, class_="label")]
                ),
                class_="tile",
            )
            for label, value in items
        ),
        class_="tiles",
    )


def cards(items: Sequence[tuple[str, Html]]) -> Fragments:
    """Small multiples: one card per (heading, chart)."""
    # Written out rather than through ``element``: a page holds a card per service.
    return [
        Html('<div class="grid">'),
        *(
            Html(f'<div class="card"><h3>{escape(heading)}</h3>{escape(chart)}</div>')
            for heading, chart in items
        ),
        Html("</div>"),
    ]


def legend(items: Sequence[tuple[str, str]]) -> Html:
    """(name, colour) swatches."""
    return element(
        "div",
        join(
            element(
                "span",
                join([element("span", "", class_="swatch", style=f"background:{color}"), name]),
            )
            for name, color in items
        ),
        class_="legend",
    )


def empty(message: str) -> Html:
    return element("p", message, class_="empty")
