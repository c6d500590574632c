"""``platform-assets scorecard``: per asset, stage, requirement results, SLA attainment,
open alerts, and eligibility for the next stage."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from platform_assets.audit.scorecard import build_scorecard, render_scorecard_table
from platform_assets.cli.evaluation import EvaluationError, instance, load_location


def scorecard(args: argparse.Namespace) -> int:
    try:
        location = load_location(args)
        rows = build_scorecard(
            location.inputs.facts,
            location.inputs.context,
            instance(),
            datetime.now(UTC),
            location.check_keys(),
            location.inputs.waivers,
        )
    except EvaluationError as error:
        print(f"platform-assets scorecard: {error}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps([row.as_record() for row in rows], indent=2))
    else:
        print(render_scorecard_table(rows))
    return 0
