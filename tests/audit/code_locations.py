"""Small code locations for the audit's tests: one compliant asset per stage, built with
plain ``dg.asset`` so the audit is shown to judge any code location, and a ``declare``
helper whose keyword arguments each break exactly one requirement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import dagster as dg

from platform_assets.checks.column_stability import column_stability_spec
from platform_assets.stages import DeliveryStage, Sla
from platform_assets.stages.contract_metadata import (
    CHECK_ASSERTS_KEY,
    COLUMN_SCHEMA_KEY,
    RUNBOOK_KEY,
    primary_key_metadata,
)

ROUTES_YAML = """\
sinks:
  log: {kind: jsonl, path: alerts.jsonl}
  pager: {kind: webhook, url: "http://127.0.0.1:9/pager", paging: true}
routes:
  owner-notice: {sinks: [log]}
  team-channel: {sinks: [log]}
  paging: {sinks: [log, pager]}
"""

RUNBOOK_MD = """\
# Orders runbook
## Lineage
source -> orders
## SLA
daily
## Troubleshooting
rerun it
"""

INTEGRATION_TEST = """\
import pytest

@pytest.mark.integration(covers=["demo/orders", "demo/order_lines", "group:covered_group"])
def test_pipeline():
    assert True
"""

DEFAULT_SLA = Sla(freshness_hours=24)
DEFAULT_RETRY = dg.RetryPolicy(max_retries=3, delay=1, backoff=dg.Backoff.EXPONENTIAL)

ROUTE_BY_STAGE = {"poc": "none", "alpha": "owner-notice", "beta": "team-channel", "ga": "paging"}


@dataclass(frozen=True)
class AuditPaths:
    root: Path
    routes: Path
    tests_dir: Path
    waivers: Path


def write_project(root: Path) -> AuditPaths:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "orders.md").write_text(RUNBOOK_MD)
    routes = root / "alert_routes.yaml"
    routes.write_text(ROUTES_YAML)
    tests_dir = root / "tests"
    tests_dir.mkdir(exist_ok=True)
    (tests_dir / "test_orders_pipeline.py").write_text(INTEGRATION_TEST)
    return AuditPaths(root, routes, tests_dir, root / "waivers.yaml")


def columns(
    *,
    undocumented: str | None = None,
    unclassified: str | None = None,
    unprotected_pii: bool = False,
) -> dg.TableSchema:
    email_tags = {"pii": "true"} if unprotected_pii else {"pii": "true", "pii_protection": "hashed"}
    specs = [
        ("order_id", "BIGINT", {"pii": "false"}),
        ("customer_email", "VARCHAR", email_tags),
        ("amount", "DOUBLE", {"pii": "false"}),
    ]
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name,
                type_name,
                description=None if name == undocumented else f"The {name}.",
                tags={k: v for k, v in tags.items() if name != unclassified},
            )
            for name, type_name, tags in specs
        ]
    )


def declare(
    name: str = "orders",
    *,
    stage: str | None = "ga",
    layer: str = "marts",
    owners: tuple[str, ...] = ("team:demo",),
    description: str | None = "Orders, one row per order.",
    code_version: str | None = "1.2.0",
    primary_key: tuple[str, ...] = ("order_id",),
    key_checks_blocking: bool = True,
    schema: dg.TableSchema | None = None,
    sla: Sla | None = DEFAULT_SLA,
    runbook: str | None = "docs/orders.md",
    freshness: bool = True,
    alert_route: str | None = None,
    column_stability: bool = True,
    retry: dg.RetryPolicy | None = DEFAULT_RETRY,
    deps: tuple[str, ...] = (),
    group: str = "demo_marts",
    access: str | None = None,
) -> dg.AssetsDefinition:
    key = dg.AssetKey(["demo", name])
    tags: dict[str, str] = {"layer": layer}
    if access is not None:
        tags["access"] = access
    if stage is not None:
        tags["stage"] = stage
        tags["alert_route"] = alert_route or ROUTE_BY_STAGE.get(stage, "none")
    metadata: dict[str, Any] = {COLUMN_SCHEMA_KEY: schema or columns()}
    if primary_key:
        metadata.update(primary_key_metadata(list(primary_key)))
    if sla is not None:
        metadata.update(sla.to_metadata())
    if runbook is not None:
        metadata[RUNBOOK_KEY] = dg.MetadataValue.path(runbook)
    check_specs = [
        dg.AssetCheckSpec(
            "key_is_unique_and_present",
            asset=key,
            blocking=key_checks_blocking,
            metadata={
                CHECK_ASSERTS_KEY: [f"unique({','.join(primary_key)})"]
                + [f"not_null({c})" for c in primary_key]
            },
        )
    ]
    if column_stability:
        check_specs.append(column_stability_spec(key, DeliveryStage.GA))

    @dg.asset(
        key=key,
        description=description,
        owners=list(owners),
        code_version=code_version,
        tags=tags,
        metadata=metadata,
        freshness_policy=dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=24))
        if freshness
        else None,
        retry_policy=retry,
        check_specs=check_specs,
        deps=[dg.AssetKey(["demo", d]) for d in deps],
        group_name=group,
    )
    def _asset():
        # No docstring: Dagster would take it as the description. The audit reads
        # definitions only; these assets are never materialized.
        return None

    return _asset


#: A code location of another team: plain Dagster, nothing of this platform imported, no
#: stage declared. Auditing it must judge it, whatever this project's waivers say.
FOREIGN_LOCATION = """\
import dagster as dg


@dg.asset(key=["shop", "orders"], group_name="shop")
def orders():
    return None


defs = dg.Definitions(assets=[orders])
"""


def write_foreign_location(directory: Path, module: str = "their_defs") -> Path:
    path = directory / f"{module}.py"
    path.write_text(FOREIGN_LOCATION)
    return path
