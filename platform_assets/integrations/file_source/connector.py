"""A folder of files, one per entity, as a Connector: ``<entity>.csv`` or ``<entity>.jsonl``.

Columns (CSV header, JSON keys) are the raw table's column names; CSV values are read as
text and typed by validation, like every other source. A line that cannot be read (not
UTF-8, ragged, an unclosed quote, not JSON) is rejected by its line number and the rest
of the file loads. The cursor is the file's content digest: an unchanged file is not
read again, a changed one is read whole and merged, so only the rows that differ change
in the warehouse. A file is the complete set of its entity's records, so every read is a
snapshot (``SnapshotScope()``): a record gone from the file is soft-deleted, and
restored if it comes back. A missing file is not a deletion: nothing is read. A
timestamp without an offset is read in the configured IANA zone (UTC by default). See
docs/file-source.md.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from platform_assets.ingestion import (
    ConflictRule,
    FailureCategory,
    RecordBatch,
    RequestStats,
    SnapshotScope,
    SourceError,
)
from platform_assets.ingestion.cursor_checks import quoted
from platform_assets.integrations.file_source.csv_file import read_csv
from platform_assets.integrations.file_source.jsonl_file import read_jsonl

SOURCE: Final = "files"
FORMATS: Final = ("csv", "jsonl")
DIGEST_PREFIX: Final = "sha256:"
_DIGEST: Final = re.compile(r"sha256:[0-9a-f]{64}")


class FileSourceConnector:
    source_id = SOURCE

    def __init__(
        self,
        directory: Path,
        entities: Iterable[str],
        *,
        folder_setting: str | None = None,
        time_zone: str = "UTC",
        time_zone_setting: str | None = None,
        conflict_rules: Mapping[str, ConflictRule] | None = None,
    ) -> None:
        """``folder_setting`` and ``time_zone_setting`` name the settings ``directory``
        and ``time_zone`` came from, so that an error says what to change, not only what
        is wrong. An unknown zone fails here, before any file is read: every naive
        timestamp would otherwise be read in the wrong zone or not at all.
        ``conflict_rules`` settle a file's rows for one key per entity; an entity without
        one keeps identical rows once and quarantines differing ones (``ConflictRule()``):
        a file holds each record once, so which row is last says nothing."""
        self._directory = directory
        self.entities = frozenset(entities)
        self._folder_setting = folder_setting
        self._time_zone = _known_zone(time_zone, time_zone_setting)
        self._conflict_rules = dict(conflict_rules or {})
        self.request_stats = RequestStats()

    def extract(self, entity: str, cursor: str | None) -> Iterator[RecordBatch]:
        path = self._file_for(entity)
        if path is None:
            return
        content = path.read_bytes()
        digest = DIGEST_PREFIX + hashlib.sha256(content).hexdigest()
        if digest == cursor:
            return
        read = read_csv if path.suffix == ".csv" else read_jsonl
        records, rejected = read(path.name, content)
        yield RecordBatch(
            records=records,
            cursor=digest,
            rejected=rejected,
            snapshot=SnapshotScope(),
            naive_time_zone=self._time_zone,
            conflicts=self._conflict_rules.get(entity, ConflictRule()),
        )

    def check_cursor(self, entity: str, cursor: str) -> str | None:
        """A bad digest would only make the file read again, which a snapshot read makes
        harmless; it is still reported, because something wrote it."""
        if _DIGEST.fullmatch(cursor):
            return None
        return f"the file cursor {quoted(cursor)} is not a {DIGEST_PREFIX}<64 hex> digest"

    def _file_for(self, entity: str) -> Path | None:
        if not self._directory.is_dir():
            change = f": set {self._folder_setting} to the folder" if self._folder_setting else ""
            raise SourceError(
                FailureCategory.CONFIGURATION,
                f"file source folder {self._directory} not found{change}",
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


def _known_zone(name: str, setting: str | None) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        given = f"{setting}={name!r}" if setting else repr(name)
        raise SourceError(
            FailureCategory.CONFIGURATION,
            f"{given} is not an IANA time zone name (such as UTC or Europe/Berlin)",
        ) from None
    return name
