"""Markdown tables for metadata: Dagster renders markdown metadata in the UI."""

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
