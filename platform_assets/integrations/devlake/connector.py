"""Apache DevLake's domain layer as a Connector: every raw DORA table, read from DevLake's
tables by their own names (a folder of CSV exports, or DevLake's database), optionally
scoped to one DevLake project, with no conversion by hand. See docs/devlake-source.md.

Each extract reads the DevLake tables its raw table is made of, whole, and maps them
(``mapping``): a complete read, so a snapshot (``SnapshotScope()``) that soft-deletes
what DevLake no longer has, or what left the project. The cursor is the digest of what
the read produced: an unchanged DevLake yields nothing to merge. A table the mapping
starts from that is not there means nothing from DevLake for that raw table (as a
missing file for the file source); a table it joins to that is missing is an error
naming it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from typing import Final

from platform_assets.ingestion import ConflictRule, RecordBatch, RequestStats, SnapshotScope
from platform_assets.ingestion.cursor_checks import quoted
from platform_assets.integrations.devlake.mapping import (
    DEVLAKE_TIME_ZONE,
    MAPPINGS,
    SOURCE_NAME,
    Mapped,
    ProjectScope,
    Reader,
    project_scope,
)
from platform_assets.integrations.devlake.tables import DevLakeTables

DIGEST_PREFIX: Final = "sha256:"
_DIGEST: Final = re.compile(r"sha256:[0-9a-f]{64}")


class DevLakeConnector:
    source_id = SOURCE_NAME
    entities = frozenset(MAPPINGS)

    def __init__(
        self,
        tables: DevLakeTables,
        *,
        project: str = "",
        project_setting: str = "",
        conflict_rules: Mapping[str, ConflictRule] | None = None,
    ) -> None:
        """``project`` is a DevLake project name (empty: every project); its setting is
        named when DevLake does not know it. ``conflict_rules`` settle the rows DevLake
        has for one key (a deployment's commits with a failed try and its retry); other
        tables keep identical rows once and quarantine differing ones."""
        self._tables = tables
        self._project = project
        self._project_setting = project_setting
        self._scope: ProjectScope | None = None
        self._conflict_rules = dict(conflict_rules or {})
        self.request_stats = RequestStats()

    def extract(self, entity: str, cursor: str | None) -> Iterator[RecordBatch]:
        mapped = MAPPINGS[entity](Reader(self._tables, self._project_scope()))
        if mapped is None:
            return
        digest = _digest(mapped)
        if digest == cursor:
            return
        yield RecordBatch(
            records=mapped.frame,
            cursor=digest,
            rejected=mapped.rejected,
            snapshot=SnapshotScope(),
            naive_time_zone=DEVLAKE_TIME_ZONE,
            conflicts=self._conflict_rules.get(entity, ConflictRule()),
        )

    def check_cursor(self, entity: str, cursor: str) -> str | None:
        """A bad digest would only make DevLake read again, which a snapshot makes
        harmless; it is still reported, because something wrote it."""
        if _DIGEST.fullmatch(cursor):
            return None
        return f"the DevLake cursor {quoted(cursor)} is not a {DIGEST_PREFIX}<64 hex> digest"

    def _project_scope(self) -> ProjectScope | None:
        if self._project and self._scope is None:
            self._scope = project_scope(self._tables, self._project, self._project_setting)
        return self._scope


def _digest(mapped: Mapped) -> str:
    """The records and rejected lines, in an order that does not depend on the order a
    database returned them in."""
    frame = mapped.frame
    ordered = frame.sort(frame.columns, nulls_last=True) if frame.columns else frame
    rejected = sorted((r.record_key, r.reason, r.payload) for r in mapped.rejected)
    content = ordered.write_csv().encode() + json.dumps(rejected).encode()
    return DIGEST_PREFIX + hashlib.sha256(content).hexdigest()
