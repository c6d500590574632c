"""Why an ingestion failed, in a small fixed vocabulary.

The category goes on every materialization and on every failure, so an operator (and a
dashboard over the run history) can tell a revoked token from a flaky upstream without
reading stack traces. It also decides whether retrying can help.
"""

from __future__ import annotations

from enum import StrEnum

from platform_assets.ingestion.redaction import redact_token_shapes


class FailureCategory(StrEnum):
    NONE = "none"
    AUTH = "auth"
    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"
    TIMEOUT = "timeout"
    CONNECTION = "connection"
    CLIENT_ERROR = "client_error"
    MALFORMED_PAYLOAD = "malformed_payload"
    CONFIGURATION = "configuration"
    LOAD_ERROR = "load_error"

    @property
    def transient(self) -> bool:
        """Whether a later attempt may succeed without anyone changing anything."""
        return self in _TRANSIENT


_TRANSIENT = frozenset(
    {
        FailureCategory.RATE_LIMITED,
        FailureCategory.SERVER_ERROR,
        FailureCategory.TIMEOUT,
        FailureCategory.CONNECTION,
        FailureCategory.LOAD_ERROR,
    }
)


class SourceError(Exception):
    """A source could not deliver; ``category`` says why, and ``status`` is the HTTP status
    of the answer that failed it, when there was one (a connector may treat a 404 for one
    record as that record's problem rather than the whole load's).

    The message is written to logs and the event log, so whatever in it looks like a
    credential is masked here, whoever raises it."""

    def __init__(self, category: FailureCategory, message: str, status: int | None = None) -> None:
        super().__init__(redact_token_shapes(message))
        self.category = category
        self.status = status
