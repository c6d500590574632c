"""Validation against a table contract: what is quarantined, why, and with what payload."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import polars as pl

from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.ingestion import Rejected
from platform_assets.ingestion.validation import validate

CONTRACT = RAW_CONTRACTS["pull_requests"]
GOOD = {
    "pr_id": "a/b#1",
    "repo": "a/b",
    "number": 1,
    "author": "ada",
    "title": "t",
    "created_at": "2026-10-01T10:00:00Z",
    "merged_at": None,
    "merge_sha": None,
    "referenced_incident_id": None,
}


def reasons(records) -> dict[str, str]:
    batch = validate(CONTRACT, [records])
    return dict(batch.quarantined.select("record_key", "reason").iter_rows())


def test_a_valid_record_is_typed() -> None:
    batch = validate(CONTRACT, [[GOOD]])
    assert batch.quarantined.height == 0
    assert batch.rows.schema["created_at"] == pl.Datetime("us", "UTC")
    assert batch.rows.schema["number"] == pl.Int64
    assert batch.rows.row(0, named=True)["number"] == 1


def test_a_typed_columnar_batch_lands_as_the_same_values_as_text() -> None:
    """Typed columns are converted, not parsed: a zoned timestamp keeps its instant, a
    naive one is taken as UTC, a narrower integer widens; missing required values are
    still quarantined."""
    as_text = validate(
        CONTRACT,
        [
            [
                {**GOOD, "created_at": "2026-10-01T08:00:00Z", "merged_at": "2026-10-02T09:30:00"},
                {**GOOD, "pr_id": "a/b#2", "number": 2, "created_at": None},
            ]
        ],
    )
    typed = pl.DataFrame(
        {
            **{name: [GOOD[name], GOOD[name]] for name in GOOD},
            "pr_id": ["a/b#1", "a/b#2"],
            "number": pl.Series([1, 2], dtype=pl.Int32),
            "created_at": pl.Series(
                [datetime(2026, 10, 1, 10, 0), None], dtype=pl.Datetime("ms")
            ).dt.replace_time_zone("Europe/Berlin"),
            "merged_at": pl.Series([datetime(2026, 10, 2, 9, 30), None], dtype=pl.Datetime("ns")),
        },
        schema_overrides={"merge_sha": pl.String, "referenced_incident_id": pl.String},
    )
    as_columns = validate(CONTRACT, [typed])
    assert as_columns.rows.equals(as_text.rows)
    assert as_columns.rows.row(0, named=True)["created_at"] == datetime(2026, 10, 1, 8, tzinfo=UTC)
    assert as_columns.quarantined.get_column("reason").to_list() == [
        "missing required column created_at"
    ]


def test_each_kind_of_defect_has_its_reason() -> None:
    found = reasons(
        [
            {**GOOD, "pr_id": None},
            {**GOOD, "pr_id": "a/b#2", "created_at": "yesterday"},
            {**GOOD, "pr_id": "a/b#3", "number": "three"},
            {**GOOD, "pr_id": "a/b#4", "title": ["not", "text"]},
            {**GOOD, "pr_id": "a/b#5", "created_at": None},
        ]
    )
    assert found == {
        "": "missing key column pr_id",
        "a/b#2": "unparseable timestamp in created_at: 'yesterday'",
        "a/b#3": "wrong type for number: expected integer, got string 'three'",
        "a/b#4": 'wrong type for title: expected text, got list ["not", "text"]',
        "a/b#5": "missing required column created_at",
    }


def test_unknown_enum_values_are_quarantined_with_the_allowed_ones() -> None:
    batch = validate(
        RAW_CONTRACTS["pull_request_reviews"],
        [
            pl.DataFrame(
                {
                    "review_id": ["r1"],
                    "pr_id": ["a/b#1"],
                    "author": ["bob"],
                    "created_at": ["2026-10-01T10:00:00Z"],
                    "kind": ["thumbs_up"],
                }
            )
        ],
    )
    [reason] = batch.quarantined.get_column("reason").to_list()
    assert reason == (
        "unknown value 'thumbs_up' for kind (allowed: comment, review, approval, changes_requested)"
    )
    assert json.loads(batch.quarantined.get_column("payload")[0])["kind"] == "thumbs_up"


def test_the_payload_is_the_original_record_and_nothing_is_dropped() -> None:
    """The payload keeps the contract's columns as the source gave them (personal data
    aside, see test_quarantine_payload.py) and names the columns it does not know."""
    broken = {**GOOD, "pr_id": "a/b#9", "created_at": "soon", "extra": {"kept": True}}
    rejected = Rejected(record_key="file:3", reason="unparseable JSON line", payload="{x")
    batch = validate(CONTRACT, [[GOOD, broken]], [rejected])
    assert batch.extracted == 3
    assert batch.rows.height + batch.quarantined.height == 3
    payload = json.loads(batch.quarantined.filter(pl.col("record_key") == "a/b#9")["payload"][0])
    assert payload == {**GOOD, "pr_id": "a/b#9", "created_at": "soon", "author": "[redacted]"} | {
        "_unknown_columns": ["extra"]
    }


def test_duplicate_keys_keep_the_last_version() -> None:
    batch = validate(CONTRACT, [[GOOD, {**GOOD, "title": "renamed"}]])
    assert batch.duplicates == 1
    assert batch.rows.get_column("title").to_list() == ["renamed"]


def test_offsets_as_duckdb_and_postgres_write_them_are_read() -> None:
    """A TIMESTAMPTZ exported to CSV by DuckDB or PostgreSQL reads ``+00`` or ``-05``: the
    same instants as ``Z`` and ``-05:00``, not a quarantined batch."""
    hours_only = validate(
        CONTRACT,
        [
            [
                {**GOOD, "pr_id": "a/b#1", "created_at": "2026-10-01 10:00:00+00"},
                {**GOOD, "pr_id": "a/b#2", "created_at": "2026-10-01 05:00:00.250-05"},
            ]
        ],
    )
    assert hours_only.quarantined.height == 0
    assert hours_only.rows.get_column("created_at").to_list() == [
        datetime(2026, 10, 1, 10, tzinfo=UTC),
        datetime(2026, 10, 1, 10, 0, 0, 250000, tzinfo=UTC),
    ]


def test_a_bare_date_is_not_mistaken_for_an_offset() -> None:
    batch = validate(CONTRACT, [[{**GOOD, "created_at": "2026-10-01"}]])
    assert batch.quarantined.height == 0
    assert batch.rows.get_column("created_at").to_list() == [datetime(2026, 10, 1, tzinfo=UTC)]
