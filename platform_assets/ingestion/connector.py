"""The one ingestion interface: a connector turns (entity, cursor) into record batches.

A connector knows its source's API and nothing about the warehouse. It yields batches of
records in the shape of the raw table contract, each batch carrying the cursor reached
so far; the connector-agnostic machinery (``runner.ingest``) validates, quarantines,
merges and persists the cursor. A connector declares the entities (raw tables) it
provides, so one source can supply deployments while another supplies incidents.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import polars as pl

from platform_assets.ingestion.http_client import RequestStats

if TYPE_CHECKING:
    # conflicts reads record keys, which read this module's Records
    from platform_assets.ingestion.conflicts import ConflictRule

#: Records are dicts keyed by the contract's column names, or a polars frame whose
#: columns are those names (columnar sources such as the demo generator or a CSV file).
Records = Sequence[Mapping[str, Any]] | pl.DataFrame


@dataclass(frozen=True)
class Rejected:
    """A record the connector could not even shape into a row (e.g. an unparseable JSON
    line); the machinery quarantines it with the reason."""

    record_key: str
    reason: str
    payload: str


@dataclass(frozen=True)
class SnapshotScope:
    """Part of a table that an extract re-read completely: the rows whose ``columns``
    hold these values (no columns: the whole table of this source). Every batch of one
    extract that carries an equal scope together holds the complete set of records the
    source has there, so a row of that scope the extract did not return was deleted at
    the source and is soft-deleted (``_deleted_at``). A Dataverse re-baseline after
    ``410 Gone`` is the whole table; a re-read workbook is the rows of that file."""

    columns: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RecordBatch:
    """Records for one entity and the cursor the source has reached with them.

    ``cursor`` is an opaque string the connector alone interprets (a timestamp, a JSON
    map of per-repository timestamps, a file digest); None keeps the previous cursor.
    ``deleted_keys`` are natural keys (the key values joined by ``|``, as quarantine
    record keys are) that the source reports deleted: their rows are soft-deleted, never
    removed. ``snapshot`` marks the batch as part of a complete re-read of that scope.
    ``naive_time_zone`` (an IANA name) is the zone a timestamp without an offset is read
    in; the batches of one extract share it (the first batch's is used), as they share
    ``conflicts``: the rule that settles rows for one key (None: the last one seen wins,
    as when a source returns a record again because it changed)."""

    records: Records
    cursor: str | None
    rejected: Sequence[Rejected] = field(default_factory=tuple)
    deleted_keys: Sequence[str] = field(default_factory=tuple)
    snapshot: SnapshotScope | None = None
    naive_time_zone: str = "UTC"
    conflicts: ConflictRule | None = None


@runtime_checkable
class Connector(Protocol):
    """A source of raw DORA entities."""

    @property
    def source_id(self) -> str:
        """The lineage id written to ``_source`` and the cursor table, e.g. ``github``."""
        ...

    @property
    def entities(self) -> frozenset[str]:
        """The raw tables this connector provides."""
        ...

    @property
    def request_stats(self) -> RequestStats:
        """Requests and retries made so far (all zero for sources without HTTP)."""
        ...

    def extract(self, entity: str, cursor: str | None) -> Iterator[RecordBatch]:
        """Records of ``entity`` newer than ``cursor`` (all of them when None)."""
        ...

    def check_cursor(self, entity: str, cursor: str) -> str | None:
        """Why the stored ``cursor`` of ``entity`` cannot be read from (garbage, the
        wrong shape, a time in the future, a link to another table or host), or None.
        ``ingest`` asks before extracting and, on a problem, reads everything again
        (``extract(entity, None)``), whose snapshots reconcile what the bad cursor
        hid. A connector without a cursor shape takes ``AcceptsAnyCursor``'s."""
        ...


class AcceptsAnyCursor:
    """The ``check_cursor`` of a connector that keeps no cursor, or re-reads whatever
    cursor it is given: no string can mislead it, so there is nothing to recover from."""

    def check_cursor(self, entity: str, cursor: str) -> str | None:
        return None
