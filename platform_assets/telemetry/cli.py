"""``platform-assets telemetry tail [-n N]``: the last step lines, as a shipper reads them."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from platform_assets.telemetry.reader import tail_lines
from platform_assets.telemetry.sink import TELEMETRY_PATH_ENV, telemetry_path


def add_telemetry_commands(commands: Any) -> None:
    telemetry = commands.add_parser("telemetry", help="the run telemetry file (one line a step)")
    telemetry_commands = telemetry.add_subparsers(dest="telemetry_command", required=True)
    tail = telemetry_commands.add_parser("tail", help="print the last step lines")
    tail.add_argument("-n", type=int, default=10, help="how many lines (default 10)")
    tail.set_defaults(handler=_tail)


def _tail(args: argparse.Namespace) -> int:
    path = telemetry_path()
    if not path.exists():
        print(
            f"platform-assets telemetry tail: no telemetry at {path} yet: it is written when "
            f"a step ends (set {TELEMETRY_PATH_ENV} if the steps write elsewhere)",
            file=sys.stderr,
        )
        return 1
    for line in tail_lines(path, args.n):
        print(line)
    return 0
