"""``platform-assets``: the platform's command line.

platform-assets audit [-m MODULE | -f FILE] [--environment NAME] [--location NAME]
                      [--format table|json]
platform-assets instance config [--environment NAME] [--output FILE]
platform-assets docs [--check]
platform-assets runs recover
platform-assets erase (--customer-key KEY | --email ADDRESS | --verify-log) [--dry-run]
platform-assets retention purge [--dry-run]
platform-assets backup [--keep N] | backup list | restore (BACKUP_ID | --latest) [--force]
platform-assets migrate (upgrade [REV] | downgrade REV | current | history)
platform-assets telemetry tail [-n N]
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from platform_assets.cli.backup import add_backup_commands
from platform_assets.cli.erasure import add_erasure_commands
from platform_assets.cli.evaluation import (
    EvaluationError,
    add_location_arguments,
    audited_environment,
    audited_location,
    load_deployed_definitions,
    routes_path,
)
from platform_assets.cli.instance import add_instance_commands
from platform_assets.cli.migrate import add_migrate_commands
from platform_assets.cli.warehouse import add_warehouse_commands
from platform_assets.settings import PROJECT_ROOT, waivers_path
from platform_assets.telemetry.cli import add_telemetry_commands


def _audit(args: argparse.Namespace) -> int:
    from platform_assets.audit import audit_definitions, report_as_json, report_as_table

    try:
        target = audited_environment(args)
        defs = load_deployed_definitions(args, target)
    except EvaluationError as error:
        print(f"platform-assets audit: {error}", file=sys.stderr)
        return 2
    report = audit_definitions(
        defs,
        routes_path=routes_path(args, target),
        waivers_path=Path(args.waivers) if args.waivers else waivers_path(),
        tests_dir=Path(args.tests_dir) if args.tests_dir else PROJECT_ROOT / "tests",
        project_root=Path(args.project_root) if args.project_root else PROJECT_ROOT,
        code_location=audited_location(args),
        environment=target,
    )
    print(report_as_json(report) if args.format == "json" else report_as_table(report))
    for message in report.warnings:
        print(f"platform-assets audit: warning: {message}", file=sys.stderr)
    for message in report.errors:
        print(f"platform-assets audit: {message}", file=sys.stderr)
    return report.exit_code


def _scorecard(args: argparse.Namespace) -> int:
    from platform_assets.cli.scorecard import scorecard

    return scorecard(args)


def _promote(args: argparse.Namespace) -> int:
    from platform_assets.cli.promotion import promote

    return promote(args)


def _docs(args: argparse.Namespace) -> int:
    from platform_assets.stages.stage_docs import DOC_PATH, render_delivery_stages_doc

    rendered = render_delivery_stages_doc()
    if args.check:
        if not DOC_PATH.exists() or DOC_PATH.read_text() != rendered:
            print(f"{DOC_PATH} is stale: run `platform-assets docs`", file=sys.stderr)
            return 1
        return 0
    DOC_PATH.write_text(rendered)
    print(f"wrote {DOC_PATH}")
    return 0


def _recover_runs(args: argparse.Namespace) -> int:
    import dagster as dg

    from platform_assets.runtime.recovery import recover_dead_runs

    if not os.environ.get("DAGSTER_HOME"):
        print(
            "platform-assets runs recover: set DAGSTER_HOME to the instance whose runs to "
            "recover (`make` sets it to .dagster_home)",
            file=sys.stderr,
        )
        return 2
    with dg.DagsterInstance.get() as instance:
        recovered = recover_dead_runs(instance, by="`platform-assets runs recover`")
    for run in recovered:
        print(run.describe())
    print(f"{len(recovered)} run(s) with a dead worker recovered")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="platform-assets", description="Delivery stages, declared in code and enforced."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    audit = commands.add_parser("audit", help="audit every asset against its delivery stage")
    add_location_arguments(audit)
    audit.add_argument("--format", choices=("table", "json"), default="table")
    audit.set_defaults(handler=_audit)

    card = commands.add_parser("scorecard", help="stage, requirements, SLA attainment, alerts")
    add_location_arguments(card)
    card.add_argument("--format", choices=("table", "json"), default="table")
    card.set_defaults(handler=_scorecard)

    promote = commands.add_parser("promote", help="promote an asset, with evidence")
    promote.add_argument("asset", help="the asset key, e.g. marts/fct_deployment_frequency")
    promote.add_argument("--to", required=True, help="the target stage: alpha, beta or ga")
    promote.add_argument(
        "--dry-run", action="store_true", help="print the change without editing any file"
    )
    add_location_arguments(promote)
    promote.set_defaults(handler=_promote)

    docs = commands.add_parser("docs", help="regenerate docs/delivery-stages.md from the code")
    docs.add_argument("--check", action="store_true", help="fail when the doc is stale")
    docs.set_defaults(handler=_docs)

    runs = commands.add_parser("runs", help="the runs of the local instance ($DAGSTER_HOME)")
    run_commands = runs.add_subparsers(dest="runs_command", required=True)
    recover = run_commands.add_parser(
        "recover",
        help="fail runs whose worker process is gone, free their slots, end their dbt",
    )
    recover.set_defaults(handler=_recover_runs)

    add_erasure_commands(commands)
    add_instance_commands(commands)
    add_warehouse_commands(commands)
    add_migrate_commands(commands)
    add_backup_commands(commands)
    add_telemetry_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
