"""Issue 10, item 14: the quarantine keeps what diagnosis needs and no personal data.

A quarantined record keeps the contract's columns; columns the contract marks as PII are
replaced by a marker, columns it does not know are named but their values dropped, and a
line that could not be parsed keeps only a short preview.
"""

from __future__ import annotations

import json

import polars as pl

from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.ingestion import Rejected, ingest
from platform_assets.ingestion.validation import REDACTED, validate
from platform_assets.integrations.file_source import FileSourceConnector
from tests.connectors.conftest import rows

EMAIL = "ada.lovelace@example.com"
AUTHOR = "Ada Lovelace"


def test_pii_and_unknown_columns_never_reach_the_quarantine(tmp_path, warehouse, log) -> None:
    header = "repo,sha,author,authored_at,message,owner_email"
    lines = [
        f"shop/checkout,{'a' * 40},{AUTHOR},2026-10-01T10:00:00Z,Fix,{EMAIL}",
        f"shop/checkout,{'b' * 40},{AUTHOR},next tuesday,Fix,{EMAIL}",
    ]
    (tmp_path / "commits.csv").write_text("\n".join([header, *lines]) + "\n")
    connector = FileSourceConnector(tmp_path, RAW_CONTRACTS)

    report, _ = ingest(connector, RAW_CONTRACTS["commits"], warehouse, run_id="r", log=log)

    assert (report.inserted, report.quarantined) == (1, 1)
    [(record_key, reason, payload)] = rows(
        warehouse, "select record_key, reason, payload from ops.quarantine"
    )
    assert EMAIL not in payload
    assert AUTHOR not in payload
    assert json.loads(payload) == {
        "repo": "shop/checkout",
        "sha": "b" * 40,
        "author": REDACTED,
        "authored_at": "next tuesday",
        "message": "Fix",
        "_unknown_columns": ["owner_email"],
    }
    assert (record_key, reason) == (
        f"shop/checkout|{'b' * 40}",
        "unparseable timestamp in authored_at: 'next tuesday'",
    )


def test_dict_records_are_redacted_the_same_way() -> None:
    good = {
        "review_id": "r-1",
        "pr_id": "a/b#1",
        "author": AUTHOR,
        "created_at": "2026-10-01T10:00:00Z",
        "kind": "approval",
    }
    anonymous = {**good, "review_id": "r-2", "author": None, "kind": "thumbs_up"}
    named = {**good, "review_id": "r-3", "kind": "thumbs_up", "owner_email": EMAIL}

    batch = validate(RAW_CONTRACTS["pull_request_reviews"], [[good, anonymous, named]])

    payloads = dict(batch.quarantined.select("record_key", "payload").rows())
    assert json.loads(payloads["r-2"])["author"] is None
    assert json.loads(payloads["r-3"]) == {
        **good,
        "review_id": "r-3",
        "kind": "thumbs_up",
        "author": REDACTED,
        "_unknown_columns": ["owner_email"],
    }


def test_a_wrong_type_in_a_pii_column_is_not_quoted_in_the_reason() -> None:
    record = {
        "review_id": "r-1",
        "pr_id": "a/b#1",
        "author": {"name": AUTHOR, "email": EMAIL},
        "created_at": "2026-10-01T10:00:00Z",
        "kind": "approval",
    }

    batch = validate(RAW_CONTRACTS["pull_request_reviews"], [[record]])

    [(reason, payload)] = batch.quarantined.select("reason", "payload").rows()
    assert reason == "wrong type for author: expected text, got dict"
    assert AUTHOR not in payload and EMAIL not in payload


def test_a_columnar_batch_keeps_contract_columns_only() -> None:
    frame = pl.DataFrame(
        {
            "review_id": ["r-1"],
            "pr_id": ["a/b#1"],
            "author": [AUTHOR],
            "created_at": ["2026-10-01T10:00:00Z"],
            "kind": ["thumbs_up"],
            "owner_email": [EMAIL],
        }
    )

    batch = validate(RAW_CONTRACTS["pull_request_reviews"], [frame])

    payload = json.loads(batch.quarantined.get_column("payload")[0])
    assert payload["author"] == REDACTED
    assert payload["_unknown_columns"] == ["owner_email"]
    assert EMAIL not in json.dumps(payload)


def test_an_unparseable_line_keeps_a_short_preview_only() -> None:
    line = '{"review_id": "r-9", "author": "' + AUTHOR + '", "owner_email": "' + EMAIL
    rejected = Rejected(record_key="reviews.jsonl:7", reason="unparseable JSON line", payload=line)

    batch = validate(RAW_CONTRACTS["pull_request_reviews"], [], [rejected])

    [(record_key, payload)] = batch.quarantined.select("record_key", "payload").rows()
    assert record_key == "reviews.jsonl:7"
    assert json.loads(payload) == line[:40] + "..."
    assert EMAIL not in payload


def test_a_long_value_is_truncated_in_the_payload() -> None:
    """A 16 MiB field is quarantined; the quarantine keeps its start, not 16 MiB."""
    commit = {
        "repo": "shop/checkout",
        "sha": "c" * 40,
        "author": None,
        "authored_at": "2026-10-01T10:00:00Z",
        "message": "x" * (16 * 1024 * 1024),
    }

    batch = validate(RAW_CONTRACTS["commits"], [[commit]])

    payload = batch.quarantined.get_column("payload")[0]
    assert len(payload) < 2000
    assert json.loads(payload)["message"].startswith("xxx")
