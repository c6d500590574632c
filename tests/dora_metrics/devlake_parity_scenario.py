"""A small history in which DevLake's per-repository deployment commits matter: one
service, ``shop``, deploys repositories acme/app and acme/lib together, and each
repository finishes (or fails) at its own time. Service ``web`` deploys acme/web once.
January 2024, UTC; 8 January is a Monday. test_devlake_parity.py works the figures out.

    deployment  finished (the deployment, = latest of its commits)
    S1  shop    Mon 08 10:00   app app1, lib lib1 (no own times: the deployment's); first
                               of both series
    S2  shop    Thu 11 01:00   app app2 finished Wed 10 23:00 (started 22:00),
                               lib lib2 finished Thu 11 01:00 (started 10 Jan 23:30)
    S3  shop    Fri 12 11:00   app app3 finished Fri 12 10:00 (started 09:00),
                               lib lib3 FAILED Fri 12 11:00 (started 10:00): a failed try
    W1  web     Fri 12 10:30   web web1
    S4  shop    Sat 13 10:00   lib lib3 again: the retry (no own times)

    change sets (explicit, as DevLake's commits_diffs give them): S2/app {app2, appa},
    S2/lib {lib2}, S3/app {app3}, S4/lib {libb, lib3}; S3/lib has none, so were it a
    successful deployment commit its change set would be derived: {libb, lib3}.

    pull request  created         merged          merge  first commit    review
    app#0 (Z)     Mon 08 07:00    Mon 08 08:00    app1   none            none
    app#1 (A)     Wed 10 08:00    Wed 10 12:00    appa   Wed 10 07:00    none
    lib#1 (B)     Thu 11 09:00    Thu 11 10:00    libb   Thu 11 08:00    frank Thu 11 09:30

    incident  service  created          resolved
    I1        shop     Thu 11 00:00     Thu 11 02:00   (between S2's app and lib finishes)
    I2        shop     Thu 11 00:30     Thu 11 03:00   (likewise)
    I3        shop     Fri 12 11:30     Fri 12 12:00   (after S3's failed lib try)
"""

from __future__ import annotations

from typing import Any

from tests.dora_metrics.scenario import OK, PROD, deployment, deployment_commit, ts

APP, LIB, WEB = "acme/app", "acme/lib", "acme/web"

RAW_ROWS: dict[str, list[tuple[Any, ...]]] = {
    "deployments": [
        deployment("S1", "shop", PROD, OK, "01-08 10:00:00", "planned"),
        deployment("S2", "shop", PROD, OK, "01-11 01:00:00", "planned"),
        deployment("S3", "shop", PROD, OK, "01-12 11:00:00", "planned"),
        deployment("W1", "web", PROD, OK, "01-12 10:30:00", "planned"),
        deployment("S4", "shop", PROD, OK, "01-13 10:00:00", "planned"),
    ],
    "deployment_commits": [
        deployment_commit("S1", APP, "app1"),
        deployment_commit("S1", LIB, "lib1"),
        deployment_commit("S2", APP, "app2", "01-10 22:00:00", "01-10 23:00:00", OK),
        deployment_commit("S2", LIB, "lib2", "01-10 23:30:00", "01-11 01:00:00", OK),
        deployment_commit("S3", APP, "app3", "01-12 09:00:00", "01-12 10:00:00", OK),
        deployment_commit("S3", LIB, "lib3", "01-12 10:00:00", "01-12 11:00:00", "FAILURE"),
        deployment_commit("W1", WEB, "web1"),
        deployment_commit("S4", LIB, "lib3"),
    ],
    "deployment_change_sets": [
        ("S2", APP, "app2"),
        ("S2", APP, "appa"),
        ("S2", LIB, "lib2"),
        ("S3", APP, "app3"),
        ("S4", LIB, "libb"),
        ("S4", LIB, "lib3"),
    ],
    "commits": [
        (APP, "app1", "dana", ts("01-07 12:00:00"), "Merge pull request #0"),
        (LIB, "lib1", "erin", ts("01-07 10:00:00"), "lib baseline"),
        (APP, "a1c", "dana", ts("01-10 07:00:00"), "basket"),
        (APP, "app2", "dana", ts("01-10 21:00:00"), "release app"),
        (LIB, "lib2", "erin", ts("01-10 20:00:00"), "release lib"),
        (LIB, "b1c", "erin", ts("01-11 08:00:00"), "pricing"),
        (LIB, "lib3", "erin", ts("01-11 12:00:00"), "release lib again"),
        (APP, "app3", "dana", ts("01-12 08:00:00"), "release app again"),
        (WEB, "web1", "gus", ts("01-12 09:00:00"), "web release"),
    ],
    "pull_requests": [
        (
            f"{APP}#0",
            APP,
            0,
            "dana",
            "baseline",
            ts("01-08 07:00:00"),
            ts("01-08 08:00:00"),
            "app1",
            None,
        ),
        (
            f"{APP}#1",
            APP,
            1,
            "dana",
            "basket",
            ts("01-10 08:00:00"),
            ts("01-10 12:00:00"),
            "appa",
            None,
        ),
        (
            f"{LIB}#1",
            LIB,
            1,
            "erin",
            "pricing",
            ts("01-11 09:00:00"),
            ts("01-11 10:00:00"),
            "libb",
            None,
        ),
    ],
    "pull_request_commits": [(f"{APP}#1", APP, "a1c"), (f"{LIB}#1", LIB, "b1c")],
    "pull_request_reviews": [("RB", f"{LIB}#1", "frank", ts("01-11 09:30:00"), "approval")],
    "incidents": [
        (
            "I1",
            "shop",
            "checkout down",
            ts("01-11 00:00:00"),
            ts("01-11 02:00:00"),
            "SEV2",
            "pagerduty",
            None,
            None,
        ),
        (
            "I2",
            "shop",
            "prices wrong",
            ts("01-11 00:30:00"),
            ts("01-11 03:00:00"),
            "SEV3",
            "pagerduty",
            None,
            None,
        ),
        (
            "I3",
            "shop",
            "basket slow",
            ts("01-12 11:30:00"),
            ts("01-12 12:00:00"),
            "SEV3",
            "pagerduty",
            None,
            None,
        ),
    ],
}


def _replace(rows: list[tuple[Any, ...]], key: tuple[Any, ...], row: tuple[Any, ...]) -> list:
    return [row if existing[: len(key)] == key else existing for existing in rows]


def snapshots() -> list[dict[str, list[tuple[Any, ...]]]]:
    """The history in four loads, each a whole raw state: S1 and S2 with I1; everything;
    then S4 finishing an hour later (its lib commit inherits the new finish) and S2's app
    commit finishing at 11 Jan 00:45 instead (after I1 and I2, which move to S1); then the
    failed S3/lib try corrected to a success (a member of its series now, with a derived
    change set holding libb: lib#1 moves to S3, and I3 with it)."""
    everything = RAW_ROWS
    first_ids = {"S1", "S2"}
    first = {
        table: [row for row in rows if table not in _BY_DEPLOYMENT or row[0] in first_ids]
        for table, rows in everything.items()
    }
    first["pull_requests"] = [row for row in everything["pull_requests"] if row[1] == APP]
    first["pull_request_commits"] = [r for r in everything["pull_request_commits"] if r[1] == APP]
    first["pull_request_reviews"] = []
    first["incidents"] = [row for row in everything["incidents"] if row[0] == "I1"]
    moved = {
        **everything,
        "deployments": _replace(
            everything["deployments"],
            ("S4",),
            deployment("S4", "shop", PROD, OK, "01-13 11:00:00", "planned"),
        ),
        "deployment_commits": _replace(
            everything["deployment_commits"],
            ("S2", APP),
            deployment_commit("S2", APP, "app2", "01-10 22:00:00", "01-11 00:45:00", OK),
        ),
    }
    retried = {
        **moved,
        "deployment_commits": _replace(
            moved["deployment_commits"],
            ("S3", LIB),
            deployment_commit("S3", LIB, "lib3", "01-12 10:00:00", "01-12 11:00:00", OK),
        ),
    }
    return [first, everything, moved, retried]


_BY_DEPLOYMENT = ("deployments", "deployment_commits", "deployment_change_sets")
