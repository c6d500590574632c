"""A JSON Lines file: one JSON object per line, each line decoded and parsed on its own,
so one bad line is rejected by its number and the others load."""

from __future__ import annotations

import json
from typing import Any

from platform_assets.ingestion import Rejected
from platform_assets.integrations.file_source.lines import UTF8_BOM, BadLine, decode, rejected


def read_jsonl(file_name: str, content: bytes) -> tuple[list[Any], list[Rejected]]:
    records: list[Any] = []
    bad_lines: list[Rejected] = []
    for number, line in enumerate(content.removeprefix(UTF8_BOM).splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append(_parse(line))
        except BadLine as bad:
            bad_lines.append(rejected(file_name, number, line, str(bad)))
    return records, bad_lines


def _parse(line: bytes) -> Any:
    try:
        return json.loads(decode(line))
    except json.JSONDecodeError as error:
        raise BadLine(f"unparseable JSON line: {error.msg}") from None
