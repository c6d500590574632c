"""DevLake's domain-layer tables mapped onto the raw DORA tables, one function per raw
table, scoped to a DevLake project when one is configured (docs/devlake-source.md has the
mapping table and the DevLake model each column comes from).

Columns are qualified by their table (``cicd_deployment_commits.result``) so that joins
never confuse two tables' ``id``. Each raw column names the DevLake columns it is made
of: when the export lacks one of them, the raw column is left out of the records, so the
load records it as removed and keeps what it stored, as for any source that stops sending
a field. Nothing is filtered for being bad: a row whose key or required column cannot be
filled goes on with it empty and is quarantined by validation, with the reason. Rows are
left out only for being outside the project (``ProjectScope``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

import polars as pl

from platform_assets.ingestion import FailureCategory, Rejected, SourceError
from platform_assets.ingestion.validation import parse_timestamp
from platform_assets.integrations.devlake.tables import DevLakeTables

SOURCE_NAME: Final = "devlake"
#: DevLake writes its times in UTC (MySQL DATETIME without an offset).
DEVLAKE_TIME_ZONE: Final = "UTC"
_ISO_UTC: Final = "%Y-%m-%dT%H:%M:%S%.fZ"
#: DevLake's result names that differ from the raw enumeration (devops/cicd_pipeline.go).
_RESULTS: Final = {"ABORT": "ABORTED"}
#: DevLake's review states (pull_request_comments.status of a REVIEW) as review kinds.
_REVIEW_STATES: Final = {"APPROVED": "approval", "CHANGES_REQUESTED": "changes_requested"}

Output = tuple[pl.Expr, tuple[str, ...]]
"""A raw column: its expression and the qualified DevLake columns it is made of."""


@dataclass(frozen=True)
class ProjectScope:
    """The rows of DevLake's ``project_mapping`` for one project: the ids of the
    repositories (``repos``), CI/CD scopes (``cicd_scopes``) and boards (``boards``)."""

    name: str
    repos: frozenset[str]
    cicd_scopes: frozenset[str]
    boards: frozenset[str]


@dataclass(frozen=True)
class Mapped:
    frame: pl.DataFrame
    rejected: tuple[Rejected, ...]


class Reader:
    """DevLake's tables for one extract, qualified, with the lines that could not be read
    and the columns the export lacks gathered along the way."""

    def __init__(self, tables: DevLakeTables, scope: ProjectScope | None) -> None:
        self._tables = tables
        self.scope = scope
        self.rejected: list[Rejected] = []
        self.missing: set[str] = set()

    def optional(self, table: str, columns: Sequence[str]) -> pl.DataFrame | None:
        read = self._tables.read(table, columns)
        if read is None:
            return None
        self.rejected += read.rejected
        self.missing |= {f"{table}.{column}" for column in read.missing}
        return read.frame.rename({column: f"{table}.{column}" for column in columns})

    def required(self, table: str, columns: Sequence[str], needed_by: str) -> pl.DataFrame:
        frame = self.optional(table, columns)
        if frame is None:
            raise SourceError(
                FailureCategory.CONFIGURATION,
                f"DevLake's {table} table is missing: {needed_by} needs it; export it too",
            )
        return frame

    def in_scope(
        self, frame: pl.DataFrame, column: str, ids: frozenset[str] | None
    ) -> pl.DataFrame:
        return frame if ids is None else frame.filter(pl.col(column).is_in(list(ids)))

    def records(self, frame: pl.DataFrame, outputs: Mapping[str, Output]) -> Mapped:
        kept = {
            name: expression.alias(name)
            for name, (expression, sources) in outputs.items()
            if not self.missing.intersection(sources)
        }
        return Mapped(
            frame.select(*kept.values()).unique(maintain_order=True), tuple(self.rejected)
        )


#: A raw column DevLake's domain layer has nothing for: sent empty, so that it is not
#: recorded as a column the source stopped sending.
_UNMAPPED: Final[Output] = (pl.lit(None, pl.String), ())


def _col(qualified: str) -> Output:
    return pl.col(qualified), (qualified,)


def _repos(reader: Reader) -> frozenset[str] | None:
    return reader.scope.repos if reader.scope else None


def _join_kind(reader: Reader) -> Literal["left", "inner"]:
    """Scoped, a row must reach an in-scope parent; unscoped, a row without one still goes
    on (its key empty, so it is quarantined rather than lost)."""
    return "left" if reader.scope is None else "inner"


# Deployments -------------------------------------------------------------------------

DC: Final = "cicd_deployment_commits"
_DC_COLUMNS: Final = (
    "id",
    "cicd_scope_id",
    "cicd_deployment_id",
    "result",
    "environment",
    "started_date",
    "finished_date",
    "commit_sha",
    "repo_url",
    "prev_success_deployment_commit_id",
)


def _deployment_commits_frame(reader: Reader) -> pl.DataFrame | None:
    frame = reader.optional(DC, _DC_COLUMNS)
    if frame is None:
        return None
    scopes = reader.scope.cicd_scopes if reader.scope else None
    return reader.in_scope(frame, f"{DC}.cicd_scope_id", scopes)


def _result(column: str) -> Output:
    result, sources = _col(column)
    return result.str.to_uppercase().replace(_RESULTS), sources


def _per_deployment(
    column: str, aggregate: Callable[[pl.Expr], pl.Expr], *, successful_first: bool = False
) -> Output:
    """A time of the deployment as a whole, from its commits' times (earliest start,
    latest finish); with ``successful_first``, among its successful commits when it has
    any. A value that does not parse stays as it was on its row, so that row is
    quarantined as unparseable instead of the time being silently skipped."""
    raw = pl.col(f"{DC}.{column}")
    parsed = parse_timestamp(raw, DEVLAKE_TIME_ZONE)
    deployment = f"{DC}.cicd_deployment_id"
    whole = aggregate(parsed).over(deployment)
    sources: tuple[str, ...] = (f"{DC}.{column}", deployment)
    if successful_first:
        succeeded = pl.col(f"{DC}.result").str.to_uppercase() == "SUCCESS"
        whole = pl.coalesce(aggregate(parsed.filter(succeeded)).over(deployment), whole)
        sources += (f"{DC}.result",)
    value = pl.when(raw.is_not_null() & parsed.is_null()).then(raw)
    return value.otherwise(whole.dt.to_string(_ISO_UTC)), sources


def deployments(reader: Reader) -> Mapped | None:
    """One row per deployment commit, each carrying its deployment's earliest start and
    latest finish (of its successful commits, if any); rows of one deployment that differ
    (a failed try and its retry) are settled by the deployments conflict rule, as the
    file source settles them."""
    frame = _deployment_commits_frame(reader)
    if frame is None:
        return None
    return reader.records(
        frame,
        {
            "deployment_id": _col(f"{DC}.cicd_deployment_id"),
            "service": (
                pl.coalesce(f"{DC}.cicd_scope_id", f"{DC}.repo_url"),
                (f"{DC}.cicd_scope_id", f"{DC}.repo_url"),
            ),
            "environment": (pl.col(f"{DC}.environment").str.to_uppercase(), (f"{DC}.environment",)),
            "result": _result(f"{DC}.result"),
            "started_at": _per_deployment("started_date", pl.Expr.min),
            # DevLake's deployment frequency dates a deployment by max(cdc.finished_date)
            # over its commits with cdc.result = 'SUCCESS' (the dora dashboards'
            # _deployments): a failed try that finished later does not move it
            "finished_at": _per_deployment("finished_date", pl.Expr.max, successful_first=True),
            "source": (pl.lit(SOURCE_NAME), ()),
            "trigger_kind": (pl.lit("unknown"), ()),
        },
    )


def deployment_commits(reader: Reader) -> Mapped | None:
    """Each deployment commit with its own start, finish and result: DevLake dates a
    deployment commit by its own ``finished_date`` for lead time and incident linking and
    counts it by its own ``result`` (dora plugin, prev_deployment_commit_enricher.go,
    change_lead_time_calculator.go, incident_deploy_connector.go)."""
    frame = _deployment_commits_frame(reader)
    if frame is None:
        return None
    return reader.records(
        frame,
        {
            "deployment_id": _col(f"{DC}.cicd_deployment_id"),
            "repo": _col(f"{DC}.repo_url"),
            "sha": _col(f"{DC}.commit_sha"),
            "started_at": _col(f"{DC}.started_date"),
            "finished_at": _col(f"{DC}.finished_date"),
            "result": _result(f"{DC}.result"),
        },
    )


def deployment_change_sets(reader: Reader) -> Mapped | None:
    """DevLake's ``commits_diffs`` between each successful production deployment commit
    and the previous one (``prev_success_deployment_commit_id``), as DevLake's DORA plugin
    reads them; a first deployment has none, and the models derive its change set."""
    diffs = reader.optional("commits_diffs", ("new_commit_sha", "old_commit_sha", "commit_sha"))
    if diffs is None:
        return None
    frame = _deployment_commits_frame(reader)
    if frame is None:
        return None
    previous = frame.select(
        pl.col(f"{DC}.id").alias("previous.id"),
        pl.col(f"{DC}.commit_sha").alias("previous.commit_sha"),
    )
    shipped = (
        frame.filter(
            (pl.col(f"{DC}.result").str.to_uppercase() == "SUCCESS")
            & (pl.col(f"{DC}.environment").str.to_uppercase() == "PRODUCTION")
        )
        .join(previous, left_on=f"{DC}.prev_success_deployment_commit_id", right_on="previous.id")
        .join(
            diffs,
            left_on=[f"{DC}.commit_sha", "previous.commit_sha"],
            right_on=["commits_diffs.new_commit_sha", "commits_diffs.old_commit_sha"],
        )
    )
    return reader.records(
        shipped,
        {
            "deployment_id": _col(f"{DC}.cicd_deployment_id"),
            "repo": _col(f"{DC}.repo_url"),
            "sha": _col("commits_diffs.commit_sha"),
        },
    )


# Code ----------------------------------------------------------------------------------


def _repo_urls(reader: Reader, needed_by: str) -> pl.DataFrame:
    return reader.required("repos", ("id", "url"), needed_by)


def commits(reader: Reader) -> Mapped | None:
    """A commit once per repository that has it (``repo_commits``), named by the
    repository's URL as the deployment commits name it."""
    frame = reader.optional("commits", ("sha", "author_name", "authored_date", "message"))
    if frame is None:
        return None
    links = reader.required("repo_commits", ("repo_id", "commit_sha"), "commits")
    links = reader.in_scope(links, "repo_commits.repo_id", _repos(reader))
    joined = frame.join(
        links, left_on="commits.sha", right_on="repo_commits.commit_sha", how=_join_kind(reader)
    ).join(
        _repo_urls(reader, "commits"),
        left_on="repo_commits.repo_id",
        right_on="repos.id",
        how="left",
    )
    return reader.records(
        joined,
        {
            "repo": _col("repos.url"),
            "sha": _col("commits.sha"),
            "author": _col("commits.author_name"),
            "authored_at": _col("commits.authored_date"),
            "message": _col("commits.message"),
        },
    )


PR: Final = "pull_requests"


_PR_COLUMNS: Final = (
    "id",
    "base_repo_id",
    "pull_request_key",
    "author_name",
    "title",
    "created_date",
    "merged_date",
    "merge_commit_sha",
)


def _with_pr_ids(reader: Reader, frame: pl.DataFrame, needed_by: str) -> pl.DataFrame:
    """Pull requests of the project, with their repository's URL and their raw id
    ``<repo URL>#<number>``."""
    frame = reader.in_scope(frame, f"{PR}.base_repo_id", _repos(reader))
    return frame.join(
        _repo_urls(reader, needed_by), left_on=f"{PR}.base_repo_id", right_on="repos.id", how="left"
    ).with_columns(
        pl.concat_str("repos.url", pl.lit("#"), f"{PR}.pull_request_key").alias("pr_id"),
    )


_PR_ID: Final = (pl.col("pr_id"), ("repos.url", f"{PR}.pull_request_key"))


def pull_requests(reader: Reader) -> Mapped | None:
    frame = reader.optional(PR, _PR_COLUMNS)
    if frame is None:
        return None
    return reader.records(
        _with_pr_ids(reader, frame, PR),
        {
            "pr_id": _PR_ID,
            "repo": _col("repos.url"),
            "number": _col(f"{PR}.pull_request_key"),
            "author": _col(f"{PR}.author_name"),
            "title": _col(f"{PR}.title"),
            "created_at": _col(f"{PR}.created_date"),
            "merged_at": _col(f"{PR}.merged_date"),
            "merge_sha": _col(f"{PR}.merge_commit_sha"),
            "referenced_incident_id": _UNMAPPED,
        },
    )


def _of_pull_requests(reader: Reader, table: str, columns: Sequence[str]) -> pl.DataFrame | None:
    """A child table of pull requests, joined to its pull request (its id and repo)."""
    frame = reader.optional(table, columns)
    if frame is None:
        return None
    parents = _with_pr_ids(reader, reader.required(PR, _PR_COLUMNS, table), table)
    return frame.join(
        parents, left_on=f"{table}.pull_request_id", right_on=f"{PR}.id", how=_join_kind(reader)
    )


def pull_request_commits(reader: Reader) -> Mapped | None:
    table = "pull_request_commits"
    frame = _of_pull_requests(reader, table, ("pull_request_id", "commit_sha"))
    if frame is None:
        return None
    return reader.records(
        frame,
        {"pr_id": _PR_ID, "repo": _col("repos.url"), "sha": _col(f"{table}.commit_sha")},
    )


def pull_request_reviews(reader: Reader) -> Mapped | None:
    """Comments and reviews: a review by its state (approved, changes requested, other),
    every other comment (``NORMAL``, ``DIFF``) a comment."""
    table = "pull_request_comments"
    columns = ("id", "pull_request_id", "account_id", "created_date", "type", "status")
    frame = _of_pull_requests(reader, table, columns)
    if frame is None:
        return None
    status = pl.col(f"{table}.status").str.to_uppercase()
    kind = (
        pl.when(pl.col(f"{table}.type").str.to_uppercase() == "REVIEW")
        .then(status.replace_strict(_REVIEW_STATES, default="review"))
        .otherwise(pl.lit("comment"))
    )
    return reader.records(
        frame,
        {
            "review_id": _col(f"{table}.id"),
            "pr_id": _PR_ID,
            "author": _col(f"{table}.account_id"),
            "created_at": _col(f"{table}.created_date"),
            "kind": (kind, (f"{table}.type", f"{table}.status")),
        },
    )


# Incidents -----------------------------------------------------------------------------


def incidents(reader: Reader) -> Mapped | None:
    """Issues of DevLake's standard type ``INCIDENT``. The service is the issue's
    component, else the board it is on (the first by id, within the project)."""
    columns = ("id", "type", "title", "created_date", "resolution_date", "severity", "component")
    frame = reader.optional("issues", columns)
    if frame is None:
        return None
    frame = frame.filter(pl.col("issues.type") == "INCIDENT")
    links = (
        reader.required("board_issues", ("board_id", "issue_id"), "a project's incidents")
        if reader.scope
        else reader.optional("board_issues", ("board_id", "issue_id"))
    )
    if links is None:
        links = pl.DataFrame(
            schema={"board_issues.board_id": pl.String, "board_issues.issue_id": pl.String}
        )
    links = reader.in_scope(
        links, "board_issues.board_id", reader.scope.boards if reader.scope else None
    )
    boards = links.group_by("board_issues.issue_id").agg(pl.col("board_issues.board_id").min())
    joined = frame.join(
        boards, left_on="issues.id", right_on="board_issues.issue_id", how=_join_kind(reader)
    )
    return reader.records(
        joined,
        {
            "incident_id": _col("issues.id"),
            "service": (
                pl.coalesce("issues.component", "board_issues.board_id"),
                (),
            ),
            "title": _col("issues.title"),
            "created_at": _col("issues.created_date"),
            "resolved_at": _col("issues.resolution_date"),
            "severity": _col("issues.severity"),
            "source": (pl.lit(SOURCE_NAME), ()),
            "caused_by_deployment_id": _UNMAPPED,
            "root_cause_sha": _UNMAPPED,
        },
    )


MAPPINGS: Final[Mapping[str, Callable[[Reader], Mapped | None]]] = {
    "deployments": deployments,
    "deployment_commits": deployment_commits,
    "deployment_change_sets": deployment_change_sets,
    "commits": commits,
    "pull_requests": pull_requests,
    "pull_request_commits": pull_request_commits,
    "pull_request_reviews": pull_request_reviews,
    "incidents": incidents,
}


def project_scope(tables: DevLakeTables, project: str, setting: str) -> ProjectScope:
    """The project's rows of ``project_mapping``; a project DevLake does not know is a
    configuration error naming the projects it does."""
    read = tables.read("project_mapping", ("project_name", "table", "row_id"))
    if read is None:
        raise SourceError(
            FailureCategory.CONFIGURATION,
            f"{setting}={project!r} needs DevLake's project_mapping table; export it, or "
            f"unset {setting} to read every project",
        )
    rows = read.frame.filter(pl.col("project_name") == project)
    if rows.is_empty():
        known = sorted(set(read.frame["project_name"].drop_nulls()))
        raise SourceError(
            FailureCategory.CONFIGURATION,
            f"{setting}={project!r} is not a project in DevLake's project_mapping; "
            f"projects: {', '.join(known) or 'none'}",
        )

    def ids(table: str) -> frozenset[str]:
        return frozenset(rows.filter(pl.col("table") == table)["row_id"].drop_nulls())

    return ProjectScope(project, ids("repos"), ids("cicd_scopes"), ids("boards"))
