"""The file source: a folder of CSV or JSONL files in the raw table contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.ingestion import FailureCategory, IngestionFailed, ingest
from platform_assets.integrations.file_source import FileSourceConnector
from tests.connectors.conftest import rows

DEPLOYMENTS_CSV = """\
deployment_id,service,environment,result,started_at,finished_at,source,trigger_kind
d-1,checkout,PRODUCTION,SUCCESS,2026-10-01T10:00:00Z,2026-10-01T10:05:00Z,jenkins,planned
d-2,checkout,STAGING,FAILURE,,2026-10-02 09:00:00,jenkins,unknown
d-3,checkout,PRODUCTION,SUCCESS,2026-10-03T10:00:00+02:00,2026-10-03T10:05:00+02:00,jenkins,rollback
"""


def connector(folder: Path) -> FileSourceConnector:
    return FileSourceConnector(folder, RAW_CONTRACTS)


def test_loads_csv_with_timestamps_in_utc(tmp_path, warehouse, log) -> None:
    (tmp_path / "deployments.csv").write_text(DEPLOYMENTS_CSV)
    report, _ = ingest(
        connector(tmp_path), RAW_CONTRACTS["deployments"], warehouse, run_id="run-1", log=log
    )
    assert report.inserted == 3
    assert rows(
        warehouse,
        "select deployment_id, started_at::varchar, finished_at::varchar, "
        "_source from raw.deployments order by 1",
    ) == [
        ("d-1", "2026-10-01 10:00:00+00", "2026-10-01 10:05:00+00", "files"),
        ("d-2", None, "2026-10-02 09:00:00+00", "files"),
        ("d-3", "2026-10-03 08:00:00+00", "2026-10-03 08:05:00+00", "files"),
    ]


def test_an_unchanged_file_is_not_read_again_and_a_changed_one_merges(
    tmp_path, warehouse, log
) -> None:
    path = tmp_path / "deployments.csv"
    path.write_text(DEPLOYMENTS_CSV)
    contract = RAW_CONTRACTS["deployments"]
    ingest(connector(tmp_path), contract, warehouse, run_id="run-1", log=log)
    unchanged, _ = ingest(connector(tmp_path), contract, warehouse, run_id="run-2", log=log)
    assert unchanged.extracted == 0
    path.write_text(DEPLOYMENTS_CSV.replace("STAGING,FAILURE", "STAGING,SUCCESS"))
    changed, _ = ingest(connector(tmp_path), contract, warehouse, run_id="run-3", log=log)
    assert (changed.extracted, changed.inserted, changed.updated) == (3, 0, 1)
    assert rows(warehouse, "select deployment_id, _run_id from raw.deployments order by 1") == [
        ("d-1", "run-1"),
        ("d-2", "run-3"),
        ("d-3", "run-1"),
    ]


def test_jsonl_bad_lines_and_bad_values_are_quarantined(tmp_path, warehouse, log) -> None:
    good = {
        "incident_id": "i-1",
        "service": "checkout",
        "created_at": "2026-10-01T10:00:00Z",
        "resolved_at": None,
        "source": "opsgenie",
        "severity": "P1",
    }
    wrong_type = {**good, "incident_id": "i-2", "service": {"name": "checkout"}}
    no_key = {**good, "incident_id": None}
    lines = [json.dumps(good), "{not json", json.dumps(wrong_type), json.dumps(no_key), ""]
    (tmp_path / "incidents.jsonl").write_text("\n".join(lines))

    report, _ = ingest(
        connector(tmp_path), RAW_CONTRACTS["incidents"], warehouse, run_id="run-1", log=log
    )

    assert (report.extracted, report.inserted, report.quarantined) == (4, 1, 3)
    assert rows(warehouse, "select record_key, reason from ops.quarantine order by 1") == [
        ("", "missing key column incident_id"),
        (
            "i-2",
            'wrong type for service: expected text, got dict {"name": "checkout"}; '
            "missing required column service",
        ),
        (
            "incidents.jsonl:2",
            "unparseable JSON line: Expecting property name enclosed in double quotes",
        ),
    ]


def test_both_formats_for_one_entity_is_a_configuration_error(tmp_path, warehouse, log) -> None:
    (tmp_path / "incidents.csv").write_text("incident_id\n")
    (tmp_path / "incidents.jsonl").write_text("")
    with pytest.raises(IngestionFailed) as failure:
        ingest(connector(tmp_path), RAW_CONTRACTS["incidents"], warehouse, run_id="r", log=log)
    assert failure.value.report.failure_category is FailureCategory.CONFIGURATION
