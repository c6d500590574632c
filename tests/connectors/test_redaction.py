"""Credentials masked in messages: the client's own secrets in the encodings an upstream
echoes them in, and anything shaped like a token, while the rest of the message stays."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote, quote_plus

import pytest

from platform_assets.ingestion import FailureCategory, SourceError
from platform_assets.ingestion.redaction import MASK, Redactor, redact_token_shapes

SECRET = "pd+Secret/Value=42"


@pytest.mark.parametrize(
    "echoed",
    [
        SECRET,
        quote(SECRET, safe=""),
        quote_plus(SECRET),
        json.dumps(SECRET)[1:-1],
        base64.b64encode(SECRET.encode()).decode(),
        f"Token token={SECRET}",
    ],
)
def test_a_known_secret_is_masked_in_every_encoding(echoed: str) -> None:
    redact = Redactor.for_headers(
        {"Accept": "application/json", "Authorization": f"Token token={SECRET}"}
    )
    masked = redact(f"upstream said: {echoed} (request 7)")
    assert "Secret" not in masked
    assert masked.startswith("upstream said: ") and masked.endswith(" (request 7)")
    assert MASK in masked


def test_only_credential_headers_are_secrets() -> None:
    redact = Redactor.for_headers(
        {"Accept": "application/vnd.github+json", "X-Api-Key": "k-123456", "X-Trace": "abc"}
    )
    assert redact("accept application/vnd.github+json key k-123456 trace abc") == (
        f"accept application/vnd.github+json key {MASK} trace abc"
    )


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Authorization: Bearer abc.DEF-123_x=", f"Authorization: Bearer {MASK}"),
        ("Token token=y_7Hs9aK2", f"Token token={MASK}"),
        ("GET /x?access_token=s3cr3t&page=2", f"GET /x?access_token={MASK}&page=2"),
        ('{"api_key": "k1", "name": "n"}', f'{{"api_key": {MASK}, "name": "n"}}'),
        ("used ghp_" + "a1B2" * 9 + " here", f"used {MASK} here"),
        ("fine-grained github_pat_" + "11AB_cd" * 6, f"fine-grained {MASK}"),
    ],
)
def test_token_shapes_are_masked(text: str, masked: str) -> None:
    assert redact_token_shapes(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "GITHUB_TOKEN is not set: give a token with the repo scope",
        "the token expired; basic checks passed",
        "GET https://api.example.com/repos/acme/shop/deployments?per_page=100: HTTP 404",
    ],
)
def test_messages_without_credentials_are_left_alone(text: str) -> None:
    assert redact_token_shapes(text) == text


def test_a_source_error_masks_token_shapes_whoever_raises_it() -> None:
    error = SourceError(FailureCategory.AUTH, "rejected Bearer abcdef123456", status=401)
    assert str(error) == f"rejected Bearer {MASK}"
    assert (error.category, error.status) == (FailureCategory.AUTH, 401)
