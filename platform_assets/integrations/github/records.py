"""GitHub REST payloads mapped to raw DORA records, one pure function per entity.

The mapping is tolerant: a field of the wrong shape keeps its odd value (or becomes None
where a nested path does not match), so the record reaches validation and is quarantined
with a reason instead of failing the whole load. A field the payload does not have at all
is left out of the record (``field``/``present``), not set to None, so that validation can
tell a field GitHub stopped sending (a ``removed`` drift event) from a null value.

Conventions the API has no field for are read from trailers in the body (``Incident:
INC-42`` on a pull request; ``Caused-By-Deployment: <id>`` and ``Root-Cause: <sha>`` on an
incident issue) and from labels (``service:<name>``, ``severity:<level>``).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Final

from platform_assets.ingestion.payload_fields import ABSENT, field, get, present

SOURCE: Final = "github"

_ENVIRONMENTS: Final = {
    "production": "PRODUCTION",
    "prod": "PRODUCTION",
    "live": "PRODUCTION",
    "staging": "STAGING",
    "stage": "STAGING",
    "preprod": "STAGING",
    "pre-production": "STAGING",
    "test": "TESTING",
    "testing": "TESTING",
    "qa": "TESTING",
    "development": "DEVELOPMENT",
    "dev": "DEVELOPMENT",
}
_TERMINAL_STATES: Final = {"success": "SUCCESS", "failure": "FAILURE", "error": "FAILURE"}
_REVIEW_KINDS: Final = {
    "APPROVED": "approval",
    "CHANGES_REQUESTED": "changes_requested",
    "COMMENTED": "review",
    "DISMISSED": "review",
}


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def trailer(text: Any, name: str) -> str | None:
    """The value of a ``Name: value`` line in a body, if there is one."""
    if not isinstance(text, str):
        return None
    match = re.search(rf"(?im)^\s*{re.escape(name)}\s*:\s*(\S+)\s*$", text)
    return match.group(1) if match else None


def _label_value(issue: Any, prefix: str) -> str | None:
    for label in get(issue, "labels") or []:
        name = label.get("name") if isinstance(label, dict) else label
        if isinstance(name, str) and name.lower().startswith(prefix):
            return name[len(prefix) :]
    return None


def deployment_id(repo: str, deployment: Any) -> str | None:
    number = get(deployment, "id")
    return None if number is None else f"{repo}/deployments/{number}"


def environment(value: Any) -> Any:
    """The contract's environment for GitHub's free-text one; an unknown name is kept
    as given (upper-cased) so that validation quarantines it with its value."""
    if not isinstance(value, str):
        return value
    return _ENVIRONMENTS.get(value.strip().lower(), value.strip().upper())


def trigger_kind(deployment: Any) -> str:
    declared = get(deployment, "payload", "trigger_kind")
    if isinstance(declared, str):
        return declared
    said = " ".join(
        text for text in (get(deployment, "task"), get(deployment, "description"))
        if isinstance(text, str)
    ).lower()  # fmt: skip
    for kind in ("rollback", "hotfix"):
        if kind in said:
            return kind
    return "unknown"


def outcome(statuses: list[Any]) -> tuple[str, Any, Any] | None:
    """(result, started_at, finished_at) from a deployment's statuses, or None while it
    has not finished. GitHub lists statuses newest first; ``inactive`` alone means the
    deployment was superseded before it reported success or failure."""
    chronological = [s for s in reversed(statuses) if isinstance(s, dict)]
    started = next(
        (s.get("created_at") for s in chronological if s.get("state") == "in_progress"), None
    )
    for status in chronological:
        state = status.get("state")
        if state in _TERMINAL_STATES:
            return _TERMINAL_STATES[state], started, status.get("created_at")
        if state == "inactive":
            return "ABORTED", started, status.get("created_at")
    return None


def deployment_record(
    repo: str, deployment: Any, result: str, started_at: Any, finished_at: Any
) -> dict[str, Any]:
    service = get(deployment, "payload", "service")
    return {
        "deployment_id": deployment_id(repo, deployment),
        "service": service if isinstance(service, str) else repo.split("/")[-1],
        "environment": environment(get(deployment, "environment")),
        "result": result,
        "started_at": started_at or get(deployment, "created_at"),
        "finished_at": finished_at,
        "source": SOURCE,
        "trigger_kind": trigger_kind(deployment),
    }


def numbered_id(repo: str, number: Any) -> Any:
    """`owner/name#number`: how the contract names pull requests and issues (``ABSENT``
    when the payload has no number)."""
    return number if number is None or number is ABSENT else f"{repo}#{number}"


def pull_request_record(repo: str, pull: Any) -> dict[str, Any]:
    body = get(pull, "body")
    return present(
        {
            "pr_id": numbered_id(repo, field(pull, "number")),
            "repo": repo,
            "number": field(pull, "number"),
            "author": field(pull, "user", "login"),
            "title": field(pull, "title"),
            "created_at": field(pull, "created_at"),
            "merged_at": field(pull, "merged_at"),
            "merge_sha": field(pull, "merge_commit_sha"),
            "referenced_incident_id": trailer(body, "Incident"),
        }
    )


def commit_record(repo: str, commit: Any) -> dict[str, Any]:
    return present(
        {
            "repo": repo,
            "sha": field(commit, "sha"),
            "author": field(commit, "commit", "author", "name"),
            "authored_at": field(commit, "commit", "author", "date"),
            "message": field(commit, "commit", "message"),
        }
    )


def review_record(pr: str | None, review: Any) -> dict[str, Any]:
    state = get(review, "state")
    return {
        "review_id": f"{pr}/review/{get(review, 'id')}",
        "pr_id": pr,
        "author": get(review, "user", "login"),
        "created_at": get(review, "submitted_at"),
        "kind": _REVIEW_KINDS.get(state, state) if isinstance(state, str) else state,
    }


def comment_record(pr: str | None, comment: Any, origin: str) -> dict[str, Any]:
    """A review comment (``origin`` review-comment) or a conversation comment."""
    return {
        "review_id": f"{pr}/{origin}/{get(comment, 'id')}",
        "pr_id": pr,
        "author": get(comment, "user", "login"),
        "created_at": get(comment, "created_at"),
        "kind": "comment",
    }


def incident_record(repo: str, issue: Any) -> dict[str, Any]:
    body = get(issue, "body")
    closed = get(issue, "state") == "closed"
    return present(
        {
            "incident_id": numbered_id(repo, field(issue, "number")),
            "service": _label_value(issue, "service:") or repo.split("/")[-1],
            "title": field(issue, "title"),
            "created_at": field(issue, "created_at"),
            "resolved_at": field(issue, "closed_at") if closed else None,
            "severity": _label_value(issue, "severity:"),
            "source": SOURCE,
            "caused_by_deployment_id": trailer(body, "Caused-By-Deployment"),
            "root_cause_sha": trailer(body, "Root-Cause"),
        }
    )
