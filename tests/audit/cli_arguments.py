"""The arguments that point `platform-assets audit`, `promote` and `scorecard` at a code
location and at the project written by :func:`tests.audit.code_locations.write_project`."""

from __future__ import annotations

from pathlib import Path

from tests.audit.code_locations import AuditPaths


def location_arguments(paths: AuditPaths, location: Path) -> list[str]:
    """``-f`` the location file, and the project's routes, waivers, tests directory and
    root."""
    return [
        "-f",
        str(location),
        "--routes",
        str(paths.routes),
        "--waivers",
        str(paths.waivers),
        "--tests-dir",
        str(paths.tests_dir),
        "--project-root",
        str(paths.root),
    ]
