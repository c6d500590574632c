"""``ops.erasure_log``: the append-only record of every erasure, hash-chained.

Each entry stores the sha256 of the entry before it and its own hash over its fields and
that link, so editing, deleting or reordering any entry but the newest breaks the chain,
which ``verify_erasure_log`` reports. The log names no one: the customer key is stored
as a keyed digest, the reason as given by the operator (who must not put personal data
in it), and the rows removed per table as counts. The code only ever inserts into it.
Removing the newest entries is the one change a chain cannot show by itself: keep the
head hash that ``platform-assets erase --verify-log`` prints somewhere else (a ticket, the
audit trail of the request) to detect it. The table is created by the baseline migration
(``platform_assets/warehouse/migrations``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from platform_assets.warehouse import WarehouseSession

ERASURE_LOG_TABLE: Final = "ops.erasure_log"
#: The previous hash of the first entry.
GENESIS_HASH: Final = "0" * 64


@dataclass(frozen=True)
class ErasureLogEntry:
    erasure_id: str
    erased_at: datetime
    customer_key_digest: str
    reason: str
    rows_removed: str
    """JSON object: ``schema.table`` → rows removed."""
    previous_entry_hash: str

    @property
    def entry_hash(self) -> str:
        fields = {
            "erasure_id": self.erasure_id,
            # UTC, so the hash does not depend on the session time zone that reads it back
            "erased_at": self.erased_at.astimezone(UTC).isoformat(),
            "customer_key_digest": self.customer_key_digest,
            "reason": self.reason,
            "rows_removed": self.rows_removed,
            "previous_entry_hash": self.previous_entry_hash,
        }
        canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LogVerification:
    entries: int
    head_hash: str
    """The newest entry's hash (``GENESIS_HASH`` for an empty log)."""
    problems: tuple[str, ...]

    @property
    def intact(self) -> bool:
        return not self.problems


def rows_removed_json(rows_removed: Mapping[str, int]) -> str:
    return json.dumps(dict(rows_removed), sort_keys=True, separators=(",", ":"))


def append_erasure_entry(
    session: WarehouseSession,
    *,
    erasure_id: str,
    erased_at: datetime,
    customer_key_digest: str,
    reason: str,
    rows_removed: Mapping[str, int],
) -> ErasureLogEntry:
    """Appends one entry chained to the current head; call it inside the erasure's
    transaction, so the entry and the deletions it records commit together. The table
    is the baseline migration's: the erasure runs the migration guard first."""
    if session.dialect == "postgres":
        # Two erasures at once would both chain to the same head (a fork). The lock
        # conflicts with itself and is held to the end of the transaction, so the second
        # reads the head after the first commits. DuckDB allows one writer at a time.
        session.execute(f"lock table {ERASURE_LOG_TABLE} in share row exclusive mode")
    entry = ErasureLogEntry(
        erasure_id=erasure_id,
        erased_at=erased_at,
        customer_key_digest=customer_key_digest,
        reason=reason,
        rows_removed=rows_removed_json(rows_removed),
        previous_entry_hash=verify_erasure_log(session).head_hash,
    )
    session.execute(
        f"insert into {ERASURE_LOG_TABLE} values (?, ?, ?, ?, ?, ?, ?)",
        [
            entry.erasure_id,
            entry.erased_at,
            entry.customer_key_digest,
            entry.reason,
            entry.rows_removed,
            entry.previous_entry_hash,
            entry.entry_hash,
        ],
    )
    return entry


def verify_erasure_log(session: WarehouseSession) -> LogVerification:
    """Follows the chain from the genesis hash: every entry must hash to its stored hash
    and be reached exactly once."""
    entries = _entries(session)
    problems = [
        f"entry {entry.erasure_id}: its stored hash does not match its fields (edited)"
        for entry, stored in entries
        if entry.entry_hash != stored
    ]
    by_previous: dict[str, list[tuple[ErasureLogEntry, str]]] = {}
    for entry, stored in entries:
        by_previous.setdefault(entry.previous_entry_hash, []).append((entry, stored))
    reached, link = 0, GENESIS_HASH
    while link in by_previous:
        successors = by_previous.pop(link)
        if len(successors) > 1:
            names = ", ".join(e.erasure_id for e, _ in successors)
            problems.append(f"entries {names} all follow the same entry (the chain forks)")
        entry, stored = successors[0]
        reached += 1
        link = stored
    if reached != len(entries):
        problems.append(
            f"{len(entries) - reached} entr(y/ies) are not reachable from the first entry "
            "(an entry before them was deleted or altered)"
        )
    return LogVerification(len(entries), link, tuple(problems))


def _entries(session: WarehouseSession) -> list[tuple[ErasureLogEntry, str]]:
    exists = session.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'ops' and table_name = 'erasure_log'"
    ).fetchall()[0][0]
    if not exists:
        return []
    rows = session.execute(
        "select erasure_id, erased_at, customer_key_digest, reason, rows_removed, "
        f"previous_entry_hash, entry_hash from {ERASURE_LOG_TABLE}"
    ).fetchall()
    return [(ErasureLogEntry(*row[:6]), row[6]) for row in rows]
