"""Issue 10, item 11: values that parse but cannot be true are quarantined with a reason
naming the column and the rule, and the other records of the batch still load.

The rules are declared on the raw tables' Pandera models and read into the contract.
"""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.ingestion import ingest
from platform_assets.ingestion.contract import ColumnOrder
from platform_assets.ingestion.validation import validate
from platform_assets.integrations.file_source import FileSourceConnector
from tests.connectors.conftest import rows

LOADED_AT = datetime(2026, 11, 1, 12, tzinfo=UTC)

DEPLOYMENT = {
    "deployment_id": "d-1",
    "service": "checkout",
    "environment": "PRODUCTION",
    "result": "SUCCESS",
    "started_at": "2026-10-01T10:00:00Z",
    "finished_at": "2026-10-01T10:05:00Z",
    "source": "jenkins",
    "trigger_kind": "planned",
}
INCIDENT = {
    "incident_id": "i-1",
    "service": "checkout",
    "title": "Checkout down",
    "created_at": "2026-10-01T10:00:00Z",
    "resolved_at": "2026-10-01T11:00:00Z",
    "source": "opsgenie",
}
COMMIT = {
    "repo": "shop/checkout",
    "sha": "a" * 40,
    "author": "Ada",
    "authored_at": "2026-10-01T10:00:00Z",
    "message": "Fix the basket",
}


@pytest.mark.parametrize(
    ("table", "good", "change", "reason"),
    [
        pytest.param(
            "deployments",
            DEPLOYMENT,
            {"finished_at": "2026-10-01T09:59:59Z"},
            "finished_at before started_at",
            id="finish-before-start",
        ),
        pytest.param(
            "incidents",
            INCIDENT,
            {"resolved_at": "2026-10-01T09:00:00Z"},
            "resolved_at before created_at",
            id="resolved-before-created",
        ),
        pytest.param(
            "deployments",
            DEPLOYMENT,
            {"started_at": "0001-01-01T00:00:00Z"},
            "implausible timestamp in started_at: '0001-01-01T00:00:00Z' is before 2000-01-01",
            id="year-0001",
        ),
        pytest.param(
            "commits",
            COMMIT,
            {"authored_at": "1969-12-31T23:59:59Z"},
            "implausible timestamp in authored_at: '1969-12-31T23:59:59Z' is before 1970-01-01",
            id="commit-before-the-epoch",
        ),
        pytest.param(
            "incidents",
            INCIDENT,
            {"created_at": "2099-01-01T00:00:00Z", "resolved_at": None},
            "implausible timestamp in created_at: '2099-01-01T00:00:00Z' is more than "
            "24 hours after the load",
            id="year-2099",
        ),
        pytest.param(
            "incidents",
            INCIDENT,
            {"title": "Checkout\x00down"},
            "NUL byte in title",
            id="nul-byte",
        ),
        pytest.param(
            "commits",
            COMMIT,
            {"message": "x" * (16 * 1024 * 1024)},
            "message longer than 65536 bytes",
            id="16-mib-field",
        ),
        pytest.param(
            "deployments",
            DEPLOYMENT,
            {"service": "s" * 1025},
            "service longer than 1024 bytes",
            id="long-identifier",
        ),
    ],
)
def test_an_implausible_value_is_quarantined_with_its_column_and_rule(
    table: str, good: dict, change: dict, reason: str
) -> None:
    contract = RAW_CONTRACTS[table]
    key = contract.key[-1]
    bad = {**good, **change, key: f"{good[key]}-bad"}

    batch = validate(contract, [[good, bad]], loaded_at=LOADED_AT)

    assert batch.rows.height == 1
    assert batch.quarantined.select("record_key", "reason").rows() == [
        ("|".join(str(bad[column]) for column in contract.key), reason)
    ]


def test_the_same_rules_hold_for_a_typed_columnar_batch() -> None:
    """Columnar sources deliver timestamps already typed: the bounds and the order of
    columns apply to them as to text."""
    frame = pl.DataFrame(
        {
            **{name: [value] * 3 for name, value in DEPLOYMENT.items()},
            "deployment_id": ["d-1", "d-2", "d-3"],
            "started_at": [
                datetime(2026, 10, 1, 10, tzinfo=UTC),
                datetime(1999, 12, 31, tzinfo=UTC),
                datetime(2026, 10, 1, 10, tzinfo=UTC),
            ],
            "finished_at": [
                datetime(2026, 10, 1, 11, tzinfo=UTC),
                datetime(2026, 10, 1, 11, tzinfo=UTC),
                datetime(2026, 10, 1, 9, tzinfo=UTC),
            ],
        }
    )

    batch = validate(RAW_CONTRACTS["deployments"], [frame], loaded_at=LOADED_AT)

    assert batch.rows.get_column("deployment_id").to_list() == ["d-1"]
    assert dict(batch.quarantined.select("record_key", "reason").rows()) == {
        "d-2": "implausible timestamp in started_at: '1999-12-31 00:00:00.000000+00:00' "
        "is before 2000-01-01",
        "d-3": "finished_at before started_at",
    }


def test_a_timestamp_within_a_day_of_the_load_is_plausible() -> None:
    """Clocks of sources drift: up to 24 hours after the load is accepted."""
    near = {**INCIDENT, "created_at": "2026-11-02T11:59:59Z", "resolved_at": None}
    batch = validate(RAW_CONTRACTS["incidents"], [[near]], loaded_at=LOADED_AT)
    assert (batch.rows.height, batch.quarantined.height) == (1, 0)


def test_the_rules_are_read_from_the_pandera_models() -> None:
    deployments = {column.name: column for column in RAW_CONTRACTS["deployments"].columns}
    assert deployments["started_at"].earliest == datetime(2000, 1, 1, tzinfo=UTC)
    assert deployments["service"].max_bytes == 1024
    assert RAW_CONTRACTS["deployments"].orderings == (ColumnOrder("started_at", "finished_at"),)
    assert RAW_CONTRACTS["pull_requests"].orderings == (ColumnOrder("created_at", "merged_at"),)
    commits = {column.name: column for column in RAW_CONTRACTS["commits"].columns}
    assert commits["message"].max_bytes == 65536


def test_implausible_rows_from_a_file_land_in_the_quarantine(tmp_path, warehouse, log) -> None:
    header = ",".join(DEPLOYMENT)
    lines = [
        ",".join(DEPLOYMENT.values()),
        ",".join({**DEPLOYMENT, "deployment_id": "d-2", "started_at": "2099-01-01"}.values()),
        ",".join({**DEPLOYMENT, "deployment_id": "d-3", "source": "jen\x00kins"}.values()),
    ]
    (tmp_path / "deployments.csv").write_text("\n".join([header, *lines]) + "\n")
    connector = FileSourceConnector(tmp_path, RAW_CONTRACTS)

    report, _ = ingest(connector, RAW_CONTRACTS["deployments"], warehouse, run_id="r", log=log)

    assert (report.inserted, report.quarantined) == (1, 2)
    assert rows(warehouse, "select record_key, reason from ops.quarantine order by 1") == [
        (
            "d-2",
            "implausible timestamp in started_at: '2099-01-01' is more than 24 hours after "
            "the load; finished_at before started_at",
        ),
        ("d-3", "NUL byte in source"),
    ]
