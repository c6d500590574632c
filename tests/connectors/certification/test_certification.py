"""The connector certification suite (docs/connectors/README.md): every check runs on
every connector's adapter. A check that does not apply skips with the adapter's reason;
a known gap must still fail (strict xfail), so fixing it fails the suite until the
adapter and the page are promoted."""

from __future__ import annotations

import json
import logging
import os
from itertools import islice

import polars as pl
import pytest

from platform_assets.ingestion import IngestionFailed, RecordBatch, SourceError, ingest
from platform_assets.ingestion.contract import EXTRAS_COLUMN
from platform_assets.ingestion.schema_drift import DRIFT_EVENTS_TABLE
from platform_assets.warehouse import Warehouse
from tests.connectors.certification.adapters import Adapter, Check, Source
from tests.connectors.certification.conftest import certifies
from tests.connectors.conftest import rows


def extract(adapter: Adapter, cursor: str | None = None) -> list[RecordBatch]:
    with adapter.open() as connector:
        return list(connector.extract(adapter.entity, cursor))


def records_of(batches: list[RecordBatch]) -> list[dict]:
    found: list[dict] = []
    for batch in batches:
        records = batch.records
        found += records.to_dicts() if isinstance(records, pl.DataFrame) else map(dict, records)
    return sorted(found, key=lambda record: json.dumps(record, sort_keys=True, default=str))


def load(adapter: Adapter, warehouse: Warehouse, run_id: str, **options):
    with adapter.open() as connector:
        report, _ = ingest(
            connector,
            adapter.contract,
            warehouse,
            run_id=run_id,
            log=logging.getLogger("tests.certification"),
            **options,
        )
    return report


@certifies(Check.CONFIGURATION)
def test_configuration_errors_name_the_variable(
    adapter: Adapter, source: Source, monkeypatch
) -> None:
    variable, value = adapter.bad_setting
    working = os.environ.get(variable)
    monkeypatch.setenv(variable, value)
    assert_refused_naming(adapter, variable)
    if working is not None:
        monkeypatch.setenv(variable, working)
    else:
        monkeypatch.delenv(variable)
    if adapter.required_variable is not None:
        monkeypatch.delenv(adapter.required_variable)
        assert_refused_naming(adapter, adapter.required_variable)


def assert_refused_naming(adapter: Adapter, variable: str) -> None:
    with pytest.raises(SourceError) as refused, adapter.open() as connector:
        list(islice(connector.extract(adapter.entity, None), 1))
    assert variable in str(refused.value), f"{refused.value} does not name {variable}"


@certifies(Check.CREDENTIALS)
def test_credentials_come_from_the_environment_and_stay_out_of_logs(
    adapter: Adapter, source: Source, caplog
) -> None:
    assert adapter.secret_variable is not None and adapter.refuse_credentials is not None
    secret = os.environ[adapter.secret_variable]
    caplog.set_level(logging.DEBUG)
    with adapter.open() as connector:
        batches = list(connector.extract(adapter.entity, None))
        shown = repr(connector) + str(vars(connector))
    assert records_of(batches), "the source served nothing with the environment's secret"
    adapter.refuse_credentials(source, secret)
    with pytest.raises(SourceError) as refused:
        extract(adapter)
    assert secret not in caplog.text
    assert secret not in shown
    assert secret not in f"{refused.value!s} {refused.value!r} {refused.value.__cause__!r}"


@certifies(Check.REQUEST_CONSTRUCTION)
def test_first_request_is_built_from_the_settings(adapter: Adapter, source: Source) -> None:
    assert source.fake is not None
    with adapter.open() as connector:
        next(iter(connector.extract(adapter.entity, None)))
    first = source.fake.requests_to(adapter.api_path)[0]
    for name, expected in adapter.first_request.items():
        value = first.param(name) if name not in first.headers else first.headers[name]
        assert value is not None and expected(value), f"{name}={value!r} in {first}"


@certifies(Check.LOCAL_SERVICE)
def test_extracts_a_page_from_the_local_service(adapter: Adapter, source: Source) -> None:
    with adapter.open() as connector:
        first = next(iter(connector.extract(adapter.entity, None)))
        assert records_of([first])
        if first.cursor is not None:
            assert connector.check_cursor(adapter.entity, first.cursor) is None


@certifies(Check.RATE_LIMIT)
def test_a_429_with_retry_after_is_retried(adapter: Adapter, source: Source) -> None:
    assert source.fake is not None
    expected = records_of(extract(adapter))
    source.fake.fail_next(adapter.api_path, status=429, headers={"Retry-After": "0"})
    with adapter.open() as connector:
        assert records_of(list(connector.extract(adapter.entity, None))) == expected
        assert connector.request_stats.retries >= 1


@certifies(Check.IDEMPOTENCY)
def test_the_same_cursor_yields_the_same_records(adapter: Adapter, source: Source) -> None:
    # A load of what was already loaded changing nothing is the checkpoint check's.
    first = records_of(extract(adapter))
    assert first and records_of(extract(adapter)) == first


@certifies(Check.TYPES_AND_DRIFT)
def test_records_match_the_contract_and_drift_is_handed_over(
    adapter: Adapter, source: Source, warehouse: Warehouse
) -> None:
    """The drift each connector hands over (``Adapter.drift``) is recorded, not lost:
    an added field in ``_extras``, a removed or retyped mapped field as its event."""
    first = load(adapter, warehouse, "run-1")
    assert first.inserted > 0 and first.quarantined == 0
    assert not rows(warehouse, f"select * from {DRIFT_EVENTS_TABLE}"), "drift before any change"
    source.drift()
    if adapter.drift_failure is not None:
        with pytest.raises(IngestionFailed) as refused:
            load(adapter, warehouse, "run-2", full_refresh=True)
        assert refused.value.report.failure_category is adapter.drift_failure, refused.value
        assert adapter.drift_named_in_failure in str(refused.value), refused.value
        assert rows(warehouse, f"select count(*) from {adapter.contract.sql_name}") == [
            (first.inserted,)
        ], "the failed load changed the table"
        return
    second = load(adapter, warehouse, "run-2", full_refresh=True)
    recorded = set(rows(warehouse, f"select column_name, change from {DRIFT_EVENTS_TABLE}"))
    assert adapter.drift and set(adapter.drift.items()) <= recorded, recorded
    changes = set(adapter.drift.values())
    assert second.columns_added == sum(change == "added" for change in adapter.drift.values())
    assert second.columns_removed == sum(c == "removed" for c in adapter.drift.values())
    if "retyped" in changes:
        assert second.rows_retyped >= 1 and second.quarantined >= 1
    if "added" in changes:
        extras = rows(warehouse, f"select {EXTRAS_COLUMN} from {adapter.contract.sql_name}")
        assert any(value is not None for (value,) in extras), "no _extras after the drift"


@certifies(Check.CHECKPOINT)
def test_a_stored_cursor_resumes_and_a_corrupt_one_is_detected(
    adapter: Adapter, source: Source, warehouse: Warehouse
) -> None:
    first = load(adapter, warehouse, "run-1")
    assert first.cursor_after is not None
    resumed = load(adapter, warehouse, "run-2")
    assert resumed.cursor_before == first.cursor_after
    assert resumed.cursor_recovery is None
    assert resumed.inserted == 0
    with adapter.open() as connector:
        assert connector.check_cursor(adapter.entity, first.cursor_after) is None
        assert connector.check_cursor(adapter.entity, adapter.corrupt_cursor)


@pytest.mark.integration_live
def test_live_extract(adapter: Adapter) -> None:
    if Check.LIVE in adapter.not_applicable:
        pytest.skip(f"{adapter.name}: {adapter.not_applicable[Check.LIVE]}")
    missing = [name for name in adapter.live_variables if not os.environ.get(name)]
    if missing:
        pytest.skip(f"{adapter.name} live test needs {', '.join(missing)}")
    with adapter.open() as connector:
        first = next(iter(connector.extract(adapter.entity, None)), None)
    assert first is not None, f"the live {adapter.name} source returned no batch"
