"""One small, hand-checkable DORA history, landed in the raw tables of
docs/dora-raw-tables.md, and the dbt build that turns it into the marts.

Every scenario test reads the same input built once per dbt configuration (default mode,
DevLake mode, Four Keys mode, and default mode in New York time with a 24-hour incident
lag), so the modes' differences are differences on the same input.

January 2024 (UTC; 1 January is a Monday). Service ``api`` deploys repository acme/api,
once also acme/lib; service ``web`` deploys acme/web; service ``billing`` only has an
incident. The expected numbers in the tests are worked out from this timeline.

    id   service env   result   finished (UTC)  trigger   deployed commit
    D0   api     STAG  SUCCESS  Tue 02 10:00    planned   zz (not in raw.commits)
    D1   api     PROD  SUCCESS  Wed 03 10:00    planned   a1 (merge of PR 1), first of the series
    DF   api     PROD  FAILURE  Thu 04 12:00    planned   -
    W1   web     PROD  SUCCESS  Thu 04 10:00    planned   w1, first of the web series
    D2   api     PROD  SUCCESS  Fri 05 15:00    planned   a3 + acme/lib l1 (two repositories)
    D3   api     PROD  SUCCESS  Sun 07 23:30    planned   a4
    D4   api     PROD  SUCCESS  Mon 08 03:00    planned   a5 (merge of PR 3); Sun 07 22:00 in NY
    DA   api     PROD  ABORTED  Tue 09 08:00    planned   -
    D5   api     PROD  SUCCESS  Tue 09 10:00    planned   a6 (a revert)
    D6   api     PROD  SUCCESS  Wed 10 09:00    planned   a7
    R7   api     PROD  SUCCESS  Thu 11 10:30    rollback  a6 again (ships nothing new)
    W2   web     PROD  SUCCESS  Fri 12 10:00    planned   w2, explicit change set {w2}
    D8   api     PROD  SUCCESS  Mon 15 10:00    planned   a8 (merge of PR 4)
    D9   api     PROD  SUCCESS  Tue 16 12:00    planned   a9
    D10  api     PROD  SUCCESS  Tue 16 15:00    planned   a10

    incident  service  created (UTC)   resolved (UTC)     link
    I0        api      Tue 02 08:00    Tue 02 09:00       none, before any deployment
    I1        api      Tue 09 12:00    Tue 09 14:00       caused_by_deployment_id D2
    I2        api      Tue 09 16:00    Tue 09 16:45:20    root_cause_sha p3c1 (shipped by D4)
    I3        api      Thu 11 10:00    Thu 11 11:00       none; rollback R7 finishes while open
    I4        api      Sat 13 12:00    Sat 13 15:00       none; PR 4 (merged 14:00) references it
    I5        api      Tue 16 09:00    open               none
    IB1       billing  Wed 10 12:00    Wed 10 11:00       none; resolved before created (bad data)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from tests.dbt_invocation import dbt_path_arguments

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
RAW_TABLES_DDL = Path(__file__).with_name("raw_tables.sql")

AS_OF = "2024-01-28"  # a Sunday: the calendars run to the end of ISO week 4
WINDOW_DAYS = 28  # level window 2024-01-01 .. 2024-01-28, four whole ISO weeks

DORA_SELECTION = (
    "path:models/staging/dora",
    "path:models/intermediate/dora",
    "path:models/marts/dora",
    "path:seeds/dora",
)

LINEAGE = ("test", "2024-01-28 12:00:00+00", "scenario-run", None)


def ts(value: str) -> str:
    """A UTC instant written as '01-09 16:45:20' (January 2024)."""
    month_day, time = value.split(" ")
    return f"2024-{month_day} {time}+00"


def deployment(
    deployment_id: str, service: str, environment: str, result: str, finished: str, trigger: str
) -> tuple[Any, ...]:
    """A deployment that started ten minutes before it finished, reported by 'ci'."""
    finished_at = datetime.fromisoformat(ts(finished))
    started_at = (finished_at - timedelta(minutes=10)).isoformat()
    return (deployment_id, service, environment, result, started_at, ts(finished), "ci", trigger)


PROD, OK = "PRODUCTION", "SUCCESS"
# deployment_id, service, environment, result, started_at, finished_at, source, trigger_kind
DEPLOYMENTS = [
    deployment("D0", "api", "STAGING", OK, "01-02 10:00:00", "planned"),
    deployment("D1", "api", PROD, OK, "01-03 10:00:00", "planned"),
    deployment("DF", "api", PROD, "FAILURE", "01-04 12:00:00", "planned"),
    deployment("W1", "web", PROD, OK, "01-04 10:00:00", "planned"),
    deployment("D2", "api", PROD, OK, "01-05 15:00:00", "planned"),
    deployment("D3", "api", PROD, OK, "01-07 23:30:00", "planned"),
    deployment("D4", "api", PROD, OK, "01-08 03:00:00", "planned"),
    deployment("DA", "api", PROD, "ABORTED", "01-09 08:00:00", "planned"),
    deployment("D5", "api", PROD, OK, "01-09 10:00:00", "planned"),
    deployment("D6", "api", PROD, OK, "01-10 09:00:00", "planned"),
    deployment("R7", "api", PROD, OK, "01-11 10:30:00", "rollback"),
    deployment("W2", "web", PROD, OK, "01-12 10:00:00", "planned"),
    deployment("D8", "api", PROD, OK, "01-15 10:00:00", "planned"),
    deployment("D9", "api", PROD, OK, "01-16 12:00:00", "planned"),
    deployment("D10", "api", PROD, OK, "01-16 15:00:00", "planned"),
]


def deployment_commit(
    deployment_id: str,
    repo: str,
    sha: str,
    started: str | None = None,
    finished: str | None = None,
    result: str | None = None,
) -> tuple[Any, ...]:
    """A deployment commit; without its own times and result it has its deployment's."""
    own = [ts(value) if value else None for value in (started, finished)]
    return (deployment_id, repo, sha, *own, result)


# deployment_id, repo, sha (own started_at, finished_at, result: the deployment's)
DEPLOYMENT_COMMITS = [
    deployment_commit("D0", "acme/api", "zz"),
    deployment_commit("D1", "acme/api", "a1"),
    deployment_commit("W1", "acme/web", "w1"),
    deployment_commit("D2", "acme/api", "a3"),
    deployment_commit("D2", "acme/lib", "l1"),
    deployment_commit("D3", "acme/api", "a4"),
    deployment_commit("D4", "acme/api", "a5"),
    deployment_commit("D5", "acme/api", "a6"),
    deployment_commit("D6", "acme/api", "a7"),
    deployment_commit("R7", "acme/api", "a6"),
    deployment_commit("W2", "acme/web", "w2"),
    deployment_commit("D8", "acme/api", "a8"),
    deployment_commit("D9", "acme/api", "a9"),
    deployment_commit("D10", "acme/api", "a10"),
]

# The web source knows W2's change set: only w2, although wx landed in between.
DEPLOYMENT_CHANGE_SETS = [("W2", "acme/web", "w2")]

# repo, sha, author, authored_at, message
COMMITS = [
    ("acme/api", "a0", "alice", ts("01-01 08:00:00"), "initial import"),
    ("acme/api", "p1c1", "alice", ts("01-02 09:00:00"), "add endpoint"),
    ("acme/api", "a1", "alice", ts("01-03 08:00:00"), "Merge pull request #1"),
    ("acme/api", "p2c1", "bob", ts("01-04 09:00:30"), "add cache"),
    ("acme/api", "p2c2", "bob", ts("01-04 11:00:00"), "tune cache"),
    # a2, the merge commit of PR 2, is missing from the commit listing
    ("acme/api", "a3", "carol", ts("01-05 15:30:00"), "direct push with a clock ahead"),
    ("acme/api", "p3c1", "carol", ts("01-06 10:00:00"), "new parser"),
    ("acme/api", "a4", "alice", ts("01-07 23:30:00"), "typo fix, deployed that second"),
    ("acme/api", "a5", "carol", ts("01-08 01:00:00"), "Merge pull request #3"),
    ("acme/api", "a6", "bob", ts("01-09 09:00:00"), 'Revert "add cache"'),
    ("acme/api", "a7", "carol", ts("01-10 08:00:00"), "config change"),
    ("acme/api", "p4c1", "alice", ts("01-13 12:30:10"), "fix parser crash"),
    ("acme/api", "a8", "alice", ts("01-13 14:00:00"), "Merge pull request #4"),
    ("acme/api", "p5c1", "bob", ts("01-15 08:00:00"), "work in progress"),
    ("acme/api", "a9", "carol", ts("01-16 11:00:00"), "log level"),
    ("acme/api", "a10", "carol", ts("01-16 14:00:00"), "log format"),
    ("acme/lib", "l1", "dave", ts("01-05 09:00:00"), "bump lib"),
    ("acme/web", "w1", "erin", ts("01-04 09:00:00"), "landing page"),
    ("acme/web", "wx", "erin", ts("01-10 09:00:00"), "banner"),
    ("acme/web", "w2", "erin", ts("01-12 09:00:00"), "footer"),
]

# pr_id, repo, number, author, title, created_at, merged_at, merge_sha, referenced_incident_id
PULL_REQUESTS = [
    (
        "acme/api#1",
        "acme/api",
        1,
        "alice",
        "endpoint",
        ts("01-02 12:00:00"),
        ts("01-03 08:00:00"),
        "a1",
        None,
    ),
    (
        "acme/api#2",
        "acme/api",
        2,
        "bob",
        "cache",
        ts("01-04 12:00:00"),
        ts("01-05 10:00:00"),
        "a2",
        None,
    ),
    (
        "acme/api#3",
        "acme/api",
        3,
        "carol",
        "parser",
        ts("01-06 11:00:00"),
        ts("01-08 01:00:00"),
        "a5",
        None,
    ),
    (
        "acme/api#4",
        "acme/api",
        4,
        "alice",
        "crash fix",
        ts("01-13 13:00:00"),
        ts("01-13 14:00:00"),
        "a8",
        "I4",
    ),
    ("acme/api#5", "acme/api", 5, "bob", "wip", ts("01-15 09:00:00"), None, None, None),
]

# pr_id, repo, sha
PULL_REQUEST_COMMITS = [
    ("acme/api#1", "acme/api", "p1c1"),
    ("acme/api#2", "acme/api", "p2c1"),
    ("acme/api#2", "acme/api", "p2c2"),
    ("acme/api#3", "acme/api", "p3c1"),
    ("acme/api#4", "acme/api", "p4c1"),
    ("acme/api#5", "acme/api", "p5c1"),
]

# review_id, pr_id, author, created_at, kind
PULL_REQUEST_REVIEWS = [
    ("R1", "acme/api#1", "alice", ts("01-02 13:00:00"), "comment"),  # the author: not a pickup
    ("R2", "acme/api#1", "bob", ts("01-02 14:00:00"), "approval"),
    ("R3", "acme/api#2", "Bob", ts("01-04 12:30:00"), "comment"),  # the author, spelled differently
    ("R4", "acme/api#2", "carol", ts("01-04 13:30:00"), "review"),
    ("R5", "acme/api#4", "carol", ts("01-13 13:20:00"), "approval"),
    ("R6", "acme/api#5", "alice", ts("01-15 10:00:00"), "comment"),
]

# incident_id, service, title, created_at, resolved_at, severity, source, caused_by, root_cause
INCIDENTS = [
    (
        "I0",
        "api",
        "boot loop",
        ts("01-02 08:00:00"),
        ts("01-02 09:00:00"),
        "SEV2",
        "pd",
        None,
        None,
    ),
    (
        "I1",
        "api",
        "cache errors",
        ts("01-09 12:00:00"),
        ts("01-09 14:00:00"),
        "SEV1",
        "pd",
        "D2",
        None,
    ),
    (
        "I2",
        "api",
        "parser crash",
        ts("01-09 16:00:00"),
        ts("01-09 16:45:20"),
        "SEV1",
        "pd",
        None,
        "p3c1",
    ),
    ("I3", "api", "latency", ts("01-11 10:00:00"), ts("01-11 11:00:00"), "SEV2", "pd", None, None),
    (
        "I4",
        "api",
        "crash again",
        ts("01-13 12:00:00"),
        ts("01-13 15:00:00"),
        "SEV1",
        "pd",
        None,
        None,
    ),
    ("I5", "api", "slow pages", ts("01-16 09:00:00"), None, "SEV3", "pd", None, None),
    (
        "IB1",
        "billing",
        "invoice delay",
        ts("01-10 12:00:00"),
        ts("01-10 11:00:00"),
        "SEV3",
        "pd",
        None,
        None,
    ),
]

RAW_ROWS: dict[str, list[tuple[Any, ...]]] = {
    "deployments": DEPLOYMENTS,
    "deployment_commits": DEPLOYMENT_COMMITS,
    "deployment_change_sets": DEPLOYMENT_CHANGE_SETS,
    "commits": COMMITS,
    "pull_requests": PULL_REQUESTS,
    "pull_request_commits": PULL_REQUEST_COMMITS,
    "pull_request_reviews": PULL_REQUEST_REVIEWS,
    "incidents": INCIDENTS,
}


@dataclass(frozen=True)
class Build:
    """A scenario warehouse after a successful `dbt build`."""

    name: str
    path: Path
    dbt_vars: dict[str, Any]

    def rows(self, sql: str, *params: Any) -> list[dict[str, Any]]:
        connection = duckdb.connect(str(self.path), read_only=True)
        try:
            cursor = connection.execute(sql, list(params))
            names = [column[0] for column in cursor.description]
            # fetchall, never fetchone: an unfinished result blocks a DuckDB 2.0 connection
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            connection.close()

    def one(self, sql: str, *params: Any) -> dict[str, Any]:
        result = self.rows(sql, *params)
        assert len(result) == 1, f"expected one row, got {len(result)}: {result}"
        return result[0]

    def value(self, sql: str, *params: Any) -> Any:
        (only,) = self.one(sql, *params).values()
        return only


def land_raw_tables(path: Path, raw_rows: dict[str, list[tuple[Any, ...]]] | None = None) -> None:
    connection = duckdb.connect(str(path))
    try:
        connection.execute(RAW_TABLES_DDL.read_text())
        for table, rows in (RAW_ROWS if raw_rows is None else raw_rows).items():
            if not rows:
                continue
            width = len(rows[0]) + len(LINEAGE)
            placeholders = ", ".join(["?"] * width)
            connection.executemany(
                f"insert into raw.{table} values ({placeholders})",
                [list(row) + list(LINEAGE) for row in rows],
            )
    finally:
        connection.close()


def dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else (shutil.which("dbt") or "dbt")


def run_dbt(arguments: list[str], workdir: Path, warehouse: Path) -> subprocess.CompletedProcess:
    """One dbt command against the DORA project with its own target and log paths, so it
    never touches the project's default warehouse or another run's artifacts."""
    env = {
        **os.environ,
        "PLATFORM_WAREHOUSE_PATH": str(warehouse),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    command = [
        dbt_executable(),
        *arguments,
        *dbt_path_arguments(DBT_PROJECT_DIR, workdir),
    ]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


def build(
    name: str,
    workdir: Path,
    dbt_vars: dict[str, Any],
    raw_rows: dict[str, list[tuple[Any, ...]]] | None = None,
) -> Build:
    """Land the scenario (or `raw_rows`, a smaller one of the same tables) in a fresh
    DuckDB file and run one `dbt build` (models, seeds and every dbt test) against it, on
    one thread."""
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"{name}.duckdb"
    land_raw_tables(path, raw_rows)
    all_vars = {"dora_as_of": AS_OF, "dora_window_days": WINDOW_DAYS, **dbt_vars}
    arguments = [
        "build",
        # only the DORA nodes (and the tests on them): other domains' models need raw
        # tables this scenario does not land
        "--select",
        *DORA_SELECTION,
        "--threads",
        "1",
        "--vars",
        json.dumps(all_vars),
    ]
    completed = run_dbt(arguments, workdir, path)
    if completed.returncode != 0:
        failures = [
            line for line in completed.stdout.splitlines() if "ERROR" in line or "FAIL" in line
        ]
        raise AssertionError(
            f"dbt build for scenario {name!r} failed (exit {completed.returncode}):\n"
            + "\n".join(failures[-40:])
            + "\n--- tail ---\n"
            + "\n".join(completed.stdout.splitlines()[-20:])
        )
    results = json.loads((workdir / "target" / "run_results.json").read_text())
    statuses = {r["unique_id"]: r["status"] for r in results["results"]}
    not_passing = {
        uid: status for uid, status in statuses.items() if status not in ("success", "pass")
    }
    assert not not_passing, f"scenario {name!r}: dbt nodes did not pass: {not_passing}"
    return Build(name=name, path=path, dbt_vars=all_vars)
