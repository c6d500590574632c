"""The scenario's raw rows arriving over time, as the loader would land them, for the
incremental-build tests.

A *snapshot* is the whole content of the raw tables at one moment. ``land_snapshot``
lands the difference with the previous one the way ``platform_assets.ingestion`` merges a
batch: a new or changed row (by the table's natural key) is written with a new
``_loaded_at``; an unchanged row keeps its old one; nothing is ever deleted.

``scenario_snapshots`` replays scenario.py's January in five loads (what was visible on
6 January, at noon on 12 January, three corrections, the end state), so the incremental
models meet every kind of change a source can make: a deployment landing late in the
middle of its series, a deployment that first failed, one whose finish time is corrected
(it moves after another), a pull request's merge commit corrected, a commit whose author
time and message are corrected (it moves from one deployment's window to the next and
stops being a revert), an incident moved to another service and re-linked to another
deployment, an explicit change set arriving after its deployment, pull requests merged
and incidents resolved after they first arrived.

``shuffled_snapshots`` lands the same end state in an order that ignores causality (a
pull request's commits before the pull request, change sets before their deployment).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from tests.dora_metrics.scenario import (
    OK,
    PROD,
    RAW_ROWS,
    RAW_TABLES_DDL,
    deployment,
    deployment_commit,
    ts,
)

Row = tuple[Any, ...]
Snapshot = dict[str, list[Row]]

#: Position of the columns the snapshots edit, per raw table (raw_tables.sql's order).
_DEPLOYMENT = {"result": 3, "finished_at": 5}
_PULL_REQUEST = {"created_at": 5, "merged_at": 6, "merge_sha": 7}
_INCIDENT = {"service": 1, "created_at": 3, "resolved_at": 4, "caused_by": 7}
_COMMIT_MESSAGE = 4
_KEY_POSITIONS = {
    table: [
        index
        for index, column in enumerate(RAW_CONTRACTS[table].column_names)
        if column in RAW_CONTRACTS[table].key
    ]
    for table in RAW_CONTRACTS
}


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def _key(table: str, row: Row) -> Row:
    return tuple(row[i] for i in _KEY_POSITIONS[table])


def rows_as_of(cutoff: datetime) -> Snapshot:
    """What the sources showed at ``cutoff``: rows whose event happened before it, pull
    requests merged later still open, incidents resolved later still open."""
    finished = {row[0]: _instant(row[5]) for row in RAW_ROWS["deployments"]}
    authored = {(row[0], row[1]): _instant(row[3]) for row in RAW_ROWS["commits"]}
    opened = {row[0]: _instant(row[5]) for row in RAW_ROWS["pull_requests"]}

    def before(value: datetime | None) -> bool:
        return value is not None and value < cutoff

    snapshot: Snapshot = {table: [] for table in RAW_ROWS}
    snapshot["deployments"] = [r for r in RAW_ROWS["deployments"] if before(_instant(r[5]))]
    for table in ("deployment_commits", "deployment_change_sets"):
        snapshot[table] = [r for r in RAW_ROWS[table] if before(finished[r[0]])]
    snapshot["commits"] = [r for r in RAW_ROWS["commits"] if before(_instant(r[3]))]
    for row in RAW_ROWS["pull_requests"]:
        if before(_instant(row[5])):
            merged = before(_instant(row[6]))
            merge = (row[6], row[7]) if merged else (None, None)
            snapshot["pull_requests"].append((*row[:6], *merge, *row[8:]))
    snapshot["pull_request_commits"] = [
        r
        for r in RAW_ROWS["pull_request_commits"]
        if before(opened[r[0]]) and before(authored.get((r[1], r[2])))
    ]
    snapshot["pull_request_reviews"] = [
        r for r in RAW_ROWS["pull_request_reviews"] if before(_instant(r[3]))
    ]
    for row in RAW_ROWS["incidents"]:
        if before(_instant(row[3])):
            resolved = row[4] if before(_instant(row[4])) else None
            snapshot["incidents"].append((*row[:4], resolved, *row[5:]))
    return snapshot


def _edit(snapshot: Snapshot, table: str, key: Row, **changes: Any) -> None:
    positions = {
        "deployments": _DEPLOYMENT,
        "pull_requests": _PULL_REQUEST,
        "incidents": _INCIDENT,
        "commits": {"authored_at": 3, "message": _COMMIT_MESSAGE},
    }[table]
    rows = snapshot[table]
    for index, row in enumerate(rows):
        if _key(table, row) == key:
            values = list(row)
            for name, value in changes.items():
                values[positions[name]] = value
            rows[index] = tuple(values)
            return
    raise KeyError(f"{table} has no row {key} in this snapshot")


def _withhold(snapshot: Snapshot, table: str, key: Row) -> None:
    snapshot[table] = [row for row in snapshot[table] if _key(table, row) != key]


def _restore(snapshot: Snapshot, table: str, key: Row) -> None:
    """Puts the final version of a row into the snapshot (added, or replacing an edit)."""
    _withhold(snapshot, table, key)
    snapshot[table].append(next(row for row in RAW_ROWS[table] if _key(table, row) == key))


def scenario_snapshots() -> list[Snapshot]:
    """Five loads of the scenario ending in exactly its final state. Each correction
    arrives in a load of its own or with others that touch later history only, so that
    no earlier change hides a missed one (a late deployment recomputes its series from
    its own time, for instance)."""
    first = rows_as_of(datetime.fromisoformat("2024-01-06 00:00:00+00:00"))
    # D2 is first reported failed (then retried as the same deployment and succeeded).
    _edit(first, "deployments", ("D2",), result="FAILURE")

    second = rows_as_of(datetime.fromisoformat("2024-01-12 12:00:00+00:00"))
    # D3 reaches the source late, into the middle of api's series.
    _withhold(second, "deployments", ("D3",))
    _withhold(second, "deployment_commits", ("D3", "acme/api"))
    # D6 first reports a finish before D5's (its clock).
    _edit(second, "deployments", ("D6",), finished_at="2024-01-09 09:30:00+00")
    # PR 3's merge commit is first reported wrong.
    _edit(second, "pull_requests", ("acme/api#3",), merge_sha="a4")
    # a7, D6's deployed commit, first reads as a revert authored before D5 deployed.
    _edit(
        second,
        "commits",
        ("acme/api", "a7"),
        message='Revert "config"',
        authored_at="2024-01-09 08:30:00+00",
    )
    # I3 is first filed against web; I1 first names D1 as its cause.
    _edit(second, "incidents", ("I3",), service="web")
    _edit(second, "incidents", ("I1",), caused_by="D1")
    # W2's explicit change set arrives after W2 itself.
    _withhold(second, "deployment_change_sets", ("W2", "acme/web", "w2"))

    third = {table: list(rows) for table, rows in second.items()}
    for table, key in [
        ("deployments", ("D3",)),
        ("deployment_commits", ("D3", "acme/api")),
        ("pull_requests", ("acme/api#3",)),
        ("deployment_change_sets", ("W2", "acme/web", "w2")),
        ("incidents", ("I3",)),
        ("incidents", ("I1",)),
    ]:
        _restore(third, table, key)

    # D6's finish is corrected: it moves after D5 (whose window grows back).
    fourth = {table: list(rows) for table, rows in third.items()}
    _restore(fourth, "deployments", ("D6",))

    # the end state: a7 corrected (it leaves D5's window for D6's) and the rest of January
    final = {table: list(rows) for table, rows in RAW_ROWS.items()}
    return [first, second, third, fourth, final]


def _with(snapshot: Snapshot, **additions: list[Row]) -> Snapshot:
    """A copy of ``snapshot`` with rows added to some tables."""
    copied = {table: list(rows) for table, rows in snapshot.items()}
    for table, rows in additions.items():
        copied[table].extend(rows)
    return copied


def isolated_correction_snapshots() -> list[Snapshot]:
    """The end state, then one change per load, each the only change of its load so that
    no other rule of the incremental models covers for the one it needs:

    1. a direct push reaches the source late, into an old window (D6's): only the
       deployment whose window holds its landing can see it, and it is I6's root cause;
    2. a deployment with no deployment commit (a member of no series) lands before I4:
       only the incidents of its service created after it are re-attributed (in DevLake
       mode, every incident created after it: IB2);
    3. I5 turns out resolved before D9 finished: D9 stops being the first deployment
       during an incident;
    4. pull request 7 merges into D10's window, then D10 turns out failed: the last of
       its series, so DevLake's match of pull request 7 must go with nothing else changed;
    5. two web deployments, W3 with an explicit change set, then W3's deployed commit
       turns out to belong to an unmerged pull request: it no longer lands, W3's window
       ends at its start instead, and W4's window loses a commit;
    6. pull request 9's commits ship in two deployments (explicit change sets: wa1 in
       W5, wa2 in W6), then pull request 10, merged earlier, turns out to hold wa2: pull
       request 9 loses its first commit, though W5, its first deployment, is untouched;
    7. a commit no deployment ships yet (wb0), first a direct push, then listed among pull
       request 9's commits: pull request 9 gains an earlier first commit, and no change set
       changes;
    8. DY, which IB3 (another service) names as its cause, reaches the source;
    9. I7 opens around D8, which becomes the first deployment during an incident;
    10. I4 turns out resolved before pull request 4 (which references it) merged: D8,
        which ships pull request 4, no longer ships a fix for an open incident.
    """
    end = _with(
        {table: list(rows) for table, rows in RAW_ROWS.items()},
        incidents=[
            # its root cause is not known yet (it arrives as the late push below)
            ("I6", "api", "stale cache", ts("01-10 08:00:00"), ts("01-10 08:30:00"),
             "SEV3", "pd", None, "a6b"),
            # DevLake blames the latest deployment of the whole project (W2, then DX)
            ("IB2", "billing", "slow invoices", ts("01-13 11:30:00"), ts("01-13 12:00:00"),
             "SEV3", "pd", None, None),
            # names a deployment that reaches the source later (DY)
            ("IB3", "billing", "failed invoices", ts("01-17 09:00:00"), ts("01-17 10:00:00"),
             "SEV2", "pd", "DY", None),
        ],
    )  # fmt: skip
    late_push = _with(end, commits=[("acme/api", "a6b", "dave", ts("01-09 09:30:00"), "late")])
    no_commits = _with(
        late_push, deployments=[deployment("DX", "api", PROD, OK, "01-13 11:00:00", "planned")]
    )
    resolved = {table: list(rows) for table, rows in no_commits.items()}
    _edit(resolved, "incidents", ("I5",), resolved_at=ts("01-16 10:00:00"))
    merged = _with(
        resolved,
        pull_requests=[
            (
                "acme/api#7", "acme/api", 7, "carol", "tidy",
                ts("01-16 12:30:00"), ts("01-16 13:00:00"), "a10m", None,
            )
        ],
        pull_request_commits=[("acme/api#7", "acme/api", "p7c1")],
        commits=[
            ("acme/api", "p7c1", "carol", ts("01-16 12:00:00"), "tidy up"),
            ("acme/api", "a10m", "carol", ts("01-16 13:00:00"), "Merge pull request #7"),
        ],
    )  # fmt: skip
    failed = {table: list(rows) for table, rows in merged.items()}
    _edit(failed, "deployments", ("D10",), result="FAILURE")
    web = _with(
        failed,
        commits=[
            ("acme/web", "wz", "erin", ts("01-18 09:00:00"), "menu"),
            ("acme/web", "w3", "erin", ts("01-19 09:00:00"), "header"),
            ("acme/web", "wq", "erin", ts("01-19 10:00:00"), "icons"),
            ("acme/web", "w4", "erin", ts("01-21 09:00:00"), "footer links"),
        ],
        deployments=[
            deployment("W3", "web", PROD, OK, "01-20 10:00:00", "planned"),
            deployment("W4", "web", PROD, OK, "01-22 10:00:00", "planned"),
        ],
        deployment_commits=[
            deployment_commit("W3", "acme/web", "w3"),
            deployment_commit("W4", "acme/web", "w4"),
        ],
        deployment_change_sets=[("W3", "acme/web", "wz")],
    )
    unlanded = _with(
        web,
        pull_requests=[
            ("acme/web#8", "acme/web", 8, "erin", "wip", ts("01-19 08:00:00"), None, None, None)
        ],
        pull_request_commits=[("acme/web#8", "acme/web", "w3")],
    )
    split = _with(
        unlanded,
        pull_requests=[
            (
                "acme/web#9", "acme/web", 9, "erin", "search",
                ts("01-22 08:00:00"), ts("01-23 09:00:00"), None, None,
            )
        ],
        pull_request_commits=[("acme/web#9", "acme/web", "wa1"), ("acme/web#9", "acme/web", "wa2")],
        commits=[
            ("acme/web", "wa2", "erin", ts("01-22 07:00:00"), "search box"),
            ("acme/web", "wa1", "erin", ts("01-23 08:00:00"), "search results"),
            ("acme/web", "w5d", "erin", ts("01-21 12:00:00"), "copy"),
        ],
        deployments=[
            deployment("W5", "web", PROD, OK, "01-24 10:00:00", "planned"),
            deployment("W6", "web", PROD, OK, "01-25 10:00:00", "planned"),
        ],
        deployment_commits=[
            deployment_commit("W5", "acme/web", "w5d"),
            deployment_commit("W6", "acme/web", "wa2"),
        ],
        deployment_change_sets=[("W5", "acme/web", "wa1"), ("W6", "acme/web", "wa2")],
    )  # fmt: skip
    stacked = _with(
        split,
        pull_requests=[
            (
                "acme/web#10", "acme/web", 10, "erin", "search box",
                ts("01-22 09:00:00"), ts("01-22 12:00:00"), None, None,
            )
        ],
        pull_request_commits=[("acme/web#10", "acme/web", "wa2")],
    )  # fmt: skip
    pushed = _with(stacked, commits=[("acme/web", "wb0", "erin", ts("01-23 07:00:00"), "api")])
    claimed = _with(pushed, pull_request_commits=[("acme/web#9", "acme/web", "wb0")])
    named = _with(
        claimed, deployments=[deployment("DY", "api", PROD, OK, "01-16 16:00:00", "planned")]
    )
    opened = _with(
        named,
        incidents=[
            ("I7", "api", "timeouts", ts("01-15 09:00:00"), ts("01-15 11:00:00"),
             "SEV2", "pd", None, None),
        ],
    )  # fmt: skip
    fixed_earlier = {table: list(rows) for table, rows in opened.items()}
    _edit(fixed_earlier, "incidents", ("I4",), resolved_at=ts("01-13 13:30:00"))
    return [
        end, late_push, no_commits, resolved, merged, failed, web, unlanded, split, stacked,
        pushed, claimed, named, opened, fixed_earlier,
    ]  # fmt: skip


def shuffled_snapshots(seed: int, loads: int = 3) -> list[Snapshot]:
    """The final state landed in ``loads`` batches of randomly chosen rows, so children
    may arrive before their parents."""
    chooser = random.Random(seed)
    batch_of = {
        (table, index): chooser.randrange(loads)
        for table, rows in RAW_ROWS.items()
        for index in range(len(rows))
    }
    return [
        {
            table: [row for index, row in enumerate(rows) if batch_of[(table, index)] <= load]
            for table, rows in RAW_ROWS.items()
        }
        for load in range(loads)
    ]


def create_raw_tables(path: Path) -> None:
    with duckdb.connect(str(path)) as connection:
        connection.execute(RAW_TABLES_DDL.read_text())


def land_snapshot(path: Path, previous: Snapshot | None, snapshot: Snapshot, load: int) -> None:
    """Merge ``snapshot`` into the raw tables: rows new or changed since ``previous`` get
    this load's ``_loaded_at`` (one second later per load); the others are untouched."""
    loaded_at = datetime.fromisoformat("2024-02-01 00:00:00+00:00") + timedelta(seconds=load)
    lineage = ("test", loaded_at, f"load-{load}", None)
    with duckdb.connect(str(path)) as connection:
        for table, rows in snapshot.items():
            before = {_key(table, row): row for row in (previous or {}).get(table, [])}
            missing = set(before) - {_key(table, row) for row in rows}
            assert not missing, f"raw tables never lose rows; {table} lost {missing}"
            changed = [row for row in rows if before.get(_key(table, row)) != row]
            if not changed:
                continue
            key_columns = [RAW_CONTRACTS[table].column_names[i] for i in _KEY_POSITIONS[table]]
            condition = " and ".join(f"{column} = ?" for column in key_columns)
            placeholders = ", ".join(["?"] * (len(changed[0]) + len(lineage)))
            for row in changed:
                connection.execute(f"delete from raw.{table} where {condition}", _key(table, row))
                connection.execute(
                    f"insert into raw.{table} values ({placeholders})", [*row, *lineage]
                )
