"""Tables for people: markdown for metadata (Dagster renders it in the UI) and plain
aligned text for the command line."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import polars as pl


def markdown_rows(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        cells = [", ".join(map(str, v)) if isinstance(v, list) else str(v) for v in row]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def markdown_table(frame: pl.DataFrame) -> str:
    return markdown_rows(frame.columns, frame.iter_rows())


def plain_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(row[i])) for row in [columns, *rows]) for i in range(len(columns))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(columns), "  ".join("-" * w for w in widths), *map(line, rows)])
