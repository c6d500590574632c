"""The shapes a stored cursor can be checked against, shared by the connectors'
``check_cursor``.

A cursor is an opaque string only its connector reads, so only the connector can say
whether it is usable; these helpers phrase the common problems (not JSON, not a
timestamp, a timestamp after now) the same way for every connector, because the
problem is what the run report's ``cursor_recovery`` and the error log say.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any, Final

#: How far past now a timestamp cursor may be: the day of clock drift the raw contracts
#: allow a record's timestamps (``FUTURE_TOLERANCE_HOURS``), so no cursor reached from
#: landed records is refused, while one set by hand to a later date is.
CLOCK_DRIFT: Final = timedelta(hours=24)
#: How much of a bad cursor a message quotes: enough to recognise it.
QUOTED_CHARS: Final = 80


def quoted(cursor: str) -> str:
    return repr(cursor[:QUOTED_CHARS])


def parse_timestamp(value: Any) -> datetime | None:
    """An ISO 8601 instant with its offset (``Z`` accepted), or None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def timestamp_problem(value: Any, *, what: str, latest: datetime | None = None) -> str | None:
    """Why ``value`` is not a usable timestamp cursor: not an ISO instant with an offset,
    or after ``latest`` (by default the wall clock plus ``CLOCK_DRIFT``; a generated
    source passes the end of what it generates). An incremental read from a future
    cursor would return nothing until that date."""
    parsed = parse_timestamp(value)
    if parsed is None:
        return f"{what} {quoted(str(value))} is not an ISO 8601 timestamp with a UTC offset"
    limit = latest or datetime.now(UTC) + CLOCK_DRIFT
    if parsed > limit:
        return f"{what} {value} is in the future (after {limit.isoformat()})"
    return None


def json_object(cursor: str, *, what: str) -> tuple[dict[str, Any], None] | tuple[None, str]:
    """The cursor's JSON object, or why it is not one."""
    try:
        parsed = json.loads(cursor)
    except ValueError:
        return None, f"{what} {quoted(cursor)} is not JSON"
    if not isinstance(parsed, dict):
        return None, f"{what} {quoted(cursor)} is not a JSON object"
    return parsed, None
