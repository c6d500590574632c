"""What a data-quality evaluation found, and how it is reported to Dagster.

Evaluations are pure functions that return a ``CheckOutcome``; only the factories know
about Dagster. Counts become numeric metadata, which the UI plots per evaluation, so a
slowly rising duplicate count is visible before it crosses a threshold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import dagster as dg

from platform_assets.checks.target import CheckTarget

#: Failing values quoted in a description and kept as metadata: enough to recognise the
#: pattern, few enough to read.
EXAMPLE_LIMIT = 5


@dataclass(frozen=True)
class CheckOutcome:
    passed: bool
    description: str
    counts: Mapping[str, int | float] = field(default_factory=dict)
    """Numeric metadata, e.g. ``{"rows": 10, "duplicate_keys": 2}``."""
    examples: Sequence[Mapping[str, Any]] = ()
    """A few failing values, e.g. ``[{"order_id": 2, "rows": 3}]``."""
    details: Mapping[str, Any] = field(default_factory=dict)
    """Further metadata: text stays text, anything else (lists, mappings) is JSON."""

    def to_result(self, target: CheckTarget, check_name: str) -> dg.AssetCheckResult:
        metadata: dict[str, Any] = {
            name: dg.MetadataValue.float(value)
            if isinstance(value, float)
            else dg.MetadataValue.int(value)
            for name, value in self.counts.items()
        }
        if self.examples:
            metadata["examples"] = dg.MetadataValue.json(
                [{key: _jsonable(value) for key, value in row.items()} for row in self.examples]
            )
        for name, value in self.details.items():
            metadata[name] = (
                dg.MetadataValue.text(value)
                if isinstance(value, str)
                else dg.MetadataValue.json(_json_tree(value))
            )
        return dg.AssetCheckResult(
            passed=self.passed,
            asset_key=target.asset_key,
            check_name=check_name,
            severity=target.stage.check_severity,
            metadata=metadata,
            description=self.description,
        )


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def _json_tree(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _json_tree(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_tree(item) for item in value]
    return _jsonable(value)


def render_examples(examples: Sequence[Mapping[str, Any]]) -> str:
    """``'x' (3 rows), 'y' (1 row)`` for rows shaped ``{<value columns>..., "rows": n}``."""
    rendered = []
    for example in examples:
        values = [repr(_jsonable(v)) for k, v in example.items() if k != "rows"]
        value = values[0] if len(values) == 1 else f"({', '.join(values)})"
        rows = example.get("rows")
        rendered.append(value if rows is None else f"{value} ({count_of(rows, 'row')})")
    return ", ".join(rendered)


def count_of(number: int, noun: str) -> str:
    """``1 row``, ``2 rows``."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
