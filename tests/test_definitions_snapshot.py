"""The resolved spec of every asset is snapshot-tested, so an unintended change to a
definition (a key, a stage, an owner, a check, a freshness policy) shows in review.

After an intended change: `UPDATE_SNAPSHOTS=1 pytest tests/test_definitions_snapshot.py`
and commit tests/snapshots/asset_specs.json with the change.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import dagster as dg

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_specs.json"


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


def test_resolved_asset_specs_match_the_snapshot():
    from platform_assets.definitions import defs

    current = resolved_specs(defs)
    rendered = json.dumps(current, indent=2, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(rendered)
    assert SNAPSHOT.exists(), "no snapshot yet: run with UPDATE_SNAPSHOTS=1 and commit it"
    assert SNAPSHOT.read_text() == rendered, (
        "the resolved asset specs changed: review the diff, then run "
        "`UPDATE_SNAPSHOTS=1 pytest tests/test_definitions_snapshot.py` and commit the snapshot"
    )
