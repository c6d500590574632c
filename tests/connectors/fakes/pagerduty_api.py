"""A local server speaking PagerDuty's ``GET /incidents``: offset/limit pagination with
``more``, filtered by ``since`` on creation time. It can be told to page wrongly: answer
the first page whatever the offset asked (a proxy that drops the query string), or an
empty page that still says ``more``."""

from __future__ import annotations

from typing import Any

from tests.connectors.fakes.server import FakeApi, RecordedRequest, Response


class FakePagerDuty(FakeApi):
    def __init__(self, max_limit: int = 2) -> None:
        super().__init__()
        self.max_limit = max_limit
        self.incidents: list[dict[str, Any]] = []
        #: This many requests get the first page and ``more: true``, whatever their offset.
        self.offset_ignored_times = 0
        #: Offsets answered with no incidents and ``more: true``.
        self.empty_pages_at: set[int] = set()

    def route(self, request: RecordedRequest) -> Response:
        if request.path != "/incidents":
            return Response(404, b'{"error": {"message": "Not Found"}}')
        offset = int(request.param("offset") or 0)
        limit = min(int(request.param("limit") or 25), self.max_limit)
        since = request.param("since") or ""
        matching = sorted(
            (i for i in self.incidents if i["created_at"] >= since), key=lambda i: i["created_at"]
        )
        more = offset + limit < len(matching)
        if self.offset_ignored_times > 0:
            self.offset_ignored_times -= 1
            offset, more = 0, True
        page = matching[offset : offset + limit]
        if offset in self.empty_pages_at:
            page, more = [], True
        return Response.json(
            {"incidents": page, "limit": limit, "offset": offset, "more": more, "total": None}
        )


def incident(
    identifier: str,
    created_at: str,
    status: str = "resolved",
    resolved_at: str | None = None,
    service: str = "checkout",
) -> dict[str, Any]:
    return {
        "id": identifier,
        "title": f"Incident {identifier}",
        "status": status,
        "created_at": created_at,
        "resolved_at": resolved_at if status == "resolved" else None,
        "last_status_change_at": resolved_at or created_at,
        "service": {"id": "PSVC1", "summary": service},
        "priority": {"summary": "P2"},
        "urgency": "high",
    }
