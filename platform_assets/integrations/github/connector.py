"""The GitHub REST API as a Connector for every raw DORA entity.

Per repository: deployments and their statuses (result, environment, start and finish),
the sha each deployment put live, change sets from the compare API (previous successful
production deployment of the same service ... this one), merged pull requests with their
commits, reviews and comments, commits of the default branch, and incidents from issues
that carry the incident label.

The cursor is a JSON object of per-repository watermarks. Listings are read newest
first and stop at the watermark, so a rerun fetches only what is new; a deployment that
has not finished yet holds the watermark back until it has. A read without a cursor
(the first, a full refresh, a recovery from a bad cursor) lists everything the
configured repositories have, so its batches are one snapshot of the table: a record it
no longer returns (a deleted issue, a pull request's history rewritten) is
soft-deleted. An incremental read says nothing about deletions.

A change set the compare API cannot produce (HTTP 404: a commit of the pair is gone from
history after a force-push) is that deployment's problem alone: it is quarantined with
the reason and every other change set loads.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from platform_assets.ingestion import (
    FailureCategory,
    RecordBatch,
    Rejected,
    RequestStats,
    ResilientHttpClient,
    SnapshotScope,
    SourceError,
    link_header_pages,
)
from platform_assets.ingestion.cursor_checks import json_object, timestamp_problem
from platform_assets.integrations.github import records as gh

ENTITIES = frozenset(
    {
        "deployments",
        "deployment_commits",
        "deployment_change_sets",
        "commits",
        "pull_requests",
        "pull_request_commits",
        "pull_request_reviews",
        "incidents",
    }
)
PAGE_SIZE = 100

Watermarks = dict[str, str]


@dataclass(frozen=True)
class Extraction:
    """One repository's records of an entity, the watermarks they reach, and what could
    not be shaped into records."""

    records: list[dict[str, Any]]
    reached: Watermarks
    rejected: tuple[Rejected, ...] = ()


@dataclass(frozen=True)
class GitHubSettings:
    repositories: tuple[str, ...]
    incident_label: str = "incident"


@dataclass(frozen=True)
class _Deployment:
    payload: Any
    created_at: datetime | None
    #: (result, started_at, finished_at), None while the deployment runs.
    outcome: tuple[str, Any, Any] | None

    @property
    def service(self) -> Any:
        return gh.get(self.payload, "payload", "service")

    @property
    def successful_production(self) -> bool:
        return (
            self.outcome is not None
            and self.outcome[0] == "SUCCESS"
            and gh.environment(gh.get(self.payload, "environment")) == "PRODUCTION"
        )


class GitHubConnector:
    source_id = gh.SOURCE
    entities = ENTITIES

    def __init__(self, client: ResilientHttpClient, settings: GitHubSettings) -> None:
        if not settings.repositories:
            raise SourceError(
                FailureCategory.CONFIGURATION,
                "no GitHub repositories configured (PLATFORM_GITHUB_REPOSITORIES)",
            )
        self._client = client
        self._settings = settings
        self._extractors: dict[str, Callable[[str, Watermarks], Extraction]] = {
            "deployments": self._deployments,
            "deployment_commits": self._deployment_commits,
            "deployment_change_sets": self._change_sets,
            "commits": self._commits,
            "pull_requests": self._pull_requests,
            "pull_request_commits": self._pull_request_commits,
            "pull_request_reviews": self._pull_request_reviews,
            "incidents": self._incidents,
        }

    @property
    def request_stats(self) -> RequestStats:
        return self._client.stats

    def extract(self, entity: str, cursor: str | None) -> Iterator[RecordBatch]:
        watermarks: dict[str, Watermarks] = json.loads(cursor) if cursor else {}
        snapshot = None if cursor else SnapshotScope()
        for repo in self._settings.repositories:
            extraction = self._extractors[entity](repo, watermarks.get(repo, {}))
            watermarks[repo] = extraction.reached
            yield RecordBatch(
                records=extraction.records,
                cursor=json.dumps(watermarks, sort_keys=True),
                rejected=extraction.rejected,
                snapshot=snapshot,
            )

    def check_cursor(self, entity: str, cursor: str) -> str | None:
        """``{repo: {listing: ISO timestamp}}``, every timestamp at most now: a future
        watermark would hide everything before it."""
        parsed, problem = json_object(cursor, what="the GitHub cursor")
        if parsed is None:
            return problem
        for repo, marks in parsed.items():
            if not isinstance(marks, dict):
                return f"the GitHub cursor's watermarks of {repo!r} are not a JSON object"
            for listing, value in marks.items():
                problem = timestamp_problem(value, what=f"the GitHub {listing} watermark of {repo}")
                if problem is not None:
                    return problem
        return None

    # Deployments -------------------------------------------------------------------

    def _deployment_listing(self, repo: str, since: datetime | None) -> Iterator[_Deployment]:
        """Deployments newest first, with their outcome, down to ``since`` included."""
        for page in link_header_pages(
            self._client, f"/repos/{repo}/deployments", {"per_page": PAGE_SIZE}
        ):
            for payload in _as_list(page, f"/repos/{repo}/deployments"):
                created = gh.parse_time(gh.get(payload, "created_at"))
                if since is not None and created is not None and created < since:
                    return
                yield _Deployment(payload, created, self._outcome(repo, payload))

    def _outcome(self, repo: str, deployment: Any) -> tuple[str, Any, Any] | None:
        number = gh.get(deployment, "id")
        if number is None:
            return ("FAILURE", None, None)  # keyless: validation quarantines it
        statuses: list[Any] = []
        path = f"/repos/{repo}/deployments/{number}/statuses"
        for page in link_header_pages(self._client, path, {"per_page": PAGE_SIZE}):
            statuses.extend(_as_list(page, path))
        return gh.outcome(statuses)

    def _finished(self, repo: str, marks: Watermarks) -> tuple[list[_Deployment], Watermarks]:
        """Finished deployments since the watermark, and the next watermark: the newest
        deployment seen, or the oldest still running so that it is read again."""
        since = gh.parse_time(marks.get("deployments"))
        finished: list[_Deployment] = []
        running: list[_Deployment] = []
        for deployment in self._deployment_listing(repo, since):
            (finished if deployment.outcome else running).append(deployment)
        return finished, _watermark(marks, "deployments", finished, running)

    def _deployments(self, repo: str, marks: Watermarks) -> Extraction:
        finished, reached = self._finished(repo, marks)
        records = [gh.deployment_record(repo, d.payload, *d.outcome) for d in finished if d.outcome]
        return Extraction(records, reached)

    def _deployment_commits(self, repo: str, marks: Watermarks) -> Extraction:
        finished, reached = self._finished(repo, marks)
        records = [
            {
                "deployment_id": gh.deployment_id(repo, d.payload),
                "repo": repo,
                "sha": gh.get(d.payload, "sha"),
                # a GitHub deployment is of one repository: its commit has the
                # deployment's times and result, which the models take when these are empty
                "started_at": None,
                "finished_at": None,
                "result": None,
            }
            for d in finished
        ]
        return Extraction(records, reached)

    def _change_sets(self, repo: str, marks: Watermarks) -> Extraction:
        """For each new successful production deployment, the compare API's commits
        between the previous successful production deployment of its service and it.
        Older deployments are read only as far as needed to find those bases."""
        since = gh.parse_time(marks.get("deployments"))
        seen: list[_Deployment] = []
        running: list[_Deployment] = []
        awaiting_base: dict[Any, _Deployment] = {}
        pairs: list[tuple[_Deployment, _Deployment]] = []
        for deployment in self._deployment_listing(repo, None):
            created = deployment.created_at
            is_new = since is None or created is None or created >= since
            if not is_new and not awaiting_base:
                break
            if is_new:
                (seen if deployment.outcome else running).append(deployment)
            if not deployment.successful_production:
                continue
            newer = awaiting_base.pop(deployment.service, None)
            if newer is not None:
                pairs.append((newer, deployment))
            if is_new:
                awaiting_base[deployment.service] = deployment
        records: list[dict[str, Any]] = []
        rejected: list[Rejected] = []
        for deployment, base in pairs:
            key = gh.deployment_id(repo, deployment.payload)
            base_sha, head_sha = gh.get(base.payload, "sha"), gh.get(deployment.payload, "sha")
            try:
                commits = list(self._compare(repo, base_sha, head_sha))
            except SourceError as error:
                if error.status != 404:
                    raise
                rejected.append(_unavailable_change_set(repo, str(key), base_sha, head_sha))
                continue
            records += [{"deployment_id": key, "repo": repo, "sha": gh.get(commit, "sha")}
                        for commit in commits]  # fmt: skip
        reached = _watermark(marks, "deployments", seen, running)
        return Extraction(records, reached, tuple(rejected))

    def _compare(self, repo: str, base: Any, head: Any) -> Iterator[Any]:
        path = f"/repos/{repo}/compare/{base}...{head}"
        for page in link_header_pages(self._client, path, {"per_page": PAGE_SIZE}):
            commits = gh.get(page, "commits")
            if not isinstance(commits, list):
                raise SourceError(FailureCategory.MALFORMED_PAYLOAD, f"{path}: no commits list")
            yield from commits

    # Pull requests and commits -----------------------------------------------------

    def _merged_pulls(self, repo: str, marks: Watermarks) -> tuple[list[Any], Watermarks]:
        """Pull requests merged and updated since the watermark (closed, newest first)."""
        since = gh.parse_time(marks.get("pulls"))
        path = f"/repos/{repo}/pulls"
        params = {"state": "closed", "sort": "updated", "direction": "desc", "per_page": PAGE_SIZE}
        merged: list[Any] = []
        newest = marks.get("pulls")
        for page in link_header_pages(self._client, path, params):
            for pull in _as_list(page, path):
                updated = gh.parse_time(gh.get(pull, "updated_at"))
                if since is not None and updated is not None and updated < since:
                    return merged, {**marks, "pulls": newest} if newest else marks
                if updated is not None and (newest is None or updated > _at(newest)):
                    newest = gh.get(pull, "updated_at")
                if gh.get(pull, "merged_at") is not None:
                    merged.append(pull)
        return merged, {**marks, "pulls": newest} if newest else marks

    def _pull_requests(self, repo: str, marks: Watermarks) -> Extraction:
        pulls, reached = self._merged_pulls(repo, marks)
        return Extraction([gh.pull_request_record(repo, pull) for pull in pulls], reached)

    def _pull_commits(self, repo: str, pull: Any) -> list[Any]:
        path = f"/repos/{repo}/pulls/{gh.get(pull, 'number')}/commits"
        return [c for page in link_header_pages(self._client, path, {"per_page": PAGE_SIZE})
                for c in _as_list(page, path)]  # fmt: skip

    def _pull_request_commits(self, repo: str, marks: Watermarks) -> Extraction:
        pulls, reached = self._merged_pulls(repo, marks)
        records = [
            {"pr_id": gh.numbered_id(repo, gh.get(pull, "number")), "repo": repo,
             "sha": gh.get(commit, "sha")}
            for pull in pulls
            for commit in self._pull_commits(repo, pull)
        ]  # fmt: skip
        return Extraction(records, reached)

    def _pull_request_reviews(self, repo: str, marks: Watermarks) -> Extraction:
        pulls, reached = self._merged_pulls(repo, marks)
        records = []
        for pull in pulls:
            number = gh.get(pull, "number")
            pr = gh.numbered_id(repo, number)
            reviews = self._all(f"/repos/{repo}/pulls/{number}/reviews")
            records += [gh.review_record(pr, r) for r in reviews if gh.get(r, "state") != "PENDING"]
            records += [
                gh.comment_record(pr, c, "review-comment")
                for c in self._all(f"/repos/{repo}/pulls/{number}/comments")
            ]
            records += [
                gh.comment_record(pr, c, "comment")
                for c in self._all(f"/repos/{repo}/issues/{number}/comments")
            ]
        return Extraction(records, reached)

    def _commits(self, repo: str, marks: Watermarks) -> Extraction:
        """Commits of the default branch since the watermark, and the commits of pull
        requests merged since (squash merges leave those off the default branch)."""
        params: dict[str, Any] = {"per_page": PAGE_SIZE}
        if marks.get("commits"):
            params["since"] = marks["commits"]
        branch = [c for page in link_header_pages(self._client, f"/repos/{repo}/commits", params)
                  for c in _as_list(page, f"/repos/{repo}/commits")]  # fmt: skip
        pulls, reached = self._merged_pulls(repo, marks)
        pulled = [c for pull in pulls for c in self._pull_commits(repo, pull)]
        dates = [gh.get(c, "commit", "committer", "date") for c in branch]
        newest = max((d for d in dates if gh.parse_time(d)), key=_at, default=None)
        if newest is not None:
            reached = {**reached, "commits": newest}
        return Extraction([gh.commit_record(repo, c) for c in branch + pulled], reached)

    # Incidents ---------------------------------------------------------------------

    def _incidents(self, repo: str, marks: Watermarks) -> Extraction:
        """Issues labelled as incidents updated since the watermark (pull requests,
        which the issues API also lists, are skipped)."""
        path = f"/repos/{repo}/issues"
        params: dict[str, Any] = {
            "labels": self._settings.incident_label,
            "state": "all",
            "sort": "updated",
            "direction": "asc",
            "per_page": PAGE_SIZE,
        }
        if marks.get("issues"):
            params["since"] = marks["issues"]
        issues = [i for page in link_header_pages(self._client, path, params)
                  for i in _as_list(page, path) if gh.get(i, "pull_request") is None]  # fmt: skip
        updated = [gh.get(i, "updated_at") for i in issues]
        newest = max((u for u in updated if gh.parse_time(u)), key=_at, default=None)
        reached = {**marks, "issues": newest} if newest else marks
        return Extraction([gh.incident_record(repo, issue) for issue in issues], reached)

    def _all(self, path: str) -> list[Any]:
        return [item for page in link_header_pages(self._client, path, {"per_page": PAGE_SIZE})
                for item in _as_list(page, path)]  # fmt: skip


def _as_list(page: Any, path: str) -> list[Any]:
    if not isinstance(page, list):
        raise SourceError(
            FailureCategory.MALFORMED_PAYLOAD,
            f"{path} returned {type(page).__name__}, expected a list",
        )
    return page


def _unavailable_change_set(repo: str, deployment_key: str, base: Any, head: Any) -> Rejected:
    return Rejected(
        record_key=deployment_key,
        reason=(
            f"change set unavailable: the compare API answered HTTP 404 for {base}...{head} "
            f"of {repo}, a commit no longer in the history (force-push, deleted branch)"
        ),
        # The pair first: the quarantine may keep only the start of a rejected payload.
        payload=json.dumps({"base": base, "head": head, "repo": repo}),
    )


def _at(value: str) -> datetime:
    parsed = gh.parse_time(value)
    if parsed is None:
        raise ValueError(f"not a timestamp: {value!r}")
    return parsed


def _watermark(
    marks: Watermarks, name: str, seen: list[_Deployment], running: list[_Deployment]
) -> Watermarks:
    """The oldest deployment still running, so that it is read again until it finishes;
    else the newest one seen; else the previous watermark."""
    still_running = [d for d in running if d.created_at]
    finished = [d for d in seen if d.created_at]
    if still_running:
        chosen = min(still_running, key=_created)
    elif finished:
        chosen = max(finished, key=_created)
    else:
        return marks
    return {**marks, name: gh.get(chosen.payload, "created_at")}


def _created(deployment: _Deployment) -> datetime:
    return deployment.created_at or datetime.min
