"""A folder of files, one per entity, as a Connector: ``<entity>.csv`` or ``<entity>.jsonl``.

Columns (CSV header, JSON keys) are the raw table's column names; CSV values are read as
text and typed by validation, like every other source. The cursor is the file's content
digest: an unchanged file is not read again, a changed one is read whole and merged, so
only the rows that differ change in the warehouse. See docs/file-source.md.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Final

import polars as pl

from platform_assets.ingestion import (
    FailureCategory,
    RecordBatch,
    Rejected,
    RequestStats,
    SourceError,
)

SOURCE: Final = "files"
FORMATS: Final = ("csv", "jsonl")


class FileSourceConnector:
    source_id = SOURCE

    def __init__(self, directory: Path, entities: Iterable[str]) -> None:
        self._directory = directory
        self.entities = frozenset(entities)
        self.request_stats = RequestStats()

    def extract(self, entity: str, cursor: str | None) -> Iterator[RecordBatch]:
        path = self._file_for(entity)
        if path is None:
            return
        content = path.read_bytes()
        digest = "sha256:" + hashlib.sha256(content).hexdigest()
        if digest == cursor:
            return
        if path.suffix == ".csv":
            yield RecordBatch(records=_read_csv(path), cursor=digest)
        else:
            records, rejected = _read_jsonl(path.name, content)
            yield RecordBatch(records=records, cursor=digest, rejected=rejected)

    def _file_for(self, entity: str) -> Path | None:
        if not self._directory.is_dir():
            raise SourceError(
                FailureCategory.CONFIGURATION, f"file source folder {self._directory} not found"
            )
        present = [
            self._directory / f"{entity}.{fmt}"
            for fmt in FORMATS
            if (self._directory / f"{entity}.{fmt}").is_file()
        ]
        if len(present) > 1:
            raise SourceError(
                FailureCategory.CONFIGURATION,
                f"both {present[0].name} and {present[1].name} exist; keep one",
            )
        return present[0] if present else None


def _read_csv(path: Path) -> pl.DataFrame:
    """Every column as text (empty fields as nulls); validation parses and types them."""
    try:
        return pl.read_csv(path, infer_schema=False)
    except pl.exceptions.PolarsError as error:
        raise SourceError(
            FailureCategory.MALFORMED_PAYLOAD, f"{path.name} is not readable CSV: {error}"
        ) from error


def _read_jsonl(name: str, content: bytes) -> tuple[list[Any], list[Rejected]]:
    """One JSON object per line; a line that does not parse is rejected, not dropped."""
    records: list[Any] = []
    rejected: list[Rejected] = []
    for number, line in enumerate(content.decode("utf-8", errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as error:
            rejected.append(
                Rejected(
                    record_key=f"{name}:{number}",
                    reason=f"unparseable JSON line: {error.msg}",
                    payload=json.dumps(line),
                )
            )
    return records, rejected
