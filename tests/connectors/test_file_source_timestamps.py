"""Issue 15, item 3: the file source reads every ISO 8601 offset form, and a time without
an offset in the zone ``PLATFORM_DORA_FILES_TIMEZONE`` names (UTC by default)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.domains.dora.sources import FILES_TIMEZONE_SETTING, DoraSource
from platform_assets.ingestion import FailureCategory, SourceError, ingest
from platform_assets.integrations.file_source import FileSourceConnector
from tests.connectors.conftest import rows

HEADER = "deployment_id,service,environment,result,started_at,finished_at,source,trigger_kind\n"
FINISHED = "2026-12-01T12:00:00Z"


def land(folder: Path, warehouse, log, started: list[str], time_zone: str = "UTC") -> list:
    lines = [
        f"d-{n},checkout,PRODUCTION,SUCCESS,{value},{FINISHED},jenkins,planned\n"
        for n, value in enumerate(started)
    ]
    (folder / "deployments.csv").write_text(HEADER + "".join(lines))
    connector = FileSourceConnector(folder, RAW_CONTRACTS, time_zone=time_zone)
    report, _ = ingest(connector, RAW_CONTRACTS["deployments"], warehouse, run_id="r", log=log)
    assert report.quarantined == 0, rows(warehouse, "select reason from ops.quarantine")
    found = rows(
        warehouse,
        "select deployment_id, started_at from raw.deployments "
        "order by cast(substr(deployment_id, 3) as int)",
    )
    return [started_at.astimezone(UTC) for _, started_at in found]


TEN_UTC = datetime(2026, 10, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "2026-10-01T10:00:00Z",
        "2026-10-01T10:00:00z",
        "2026-10-01 10:00:00Z",
        "2026-10-01 10:00:00+00",
        "2026-10-01T10:00:00+0000",
        "2026-10-01T10:00:00+00:00",
        "2026-10-01 12:00:00+02",
        "2026-10-01T12:00:00+0200",
        "2026-10-01 12:00:00+02:00",
        "2026-10-01T05:00:00-05",
        "2026-10-01 05:00:00-0500",
        "2026-10-01T04:30:00-05:30",
        "2026-10-01 10:00:00",
        "2026-10-01T10:00:00",
    ],
)
def test_every_offset_form_with_either_separator_is_the_same_instant(
    tmp_path, warehouse, log, text: str
) -> None:
    assert land(tmp_path, warehouse, log, [text]) == [TEN_UTC]


@pytest.mark.parametrize(
    "text", ["2026-10-01T10:00:00.250Z", "2026-10-01 10:00:00.25+00", "2026-10-01 10:00:00.250000"]
)
def test_fractional_seconds_are_kept(tmp_path, warehouse, log, text: str) -> None:
    assert land(tmp_path, warehouse, log, [text]) == [TEN_UTC.replace(microsecond=250000)]


def test_naive_times_and_bare_dates_are_read_in_the_configured_zone(
    tmp_path, warehouse, log
) -> None:
    started = ["2026-10-01 12:00:00", "2026-10-01", "2026-10-01T10:00:00Z"]
    assert land(tmp_path, warehouse, log, started, "Europe/Berlin") == [
        TEN_UTC,  # CEST, +02:00
        datetime(2026, 9, 30, 22, tzinfo=UTC),
        TEN_UTC,  # an offset wins over the zone
    ]


def test_a_time_repeated_when_daylight_saving_ends_is_the_earlier_instant(
    tmp_path, warehouse, log
) -> None:
    """01:30 happens twice in New York on 2026-11-01, at -04:00 then at -05:00: the first
    one is taken (Python's ``fold=0``)."""
    assert land(tmp_path, warehouse, log, ["2026-11-01 01:30:00"], "America/New_York") == [
        datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    ]


def test_a_time_skipped_when_daylight_saving_starts_is_quarantined_saying_why(
    tmp_path, warehouse, log
) -> None:
    (tmp_path / "deployments.csv").write_text(
        HEADER + f"d-1,checkout,PRODUCTION,SUCCESS,2026-03-08 02:30:00,{FINISHED},jenkins,planned\n"
    )
    connector = FileSourceConnector(tmp_path, RAW_CONTRACTS, time_zone="America/New_York")
    ingest(connector, RAW_CONTRACTS["deployments"], warehouse, run_id="r", log=log)
    assert rows(warehouse, "select record_key, reason from ops.quarantine") == [
        (
            "d-1",
            "unparseable timestamp in started_at: '2026-03-08 02:30:00' (or, without an "
            "offset, not a time that exists in America/New_York)",
        )
    ]


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "utc"])
def test_an_unknown_zone_is_a_configuration_error_naming_the_setting(
    tmp_path, monkeypatch, zone: str
) -> None:
    monkeypatch.setenv("PLATFORM_DORA_FILES_DIR", str(tmp_path))
    monkeypatch.setenv(FILES_TIMEZONE_SETTING, zone)
    source = DoraSource(kind="files")
    with pytest.raises(SourceError) as error, source.open_connector("deployments"):
        pass
    assert error.value.category is FailureCategory.CONFIGURATION
    assert f"{FILES_TIMEZONE_SETTING}={zone!r} is not an IANA time zone name" in str(error.value)
