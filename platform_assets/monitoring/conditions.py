"""What monitoring watches, as plain values: a condition on an asset failing or clearing.

Check evaluations, freshness state changes, failed runs and materializations all reduce to
a ``ConditionEvent``, so the alert sensor and the SLA attainment read history the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

FRESHNESS: Final = "freshness"
RUN_FAILURE: Final = "run_failure"
CHECK_PREFIX: Final = "check:"


def check_condition(check_name: str) -> str:
    """Each check is its own condition: two failing checks on one asset are two alerts."""
    return f"{CHECK_PREFIX}{check_name}"


class Severity(StrEnum):
    """Paging sinks hear only about critical conditions; a warning never wakes anyone."""

    WARNING = "warning"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return 1 if self is Severity.CRITICAL else 0


@dataclass(frozen=True)
class ConditionEvent:
    """At ``timestamp`` the ``condition`` on ``asset_key`` (one ``partition`` of it; ``""``
    for an unpartitioned asset) was seen failing, or seen cleared when ``failing`` is False."""

    asset_key: str
    condition: str
    failing: bool
    timestamp: float
    severity: Severity = Severity.CRITICAL
    partition: str = ""
    summary: str = ""
    run_id: str | None = None
