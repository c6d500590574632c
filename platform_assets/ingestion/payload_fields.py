"""Reading fields out of a JSON payload for a raw record, tolerantly.

A connector maps an API's payload to its contract's columns. ``get`` never fails on an
odd shape: the record reaches validation and is quarantined with a reason instead of
failing the whole load. ``field`` also tells a key the payload does not have from a key
whose value is null, and ``present`` then leaves that column out of the record, so that
schema evolution records the field the source stopped sending as ``removed`` rather than
loading a NULL indistinguishable from a real one.
"""

from __future__ import annotations

from typing import Any, Final


class _Absent:
    """The marker of a field the payload does not have."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = _Absent()


def get(payload: Any, *path: str) -> Any:
    """``payload[path[0]][path[1]]...``, or None where the shape does not match."""
    for key in path:
        if not isinstance(payload, dict):
            return None
        payload = payload.get(key)
    return payload


def field(payload: Any, *path: str) -> Any:
    """As ``get``, but ``ABSENT`` when a dict on the path lacks the key."""
    for key in path:
        if not isinstance(payload, dict):
            return None
        if key not in payload:
            return ABSENT
        payload = payload[key]
    return payload


def present(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` without the columns whose field the payload did not have."""
    return {column: value for column, value in record.items() if value is not ABSENT}
