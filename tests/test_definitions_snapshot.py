"""The resolved spec of every asset is snapshot-tested, so an unintended change to a
definition (a key, a stage, an owner, a check, a freshness policy) shows in review.

The snapshot is syrupy's JSON, in tests/__snapshots__/test_definitions_snapshot/. After an
intended change: `.venv/bin/pytest tests/test_definitions_snapshot.py --snapshot-update`,
review the diff and commit the snapshot with the change.
"""

from __future__ import annotations

from typing import Any

import dagster as dg
import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension


@pytest.fixture
def snapshot_json(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


def _freshness(policy: Any) -> dict[str, Any] | None:
    if policy is None:
        return None
    described = {"type": type(policy).__name__}
    for attribute in ("fail_window", "warn_window", "deadline_cron", "lower_bound_delta"):
        value = getattr(policy, attribute, None)
        if value is not None:
            described[attribute] = str(getattr(value, "to_timedelta", lambda v=value: v)())
    return described


def resolved_specs(defs: dg.Definitions) -> dict[str, Any]:
    graph = defs.resolve_asset_graph()
    specs: dict[str, Any] = {}
    for node in sorted(graph.asset_nodes, key=lambda n: n.key.to_user_string()):
        checks = []
        for check_key in sorted(node.check_keys, key=lambda k: k.name):
            spec = graph.get_check_spec(check_key)
            checks.append({"name": spec.name, "blocking": spec.blocking})
        condition = node.automation_condition
        specs[node.key.to_user_string()] = {
            "stage": (node.tags or {}).get("stage"),
            "owners": sorted(node.owners or []),
            "group": node.group_name,
            "kinds": sorted(node.kinds or []),
            "tags": {k: v for k, v in sorted((node.tags or {}).items()) if "/" not in k},
            "checks": checks,
            "freshness_policy": _freshness(node.freshness_policy),
            "automation_condition": condition.get_label() or type(condition).__name__
            if condition
            else None,
            "deps": sorted(parent.to_user_string() for parent in node.parent_keys),
        }
    return specs


def test_resolved_asset_specs_match_the_snapshot(snapshot_json: SnapshotAssertion):
    from platform_assets.definitions import defs

    assert resolved_specs(defs) == snapshot_json
