"""``platform-assets promote ASSET --to STAGE``: promotion with evidence.

Evaluates every requirement of the target stage, evidence included (GA requires the SLA
met over its trailing window), and prints exactly what is missing, by requirement id.
When nothing is: edits the stage where it is declared in data (a dbt YAML) or prints the
one-line change to make in code.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

import dagster as dg

from platform_assets.audit.scorecard import evaluate_promotion
from platform_assets.cli.evaluation import EvaluationError, instance, load_location
from platform_assets.integrations.dbt.project import DBT_PROJECT_DIR, dbt_project
from platform_assets.monitoring.sla_attainment import attainment_for
from platform_assets.stages.delivery_stage import DeliveryStage
from platform_assets.stages.stage_declaration import find_stage_declaration


def promote(args: argparse.Namespace) -> int:
    try:
        target = DeliveryStage.parse(args.to)
        location = load_location(args)
    except (EvaluationError, ValueError) as error:
        print(f"platform-assets promote: {error}", file=sys.stderr)
        return 2
    facts = next((f for f in location.inputs.facts if f.key == args.asset), None)
    if facts is None:
        print(
            f"platform-assets promote: no asset {args.asset!r} in the code location",
            file=sys.stderr,
        )
        return 2
    if facts.stage is not None and target <= facts.stage:
        print(f"{args.asset} is already {facts.stage.label}; promotion only goes up")
        return 2
    attainment = None
    if facts.sla is not None and target is DeliveryStage.GA:
        try:
            attainment = attainment_for(
                instance(),
                dg.AssetKey.from_user_string(facts.key),
                facts.sla,
                datetime.now(UTC),
                check_keys=location.check_keys().get(facts.key, ()),
            )
        except EvaluationError as error:
            print(f"platform-assets promote: {error}", file=sys.stderr)
            return 2
    eligibility = evaluate_promotion(
        facts, location.inputs.context, target, attainment, location.inputs.waivers
    )
    if not eligibility.eligible:
        print(f"{args.asset} cannot be promoted to {target.label}. Missing:")
        for result in eligibility.missing:
            print(f"  {result.id}: {result.message}")
        return 1
    key = dg.AssetKey.from_user_string(facts.key)
    assets_def = location.defs.resolve_assets_def(key)
    declaration = find_stage_declaration(
        assets_def, key, manifest_path=dbt_project.manifest_path, project_dir=DBT_PROJECT_DIR
    )
    print(f"{args.asset} meets every {target.label} requirement.")
    if declaration is None:
        print(f"Set its stage to {target.tag_value} where it is declared.")
    elif declaration.kind == "dbt_yaml" and not args.dry_run:
        declaration.apply(target)
        changed = declaration.replacement(target).strip()
        print(f"Edited {declaration.path}:{declaration.line}: {changed}")
    else:
        print(f"Change {declaration.path}:{declaration.line}:")
        print(f"  - {declaration.text.strip()}")
        print(f"  + {declaration.replacement(target).strip()}")
    return 0
