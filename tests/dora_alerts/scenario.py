"""The DORA scenario of tests/dora_metrics (January 2024, hand-checkable), with a fourth
week added so that every metric alert has something to find, built by dbt into real marts.

Week 4 (22 to 28 January, the last complete week at dora_as_of 2024-01-28):

    D11  api  PROD  SUCCESS  Wed 24 10:00  ships pull request 6 (merge commit a11), whose
                                           first commit p6c1 dates from Fri 05 09:00: a
                                           lead time of 457 hours
    I6   api  incident created Wed 24 12:00, resolved 13:00, caused by D11

With the scenario's own weeks this gives, per service and ISO week (Monday start):

    deployments           api 3, 4, 3, 1      web 1, 1, 0, 0
    change failure rate   api 1/3, 3/4, 1/3, 1/1
    p75 lead time (h)     api 26.25, 21.0, 23.25, 457.0    web 1.0, 1.0, -, -

and incident I5 (api) open since Tue 16 09:00. So, judged on the week ending on a given
day: the 14th has api's change failure rate at 75 %; the 28th has the deployments of both
services far below their median, api's p75 lead time twenty times its median, api's
failure rate at 100 % and I5 open for 303 hours.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from tests.dora_metrics.scenario import (
    AS_OF,
    DORA_SELECTION,
    LINEAGE,
    RAW_ROWS,
    RAW_TABLES_DDL,
    WINDOW_DAYS,
    deployment,
    deployment_commit,
    run_dbt,
    ts,
)

WEEK_4_ROWS: dict[str, list[tuple[Any, ...]]] = {
    "deployments": [deployment("D11", "api", "PRODUCTION", "SUCCESS", "01-24 10:00:00", "planned")],
    "deployment_commits": [deployment_commit("D11", "acme/api", "a11")],
    "commits": [
        ("acme/api", "p6c1", "bob", ts("01-05 09:00:00"), "long-running migration"),
        ("acme/api", "a11", "bob", ts("01-23 09:00:00"), "Merge pull request #6"),
    ],
    "pull_requests": [
        (
            *("acme/api#6", "acme/api", 6, "bob", "migration"),
            *(ts("01-05 10:00:00"), ts("01-23 09:00:00"), "a11", None),
        )
    ],
    "pull_request_commits": [("acme/api#6", "acme/api", "p6c1")],
    "incidents": [
        (
            *("I6", "api", "migration locks", ts("01-24 12:00:00"), ts("01-24 13:00:00")),
            *("SEV2", "pd", "D11", None),
        )
    ],
}

#: The last day of each week of the scenario.
WEEK_1_END, WEEK_2_END, WEEK_3_END, WEEK_4_END = (dt.date(2024, 1, day) for day in (7, 14, 21, 28))
assert WEEK_4_END.isoformat() == AS_OF


@dataclass(frozen=True)
class AlertMarts:
    """A DuckDB file holding the scenario's raw tables and the DORA models dbt built."""

    path: Path


def land(path: Path) -> None:
    connection = duckdb.connect(str(path))
    try:
        connection.execute(RAW_TABLES_DDL.read_text())
        for table in RAW_ROWS:
            rows = [*RAW_ROWS[table], *WEEK_4_ROWS.get(table, [])]
            if not rows:
                continue
            placeholders = ", ".join(["?"] * (len(rows[0]) + len(LINEAGE)))
            connection.executemany(
                f"insert into raw.{table} values ({placeholders})",
                [[*row, *LINEAGE] for row in rows],
            )
    finally:
        connection.close()


def build_alert_marts(workdir: Path) -> AlertMarts:
    """The raw tables landed and every DORA model built by `dbt build`, to dora_as_of
    2024-01-28 in the default mode."""
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "alerts.duckdb"
    land(path)
    dbt_vars = {"dora_as_of": AS_OF, "dora_window_days": WINDOW_DAYS, "dora_mode": "default"}
    completed = run_dbt(
        ["build", "--select", *DORA_SELECTION, "--threads", "1", "--vars", json.dumps(dbt_vars)],
        workdir,
        path,
    )
    assert completed.returncode == 0, "dbt build failed:\n" + completed.stdout[-4000:]
    return AlertMarts(path)
