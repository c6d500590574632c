"""A local server speaking the parts of the GitHub REST API the connector reads, over
in-memory repositories that a test fills and changes between runs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tests.connectors.fakes.server import FakeApi, RecordedRequest, Response, paginate


@dataclass
class FakeRepository:
    deployments: list[dict[str, Any]] = field(default_factory=list)
    statuses: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    pulls: list[dict[str, Any]] = field(default_factory=list)
    pull_commits: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    reviews: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    review_comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    issue_comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    commits: list[dict[str, Any]] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)
    compare: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)


class FakeGitHub(FakeApi):
    def __init__(self, page_size: int = 2) -> None:
        super().__init__()
        self.page_size = page_size
        self.repositories: dict[str, FakeRepository] = {}

    def repository(self, name: str) -> FakeRepository:
        return self.repositories.setdefault(name, FakeRepository())

    def route(self, request: RecordedRequest) -> Response:
        match = re.fullmatch(r"/repos/([^/]+/[^/]+)/(.+)", request.path)
        if match is None or match.group(1) not in self.repositories:
            return Response(404, b'{"message": "Not Found"}')
        repo, rest = self.repositories[match.group(1)], match.group(2)
        if rest == "deployments":
            items = sorted(repo.deployments, key=lambda d: d["created_at"], reverse=True)
        elif found := re.fullmatch(r"deployments/(\d+)/statuses", rest):
            items = repo.statuses.get(int(found.group(1)), [])
        elif rest == "pulls":
            items = sorted(
                (p for p in repo.pulls if p.get("state") == "closed"),
                key=lambda p: p["updated_at"],
                reverse=True,
            )
        elif found := re.fullmatch(r"pulls/(\d+)/(commits|reviews|comments)", rest):
            number, kind = int(found.group(1)), found.group(2)
            source = {
                "commits": repo.pull_commits,
                "reviews": repo.reviews,
                "comments": repo.review_comments,
            }[kind]
            items = source.get(number, [])
        elif found := re.fullmatch(r"issues/(\d+)/comments", rest):
            items = repo.issue_comments.get(int(found.group(1)), [])
        elif rest == "commits":
            since = request.param("since") or ""
            items = [c for c in repo.commits if c["commit"]["committer"]["date"] >= since]
        elif rest == "issues":
            label, since = request.param("labels"), request.param("since") or ""
            items = sorted(
                (
                    i
                    for i in repo.issues
                    if label in [lab["name"] for lab in i.get("labels", [])]
                    and i["updated_at"] >= since
                ),
                key=lambda i: i["updated_at"],
            )
        elif found := re.fullmatch(r"compare/(\w+)\.\.\.(\w+)", rest):
            commits = repo.compare.get((found.group(1), found.group(2)))
            if commits is None:
                return Response(404, b'{"message": "No common ancestor"}')
            page, headers = paginate(self, request, commits, self.page_size)
            return Response.json({"status": "ahead", "commits": page}, headers)
        else:
            return Response(404, b'{"message": "Not Found"}')
        page, headers = paginate(self, request, items, self.page_size)
        return Response.json(page, headers)


def deployment(
    number: int, created_at: str, sha: str, environment: str = "production", **extra: Any
) -> dict[str, Any]:
    return {
        "id": number,
        "sha": sha,
        "ref": "main",
        "task": "deploy",
        "environment": environment,
        "created_at": created_at,
        "payload": {},
        **extra,
    }


def status(state: str, created_at: str) -> dict[str, Any]:
    return {"state": state, "created_at": created_at}


def commit(
    sha: str, date: str, message: str = "Change", author: str = "Ada Lovelace"
) -> dict[str, Any]:
    person = {"name": author, "date": date}
    return {"sha": sha, "commit": {"author": person, "committer": person, "message": message}}


def pull(
    number: int,
    created_at: str,
    merged_at: str | None,
    updated_at: str,
    merge_sha: str,
    body: str = "",
    author: str = "ada",
) -> dict[str, Any]:
    return {
        "number": number,
        "state": "closed",
        "user": {"login": author},
        "title": f"PR {number}",
        "body": body,
        "created_at": created_at,
        "merged_at": merged_at,
        "updated_at": updated_at,
        "merge_commit_sha": merge_sha,
    }


def issue(
    number: int,
    created_at: str,
    updated_at: str,
    labels: list[str],
    closed_at: str | None = None,
    body: str = "",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "number": number,
        "title": f"Issue {number}",
        "state": "closed" if closed_at else "open",
        "created_at": created_at,
        "closed_at": closed_at,
        "updated_at": updated_at,
        "labels": [{"name": label} for label in labels],
        "body": body,
        **extra,
    }
