"""Issue 10, item 10: one bad line of a file is quarantined by its line number, and every
good line of the same file still loads.

Each test writes a real file with the defect between good lines and lands it in a real
DuckDB file through ``ingest``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.ingestion import FailureCategory, IngestionFailed, ingest
from platform_assets.integrations.file_source import FileSourceConnector
from tests.connectors.conftest import rows

HEADER = b"deployment_id,service,environment,result,started_at,finished_at,source,trigger_kind\n"


def good_line(number: int) -> bytes:
    return (
        f"d-{number},checkout,PRODUCTION,SUCCESS,2026-10-0{number}T10:00:00Z,"
        f"2026-10-0{number}T10:05:00Z,jenkins,planned\n"
    ).encode()


#: Five good rows around line 4 (the header is line 1, d-1 and d-2 are lines 2 and 3).
GOOD_IDS = ["d-1", "d-2", "d-3", "d-4", "d-5"]
TAIL_AFTER_BAD_LINE = "d-5,checkout,PRODUCTION,SUCCESS"


def file_with_bad_line(bad: bytes) -> bytes:
    return HEADER + good_line(1) + good_line(2) + bad + good_line(3) + good_line(4) + good_line(5)


def land(folder: Path, warehouse, log, entity: str = "deployments"):
    connector = FileSourceConnector(folder, RAW_CONTRACTS)
    report, _ = ingest(connector, RAW_CONTRACTS[entity], warehouse, run_id="run-1", log=log)
    return report


def quarantine(warehouse) -> list[tuple[str, str, str]]:
    return rows(warehouse, "select record_key, reason, payload from ops.quarantine order by 1")


@pytest.mark.parametrize(
    ("bad_line", "reason"),
    [
        pytest.param(
            b"d-9,checkout,PRODUCTION,SUCCESS,2026-10-09T10:00:00Z,2026-10-09T10:05:00Z,"
            b"jenkins,planned,surplus\n",
            "ragged row: 9 fields where the header has 8; quote a value that contains a comma",
            id="too-many-fields",
        ),
        pytest.param(
            b"d-9,checkout,PRODUCTION,SUCCESS\n",
            "ragged row: 4 fields where the header has 8; quote a value that contains a comma",
            id="too-few-fields",
        ),
        pytest.param(
            b'd-9,"checkout,PRODUCTION,SUCCESS,2026-10-09T10:00:00Z,2026-10-09T10:05:00Z,'
            b"jenkins,planned\n",
            'unclosed quote: a quoted value does not end on its line; close it or write a " '
            'inside a quoted value as ""',
            id="unbalanced-quote",
        ),
        pytest.param(
            b"d-9,caf\xe9,PRODUCTION,SUCCESS,2026-10-09T10:00:00Z,2026-10-09T10:05:00Z,"
            b"jenkins,planned\n",
            "not UTF-8: byte 0xe9 at column 8; save the file as UTF-8",
            id="not-utf-8",
        ),
    ],
)
def test_a_bad_csv_line_is_quarantined_by_line_number_and_the_good_lines_load(
    tmp_path, warehouse, log, bad_line: bytes, reason: str
) -> None:
    (tmp_path / "deployments.csv").write_bytes(file_with_bad_line(bad_line))

    report = land(tmp_path, warehouse, log)

    assert (report.extracted, report.inserted, report.quarantined) == (6, 5, 1)
    assert [r[0] for r in rows(warehouse, "select deployment_id from raw.deployments")] == (
        GOOD_IDS
    )
    [(record_key, stored_reason, payload)] = quarantine(warehouse)
    assert (record_key, stored_reason) == ("deployments.csv:4", reason)
    # The payload is a short preview of the line, never the rest of the file.
    assert json.loads(payload).startswith("d-9,")
    assert TAIL_AFTER_BAD_LINE not in payload
    assert len(payload) < 100


def test_several_bad_lines_each_keep_their_own_line_number(tmp_path, warehouse, log) -> None:
    content = (
        HEADER
        + good_line(1)
        + b'd-7,"unclosed,PRODUCTION\n'
        + good_line(2)
        + b"d-8,short\n"
        + good_line(3)
        + b"\xff\xfe\n"
        + good_line(4)
    )
    (tmp_path / "deployments.csv").write_bytes(content)

    report = land(tmp_path, warehouse, log)

    assert (report.inserted, report.quarantined) == (4, 3)
    assert [key for key, _, _ in quarantine(warehouse)] == [
        "deployments.csv:3",
        "deployments.csv:5",
        "deployments.csv:7",
    ]


def test_the_tolerant_reader_keeps_quoted_commas_newlines_and_empty_values(
    tmp_path, warehouse, log
) -> None:
    """A file with one bad line is read record by record: quoted separators, escaped
    quotes, a value spanning two lines, CRLF endings and empty fields land as the fast
    reader lands them in a clean file."""
    good = (
        b'd-1,"check, out",PRODUCTION,SUCCESS,,2026-10-01T10:05:00Z,"say ""hi""",planned\r\n'
        b'd-2,"two\nlines",STAGING,FAILURE,"",2026-10-02T10:05:00Z,jenkins,unknown\r\n'
    )
    (tmp_path / "deployments.csv").write_bytes(HEADER + good)
    land(tmp_path, warehouse, log)
    fast = rows(warehouse, "select * exclude (_loaded_at, _run_id) from raw.deployments")

    (tmp_path / "deployments.csv").write_bytes(HEADER + good + b"d-3,ragged\n")
    report = land(tmp_path, warehouse, log)

    assert report.quarantined == 1
    assert rows(warehouse, "select * exclude (_loaded_at, _run_id) from raw.deployments") == fast
    assert fast[0][1] == "check, out"
    assert fast[0][4] is None
    assert fast[0][6] == 'say "hi"'
    assert fast[1][1] == "two\nlines"
    assert fast[1][4] is None


def test_a_blank_line_is_skipped_not_quarantined(tmp_path, warehouse, log) -> None:
    (tmp_path / "deployments.csv").write_bytes(HEADER + good_line(1) + b"\n" + good_line(2))

    report = land(tmp_path, warehouse, log)

    assert (report.extracted, report.inserted, report.quarantined) == (2, 2, 0)


def test_a_header_that_cannot_be_read_fails_with_a_short_message(tmp_path, warehouse, log) -> None:
    (tmp_path / "deployments.csv").write_bytes(b"deployment_id,serv\xefice\n" + good_line(1) * 50)

    with pytest.raises(IngestionFailed) as failure:
        land(tmp_path, warehouse, log)

    assert failure.value.report.failure_category is FailureCategory.MALFORMED_PAYLOAD
    assert failure.value.report.error == (
        "deployments.csv:1 (the header): not UTF-8: byte 0xef at column 19; save the file as UTF-8"
    )


def test_a_non_utf8_jsonl_line_is_quarantined_not_replaced(tmp_path, warehouse, log) -> None:
    def incident(number: int, title: str) -> bytes:
        record = {
            "incident_id": f"i-{number}",
            "service": "checkout",
            "title": title,
            "created_at": "2026-10-01T10:00:00Z",
            "source": "opsgenie",
        }
        return json.dumps(record, ensure_ascii=False).encode() + b"\n"

    latin1_line = incident(2, "cafX").replace(b"cafX", b"caf\xe9")
    content = incident(1, "ok") + latin1_line + incident(3, "caf\u00e9")
    (tmp_path / "incidents.jsonl").write_bytes(content)

    report = land(tmp_path, warehouse, log, entity="incidents")

    assert (report.extracted, report.inserted, report.quarantined) == (3, 2, 1)
    assert rows(warehouse, "select incident_id, title from raw.incidents order by 1") == [
        ("i-1", "ok"),
        ("i-3", "caf\u00e9"),
    ]
    [(record_key, reason, _)] = quarantine(warehouse)
    assert (record_key, reason) == (
        "incidents.jsonl:2",
        f"not UTF-8: byte 0xe9 at column {latin1_line.index(0xE9) + 1}; save the file as UTF-8",
    )


def test_a_column_named_twice_in_the_header_fails_instead_of_being_renamed(
    tmp_path, warehouse, log
) -> None:
    """polars would read the second ``service`` as ``service_duplicated_0`` and load the
    first without a word."""
    header = HEADER.replace(b"source,", b"service,")
    (tmp_path / "deployments.csv").write_bytes(header + good_line(1))

    with pytest.raises(IngestionFailed) as failure:
        land(tmp_path, warehouse, log)

    assert failure.value.report.error == (
        "deployments.csv: the header names service more than once; keep one"
    )
