"""The raw DORA tables of docs/dora-raw-tables.md as Pandera models.

Each model documents its table's columns (description, ``pii``), asserts its natural
key unique and not null, and fixes the landing contract: column types, required
columns, allowed values and plausible values (``TableContract.from_pandera``). Author
names are personal data. The raw layer lands them as the source gives them (hashing at
landing would lose the source's value for good), so raw tables are ``restricted``: the
raw assets carry the ``access: restricted`` tag and consumers read the staging models,
which hash authors; the quarantine never copies them.

Plausible values, decided per column (a value outside them is quarantined with the
rule it breaks, see docs/dora-raw-tables.md):

- text: at most ``TEXT_BYTES`` in UTF-8, free text (titles, commit messages) more; no
  text may hold a NUL byte (a rule of the contract for every text column);
- timestamps: not before the column's ``ge`` bound and at most
  ``FUTURE_TOLERANCE_HOURS`` after the load;
- row rules: an end is never before its start (``in_order``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

import pandera.polars as pa
from pandera.engines.polars_engine import DateTime

from platform_assets.ingestion import TableContract
from platform_assets.ingestion.contract import FUTURE_TOLERANCE_KEY, MAX_BYTES_KEY
from platform_assets.integrations.pandera import in_order

RAW_SCHEMA: Final = "raw"

ENVIRONMENTS: Final = ("PRODUCTION", "STAGING", "TESTING", "DEVELOPMENT")
RESULTS: Final = ("SUCCESS", "FAILURE", "ABORTED")
TRIGGER_KINDS: Final = ("planned", "hotfix", "rollback", "unknown")
REVIEW_KINDS: Final = ("comment", "review", "approval", "changes_requested")

#: Ids, names and enumerations: generous (a sha is 40 bytes, a repository name at most
#: 200 on GitHub); a value beyond it is a broken export (a 16 MiB field was seen).
TEXT_BYTES: Final = 1024
#: Pull request and incident titles (GitHub caps a title at 256 characters).
TITLE_BYTES: Final = 4096
#: Commit messages: long squash-merge messages stay well below it.
MESSAGE_BYTES: Final = 65536

#: Deployments, pull requests, reviews and incidents are recorded by CI/CD, code review
#: and incident tools, none of which existed before 2000 (the demo source generates the
#: last months before its end date).
EVENTS_SINCE: Final = datetime(2000, 1, 1, tzinfo=UTC)
#: A commit's author date comes from the author's machine, and history imported from
#: older version control keeps its dates, so only dates before the Unix epoch (a zeroed
#: or broken field, such as year 0001) are implausible.
COMMITS_SINCE: Final = datetime(1970, 1, 1, tzinfo=UTC)
#: No raw timestamp records an event after its load; a day absorbs sources' clock drift.
FUTURE_TOLERANCE_HOURS: Final = 24
#: A record a source deletes (a file without it, a full read that no longer returns it)
#: is kept and marked ``_deleted_at`` (docs/sources.md), so a deletion is seen downstream
#: and undone when the record returns.
TABLE_OPTIONS: Final = {"soft_deletes": True}


def _metadata(*, pii: bool, **plausible: Any) -> dict[str, Any]:
    classification = {"pii": True, "pii_protection": "restricted"} if pii else {"pii": False}
    return {**classification, **plausible}


def _column(
    description: str, *, pii: bool = False, max_bytes: int = TEXT_BYTES, **kwargs: Any
) -> Any:
    """A text column."""
    metadata = _metadata(pii=pii, **{MAX_BYTES_KEY: max_bytes})
    return pa.Field(description=description, metadata=metadata, **kwargs)


def _key(description: str, *, unique: bool = False) -> Any:
    return _column(description, nullable=False, unique=unique)


def _utc(description: str, *, nullable: bool, since: datetime = EVENTS_SINCE, **kwargs: Any) -> Any:
    return pa.Field(
        description=description,
        metadata=_metadata(pii=False, **{FUTURE_TOLERANCE_KEY: FUTURE_TOLERANCE_HOURS}),
        nullable=nullable,
        ge=since,
        dtype_kwargs={"time_unit": "us", "time_zone": "UTC"},
        **kwargs,
    )


class _Lineage(pa.DataFrameModel):
    """The lineage columns every raw table carries (aliases: Pandera ignores attributes
    whose names start with an underscore)."""

    source_lineage: str = _column(
        "Connector that landed the row, e.g. demo, files, github.", alias="_source"
    )
    loaded_at_lineage: DateTime = _utc(
        "When the row was last inserted or changed (UTC); an unchanged row keeps it.",
        nullable=False,
        alias="_loaded_at",
    )
    run_id_lineage: str = _column(
        "Dagster run that last inserted or changed the row.", alias="_run_id"
    )
    deleted_at_lineage: DateTime = _utc(
        "When the source deleted the row (UTC): it reported the deletion, or a complete "
        "read no longer returned it; NULL while it exists. Staging leaves such rows out.",
        nullable=True,
        alias="_deleted_at",
    )
    extras_lineage: str = _column(
        "The source's fields the contract does not know yet, as a JSON object; NULL when "
        "none (docs/schema-evolution.md). May hold personal data.",
        pii=True,
        nullable=True,
        alias="_extras",
    )


class Deployments(_Lineage):
    deployment_id: str = _key("Deployment id, unique across sources.", unique=True)
    service: str = _column("Service the deployment put live.")
    environment: str = _column("Target environment.", isin=list(ENVIRONMENTS))
    result: str = _column("Outcome of the deployment.", isin=list(RESULTS))
    started_at: DateTime = _utc("When the deployment started (UTC).", nullable=True)
    finished_at: DateTime = _utc("When the deployment finished (UTC).", nullable=False)
    source: str = _column("System that reported the deployment (e.g. github, demo).")
    trigger_kind: str = _column("Why it was deployed.", isin=list(TRIGGER_KINDS))

    finished_after_start = in_order("started_at", "finished_at")

    class Config:
        name = "raw_deployments"
        strict = True
        metadata = TABLE_OPTIONS


class DeploymentCommits(_Lineage):
    deployment_id: str = _key("Deployment that put the commit live.")
    repo: str = _key("Repository (owner/name) of the commit.")
    sha: str = _column("Commit the deployment put live in this repository.")
    started_at: DateTime = _utc(
        "When the deployment started in this repository (UTC); NULL: the deployment's.",
        nullable=True,
    )
    finished_at: DateTime = _utc(
        "When the deployment finished in this repository (UTC); NULL: the deployment's. "
        "DevLake-mode lead time and incident linking date the commit by it.",
        nullable=True,
    )
    result: str = _column(
        "Outcome in this repository; NULL: the deployment's. A commit whose own result is "
        "not SUCCESS (a failed try retried later) was not put live.",
        nullable=True,
        isin=list(RESULTS),
    )

    finished_after_start = in_order("started_at", "finished_at")

    class Config:
        name = "raw_deployment_commits"
        strict = True
        metadata = TABLE_OPTIONS
        unique = ["deployment_id", "repo"]


class DeploymentChangeSets(_Lineage):
    deployment_id: str = _key("Successful production deployment that shipped the commit.")
    repo: str = _key("Repository (owner/name) of the commit.")
    sha: str = _key("A commit shipped since the previous successful production deployment.")

    class Config:
        name = "raw_deployment_change_sets"
        strict = True
        metadata = TABLE_OPTIONS
        unique = ["deployment_id", "repo", "sha"]


class Commits(_Lineage):
    repo: str = _key("Repository (owner/name).")
    sha: str = _key("Commit sha.")
    author: str = _column("Commit author's name.", pii=True, nullable=True)
    authored_at: DateTime = _utc(
        "When the commit was authored (UTC).", nullable=False, since=COMMITS_SINCE
    )
    message: str = _column(
        "Commit message; a revert starts with 'Revert \"'.",
        nullable=True,
        max_bytes=MESSAGE_BYTES,
    )

    class Config:
        name = "raw_commits"
        strict = True
        metadata = TABLE_OPTIONS
        unique = ["repo", "sha"]


class PullRequests(_Lineage):
    pr_id: str = _key("Pull request id, '<repo>#<number>'.", unique=True)
    repo: str = _column("Repository (owner/name).")
    number: int = pa.Field(
        description="Pull request number within the repository.", metadata=_metadata(pii=False)
    )
    author: str = _column("Pull request author's login or name.", pii=True, nullable=True)
    title: str = _column("Pull request title.", nullable=True, max_bytes=TITLE_BYTES)
    created_at: DateTime = _utc("When the pull request was opened (UTC).", nullable=False)
    merged_at: DateTime = _utc("When it was merged (UTC); NULL when not merged.", nullable=True)
    merge_sha: str = _column("Commit the merge produced on the base branch.", nullable=True)
    referenced_incident_id: str = _column(
        "Incident the pull request references, if any.", nullable=True
    )

    merged_after_creation = in_order("created_at", "merged_at")

    class Config:
        name = "raw_pull_requests"
        strict = True
        metadata = TABLE_OPTIONS


class PullRequestCommits(_Lineage):
    pr_id: str = _key("Pull request id, '<repo>#<number>'.")
    repo: str = _column("Repository (owner/name).")
    sha: str = _key("A commit of the pull request.")

    class Config:
        name = "raw_pull_request_commits"
        strict = True
        metadata = TABLE_OPTIONS
        unique = ["pr_id", "sha"]


class PullRequestReviews(_Lineage):
    review_id: str = _key("Review event id, unique across sources.", unique=True)
    pr_id: str = _column("Pull request reviewed, '<repo>#<number>'.")
    author: str = _column("Reviewer's login or name.", pii=True, nullable=True)
    created_at: DateTime = _utc("When the review event happened (UTC).", nullable=False)
    kind: str = _column("Kind of review event.", isin=list(REVIEW_KINDS))

    class Config:
        name = "raw_pull_request_reviews"
        strict = True
        metadata = TABLE_OPTIONS


class Incidents(_Lineage):
    incident_id: str = _key("Incident id, unique across sources.", unique=True)
    service: str = _column("Service the incident affected.")
    title: str = _column("Incident title.", nullable=True, max_bytes=TITLE_BYTES)
    created_at: DateTime = _utc("When the incident was opened (UTC).", nullable=False)
    resolved_at: DateTime = _utc("When it was resolved (UTC); NULL while open.", nullable=True)
    severity: str = _column("Severity as the source names it (e.g. SEV1, P2).", nullable=True)
    source: str = _column("System that reported the incident (e.g. pagerduty, demo).")
    caused_by_deployment_id: str = _column(
        "Deployment the source says caused the incident, if known.", nullable=True
    )
    root_cause_sha: str = _column("Commit named as the root cause, if known.", nullable=True)

    resolved_after_creation = in_order("created_at", "resolved_at")

    class Config:
        name = "raw_incidents"
        strict = True
        metadata = TABLE_OPTIONS


RAW_TABLE_MODELS: Final[dict[str, type[pa.DataFrameModel]]] = {
    "deployments": Deployments,
    "deployment_commits": DeploymentCommits,
    "deployment_change_sets": DeploymentChangeSets,
    "commits": Commits,
    "pull_requests": PullRequests,
    "pull_request_commits": PullRequestCommits,
    "pull_request_reviews": PullRequestReviews,
    "incidents": Incidents,
}

RAW_CONTRACTS: Final = {
    table: TableContract.from_pandera(model, schema=RAW_SCHEMA, table=table)
    for table, model in RAW_TABLE_MODELS.items()
}
