"""Reads the telemetry file back: for tests, and ``platform-assets telemetry tail``."""

from __future__ import annotations

from collections import deque
from pathlib import Path

from platform_assets.telemetry.record import StepRecord


def read_records(path: Path) -> list[StepRecord]:
    """Every line of ``path`` as a record, in the order written."""
    with path.open(encoding="utf-8") as lines:
        return [StepRecord.from_json(line) for line in lines if line.strip()]


def tail_lines(path: Path, count: int) -> list[str]:
    """The last ``count`` lines of ``path``, as written (no file: none)."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as lines:
        return [line.rstrip("\n") for line in deque(lines, maxlen=count)]
