"""What ``scorecard`` and ``promote`` share: the code location, the audit inputs, the
instance whose history is the evidence."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from platform_assets.audit import CodeLocationLoadError, load_definitions
from platform_assets.audit.asset_facts import collect_facts
from platform_assets.audit.code_location import location_name
from platform_assets.audit.runner import AuditInputs, load_audit_inputs
from platform_assets.deployment import left_out_assets
from platform_assets.environments import (
    Environment,
    EnvironmentConfigError,
    current_alert_routes,
    environment,
)
from platform_assets.monitoring.sla_attainment import sla_check_keys
from platform_assets.settings import (
    ENVIRONMENT_ENV,
    PROJECT_ROOT,
    environment_name,
    waivers_path,
)


class EvaluationError(RuntimeError):
    """The evaluation cannot start; the message says what to fix."""


@dataclass(frozen=True)
class LoadedLocation:
    defs: dg.Definitions
    inputs: AuditInputs

    def check_keys(self) -> dict[str, list[dg.AssetCheckKey]]:
        """The checks each asset's SLA check pass rate counts (metric alerts do not)."""
        return sla_check_keys(self.defs.resolve_asset_graph())


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
    parser.add_argument(
        "--environment",
        help="the environment the location is deployed to and judged for (default: "
        "$PLATFORM_ENV, else dev; config/environments.yaml)",
    )
    parser.add_argument(
        "--routes",
        help="alert routes YAML (default: $PLATFORM_ALERT_ROUTES, else the environment's)",
    )
    parser.add_argument("--tests-dir", help="where integration tests declare coverage")
    parser.add_argument("--project-root", help="where runbook paths are resolved")


def audited_location(args: argparse.Namespace) -> str:
    return args.location or location_name(args.module, args.file)


def audited_environment(args: argparse.Namespace) -> Environment:
    try:
        return environment(args.environment or environment_name())
    except EnvironmentConfigError as error:
        raise EvaluationError(str(error)) from error


@contextmanager
def running_as(target: Environment) -> Iterator[None]:
    """``PLATFORM_ENV`` set to ``target`` while the code location loads and is judged,
    so it is built (and its routes found) as that environment would build it. A module
    this process imported before is not rebuilt."""
    previous = os.environ.get(ENVIRONMENT_ENV)
    os.environ[ENVIRONMENT_ENV] = target.name
    try:
        yield
    finally:
        if previous is None:
            del os.environ[ENVIRONMENT_ENV]
        else:
            os.environ[ENVIRONMENT_ENV] = previous


def load_deployed_definitions(args: argparse.Namespace, target: Environment) -> dg.Definitions:
    with running_as(target):
        try:
            return load_definitions(args.module, args.file)
        except CodeLocationLoadError as error:
            raise EvaluationError(str(error)) from error


def routes_path(args: argparse.Namespace, target: Environment) -> Path:
    if args.routes:
        return Path(args.routes)
    with running_as(target):
        return current_alert_routes()


def load_location(args: argparse.Namespace) -> LoadedLocation:
    target = audited_environment(args)
    defs = load_deployed_definitions(args, target)
    inputs = load_audit_inputs(
        collect_facts(defs),
        routes_path=routes_path(args, target),
        waivers_path=Path(args.waivers) if args.waivers else waivers_path(),
        tests_dir=Path(args.tests_dir) if args.tests_dir else PROJECT_ROOT / "tests",
        project_root=Path(args.project_root) if args.project_root else PROJECT_ROOT,
        code_location=audited_location(args),
        environment=target,
        left_out=left_out_assets(defs),
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
