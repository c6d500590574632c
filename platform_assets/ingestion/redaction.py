"""Credentials out of every message the ingestion writes.

Upstream APIs echo what they were sent (an error body quoting the ``Authorization``
header, a URL with ``access_token=``), and those messages end up in the console, the
compute logs and the event log. Two layers, so that forgetting one call does not leak:

- ``redact_token_shapes`` knows no secret; it masks what looks like one (``Bearer ...``,
  ``token=...``, GitHub's ``ghp_...``/``github_pat_...``). ``SourceError`` applies it to
  every message, whoever raises it.
- ``Redactor`` knows the client's secret header values and masks them exactly, in the
  encodings an upstream may echo them in (URL-encoded, JSON-escaped, base64).

No installed library does this: detect-secrets and its kin scan files for likely
secrets, they do not replace known values in a string.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote, quote_plus

MASK: Final = "[REDACTED]"

#: Header names whose values are credentials.
_SECRET_HEADER: Final = re.compile(r"(?i)authorization|token|secret|api-?key|password|cookie")

#: What looks like a credential, whatever the client was given; ``keep`` is the name or
#: scheme left in place so that the message still says what was masked. "Basic" and a
#: bare "token" are not among them: they start too many sentences that are not secrets.
_TOKEN_SHAPES: Final = (
    # RFC 6750's b64token after the Bearer scheme.
    re.compile(r"(?i)(?P<keep>\bbearer\s+)[\w\-.~+/]+=*"),
    # A query parameter or form field: "access_token=X", "Token token=X", "api_key=X".
    re.compile(r"(?i)(?P<keep>\b\w*(?:token|secret|password|api_?key)=)[^\s&\"',;]+"),
    # A JSON member: "token": "X", "authorization": "X".
    re.compile(
        r"(?i)(?P<keep>\"\w*(?:token|secret|password|api_?key|authorization)\"\s*:\s*)\"[^\"]*\""
    ),
    # GitHub's token formats (classic, OAuth, user-to-server, server-to-server,
    # refresh, fine-grained), masked whole.
    re.compile(r"(?P<keep>)\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,})"),
)


def redact_token_shapes(text: str) -> str:
    """``text`` with everything shaped like a credential masked (the name kept)."""
    for shape in _TOKEN_SHAPES:
        text = shape.sub(lambda match: match["keep"] + MASK, text)
    return text


@dataclass(frozen=True)
class Redactor:
    """Masks known secret values and their common encodings, then token shapes."""

    secrets: frozenset[str] = frozenset()

    @classmethod
    def for_headers(cls, headers: Mapping[str, str]) -> Redactor:
        """A redactor for the credential headers among ``headers``: each whole value and
        the credential inside it (``Bearer X`` and ``Token token=X`` both give ``X``)."""
        values = [value for name, value in headers.items() if _SECRET_HEADER.search(name)]
        return cls(frozenset(_with_encodings(_credentials(values))))

    def including(self, secrets: Iterable[str]) -> Redactor:
        """This redactor masking ``secrets`` (and their encodings) as well."""
        return Redactor(self.secrets | _with_encodings(value for value in secrets if value))

    def __call__(self, text: str) -> str:
        # Longest first, so that a value containing another is masked whole.
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, MASK)
        return redact_token_shapes(text)


def _credentials(header_values: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for value in header_values:
        found.add(value.strip())
        credential = value.strip().split(None, 1)[-1]
        found.add(credential)
        found.add(re.sub(r"^\w+=", "", credential))
    return {value for value in found if value}


def _with_encodings(secrets: Iterable[str]) -> set[str]:
    encoded: set[str] = set()
    for secret in secrets:
        encoded |= {
            secret,
            quote(secret, safe=""),
            quote_plus(secret),
            json.dumps(secret)[1:-1],
            base64.b64encode(secret.encode()).decode(),
            base64.urlsafe_b64encode(secret.encode()).decode(),
        }
    return encoded
