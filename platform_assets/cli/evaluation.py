"""What ``scorecard`` and ``promote`` share: the code location, the audit inputs, the
instance whose history is the evidence."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from platform_assets.audit import CodeLocationLoadError, load_definitions
from platform_assets.audit.asset_facts import collect_facts
from platform_assets.audit.code_location import location_name
from platform_assets.audit.runner import AuditInputs, load_audit_inputs
from platform_assets.settings import PROJECT_ROOT, alert_routes_path, waivers_path


class EvaluationError(RuntimeError):
    """The evaluation cannot start; the message says what to fix."""


@dataclass(frozen=True)
class LoadedLocation:
    defs: dg.Definitions
    inputs: AuditInputs

    def check_keys(self) -> dict[str, list[dg.AssetCheckKey]]:
        graph = self.defs.resolve_asset_graph()
        return {node.key.to_user_string(): list(node.check_keys) for node in graph.asset_nodes}


def add_location_arguments(parser: argparse.ArgumentParser) -> None:
    location = parser.add_mutually_exclusive_group()
    location.add_argument("-m", "--module", help="Python module holding the Definitions")
    location.add_argument("-f", "--file", help="Python file holding the Definitions")
    parser.add_argument("--waivers", help="waivers YAML (default: $PLATFORM_WAIVERS or config/)")
    parser.add_argument(
        "--location",
        help="the code location's name, which scopes its waivers (default: the module's "
        "top-level package, or the file's stem)",
    )
    parser.add_argument("--routes", help="alert routes YAML (default: $PLATFORM_ALERT_ROUTES)")
    parser.add_argument("--tests-dir", help="where integration tests declare coverage")
    parser.add_argument("--project-root", help="where runbook paths are resolved")


def audited_location(args: argparse.Namespace) -> str:
    return args.location or location_name(args.module, args.file)


def load_location(args: argparse.Namespace) -> LoadedLocation:
    try:
        defs = load_definitions(args.module, args.file)
    except CodeLocationLoadError as error:
        raise EvaluationError(str(error)) from error
    inputs = load_audit_inputs(
        collect_facts(defs),
        routes_path=Path(args.routes) if args.routes else alert_routes_path(),
        waivers_path=Path(args.waivers) if args.waivers else waivers_path(),
        tests_dir=Path(args.tests_dir) if args.tests_dir else PROJECT_ROOT / "tests",
        project_root=Path(args.project_root) if args.project_root else PROJECT_ROOT,
        code_location=audited_location(args),
    )
    if inputs.errors:
        raise EvaluationError("; ".join(inputs.errors))
    return LoadedLocation(defs, inputs)


def instance() -> dg.DagsterInstance:
    """The instance whose history is the evidence: the one DAGSTER_HOME names."""
    if not os.environ.get("DAGSTER_HOME"):
        raise EvaluationError(
            "DAGSTER_HOME is not set: evidence comes from the Dagster instance's history "
            "(`make` sets it to .dagster_home)"
        )
    return dg.DagsterInstance.get()
