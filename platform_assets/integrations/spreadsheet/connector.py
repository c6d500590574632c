"""A folder of legacy ``.xlsx`` customer workbooks as a Connector for ``spreadsheet_customers``.

Every ``.xlsx`` file in the folder is read, in name order, every sheet of it; sheets that hold
no customer column are skipped and counted. A workbook is loaded once: the cursor maps
each loaded file's name to the sha256 of its bytes, so an unchanged file is not read
again and a changed one is read whole. Each file's batch is a complete re-read of that
file (``SnapshotScope`` on ``source_file``), so a row deleted from the workbook is
soft-deleted in bronze. A file that cannot be read is quarantined whole under its name
and the others still load; its fingerprint is not recorded, so once fixed it loads on
the next run. A file removed from the folder is forgotten by the cursor and its rows are
kept: moving loaded files to an archive is not a deletion. See
docs/connectors/spreadsheet.md.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from platform_assets.ingestion import (
    FailureCategory,
    RecordBatch,
    Rejected,
    RequestStats,
    SnapshotScope,
    SourceError,
)
from platform_assets.ingestion.cursor_checks import json_object, quoted
from platform_assets.integrations.spreadsheet.column_map import ColumnMap
from platform_assets.integrations.spreadsheet.workbook import (
    RECORD_SCHEMA,
    UnreadableWorkbook,
    read_workbook,
)

SOURCE: Final = "spreadsheet"
ENTITY: Final = "spreadsheet_customers"
SUFFIX: Final = ".xlsx"
#: Excel's owner file, left beside a workbook while someone has it open (``~$name.xlsx``,
#: a few bytes naming the user): not a workbook, and gone when they close it.
OWNER_FILE_PREFIX: Final = "~$"
_SHA256: Final = re.compile(r"[0-9a-f]{64}")

log = logging.getLogger(__name__)


class SpreadsheetConnector:
    source_id = SOURCE
    entities = frozenset({ENTITY})

    def __init__(self, directory: Path, column_map: ColumnMap) -> None:
        self._directory = directory
        self._column_map = column_map
        self.request_stats = RequestStats()
        #: ``<file>:<sheet>`` of every sheet skipped as not customer data, this extract.
        self.skipped_sheets: list[str] = []

    def extract(self, entity: str, cursor: str | None) -> Iterator[RecordBatch]:
        if not self._directory.is_dir():
            raise SourceError(
                FailureCategory.CONFIGURATION,
                f"spreadsheet folder {self._directory} not found; set PLATFORM_SPREADSHEET_DIR",
            )
        self.skipped_sheets = []
        loaded = _fingerprints(cursor)
        present = _workbooks(self._directory)
        reached = {path.name: loaded[path.name] for path in present if path.name in loaded}
        for path in present:
            content = path.read_bytes()
            fingerprint = hashlib.sha256(content).hexdigest()
            if reached.get(path.name) == fingerprint:
                continue
            try:
                workbook = read_workbook(path.name, content, fingerprint, self._column_map)
            except UnreadableWorkbook as unreadable:
                log.warning("spreadsheet %s quarantined whole: %s", path.name, unreadable)
                reached.pop(path.name, None)
                yield RecordBatch(
                    records=RECORD_SCHEMA.to_frame(),
                    cursor=_cursor(reached),
                    rejected=[_rejected_file(path.name, content, fingerprint, str(unreadable))],
                )
                continue
            for sheet in workbook.skipped_sheets:
                log.info("spreadsheet %s: sheet %r skipped, no customer column", path.name, sheet)
                self.skipped_sheets.append(f"{path.name}:{sheet}")
            reached[path.name] = fingerprint
            yield RecordBatch(
                records=workbook.records,
                cursor=_cursor(reached),
                snapshot=SnapshotScope((("source_file", path.name),)),
            )

    def check_cursor(self, entity: str, cursor: str) -> str | None:
        return cursor_problem(cursor)


def _workbooks(directory: Path) -> list[Path]:
    """The folder's workbooks by name; ``.XLSX`` too, as Windows tools often write it."""
    return sorted(
        path
        for path in directory.iterdir()
        if path.is_file()
        and path.suffix.lower() == SUFFIX
        and not path.name.startswith(OWNER_FILE_PREFIX)
    )


def _rejected_file(name: str, content: bytes, fingerprint: str, reason: str) -> Rejected:
    """The whole file, quarantined under its name; the payload says which bytes were
    refused (the bytes themselves are binary, and may be personal data)."""
    payload = json.dumps({"source_file": name, "bytes": len(content), "sha256": fingerprint})
    return Rejected(record_key=name, reason=reason, payload=payload)


def cursor_problem(cursor: str) -> str | None:
    """Why ``cursor`` is not a map of workbook name to the sha256 of its bytes."""
    loaded, problem = json_object(cursor, what="the spreadsheet cursor")
    if loaded is None:
        return problem
    bad = [name for name, digest in loaded.items() if not _is_sha256(digest)]
    if bad:
        return (
            f"the spreadsheet cursor {quoted(cursor)} holds no sha256 for "
            f"{', '.join(repr(name) for name in bad[:3])}"
        )
    return None


def _is_sha256(value: object) -> bool:
    return isinstance(value, str) and _SHA256.fullmatch(value) is not None


def _fingerprints(cursor: str | None) -> dict[str, str]:
    """The cursor's map; a bad one reaches here only when ``extract`` is called without
    ``ingest``'s check, and is refused rather than guessed at."""
    if not cursor:
        return {}
    problem = cursor_problem(cursor)
    if problem is not None:
        raise SourceError(
            FailureCategory.CONFIGURATION,
            f"{problem}; run with full_refresh: true to reload every file",
        )
    return {str(name): str(digest) for name, digest in json.loads(cursor).items()}


def _cursor(reached: dict[str, str]) -> str:
    return json.dumps(reached, sort_keys=True)
