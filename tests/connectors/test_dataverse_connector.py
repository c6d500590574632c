"""The Dataverse connector over real loopback HTTP, against a fake Dataverse and a fake
token endpoint on two origins: full reads over pages, deltas with updates and
deletions, a 410 re-baseline, rate limits, token renewal, and credentials kept to their
origins and out of every message; and the soft deletes of a delta and of a re-baseline
landed through the ingestion into a real DuckDB file."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import quote, quote_plus

import pytest

from platform_assets.domains.customer.raw_schemas import BRONZE_CONTRACTS
from platform_assets.ingestion import (
    FailureCategory,
    RecordBatch,
    SnapshotScope,
    SourceError,
    ingest,
)
from platform_assets.integrations.dataverse import (
    DataverseConnector,
    DataverseSettings,
    dataverse_settings_from_env,
)
from platform_assets.warehouse import Warehouse
from tests.connectors.conftest import FAST_RETRY, rows
from tests.connectors.fakes.dataverse_api import (
    API_PATH,
    TOKEN_PATH,
    FakeDataverse,
    FakeTokenEndpoint,
    account,
    contact,
)
from tests.connectors.fakes.server import OtherOriginApi

CLIENT_ID = "app-registration-1"
#: Characters that URL and form encoding change, so that an encoded echo differs.
SECRET = "s3cr3t/Client+Secret=for~tests"
CONTACTS = API_PATH + "contacts"
CONTACT_SELECT = (
    "contactid,firstname,lastname,emailaddress1,telephone1,mobilephone,address1_line1,"
    "address1_city,address1_postalcode,address1_country,birthdate,createdon,modifiedon,"
    "statecode,_parentcustomerid_value"
)


@pytest.fixture
def tokens() -> Iterator[FakeTokenEndpoint]:
    fake = FakeTokenEndpoint(CLIENT_ID, SECRET)
    with fake.running():
        yield fake


@pytest.fixture
def dataverse(tokens: FakeTokenEndpoint) -> Iterator[FakeDataverse]:
    fake = FakeDataverse(tokens)
    for number in range(1, 6):
        fake.upsert("contacts", contact(f"c-{number}"))
    with fake.running():
        yield fake


@pytest.fixture
def settings(dataverse: FakeDataverse, tokens: FakeTokenEndpoint) -> DataverseSettings:
    return DataverseSettings(
        url=dataverse.url,
        token_url=tokens.token_url,
        client_id=CLIENT_ID,
        client_secret=SECRET,
        scope=f"{dataverse.url}/.default",
        page_size=2,
        retry=FAST_RETRY,
        timeout_seconds=5.0,
    )


def read(connector: DataverseConnector, entity: str, cursor: str | None) -> list[RecordBatch]:
    return list(connector.extract(entity, cursor))


def records(batches: list[RecordBatch]) -> list[dict]:
    return [record for batch in batches for record in batch.records]


def ids(batches: list[RecordBatch], key: str = "contactid") -> list[str]:
    return [record[key] for record in records(batches)]


def test_a_full_read_follows_every_page_and_ends_on_the_delta_link(
    dataverse: FakeDataverse, tokens: FakeTokenEndpoint, settings: DataverseSettings
) -> None:
    dataverse.upsert("contacts", contact("c-6", _parentcustomerid_value="a-1", statecode="1"))
    with DataverseConnector(settings) as connector:
        batches = read(connector, "crm_contacts", None)

    assert [len(batch.records) for batch in batches] == [2, 2, 2]
    assert ids(batches) == [f"c-{n}" for n in range(1, 7)]
    assert [batch.cursor for batch in batches[:-1]] == [None, None]
    assert batches[-1].cursor is not None
    delta_link = json.loads(batches[-1].cursor)["delta_link"]
    assert delta_link.startswith(f"{dataverse.url}{CONTACTS}?") and "deltatoken" in delta_link
    assert all(batch.snapshot == SnapshotScope() for batch in batches)
    assert all(not batch.rejected and not batch.deleted_keys for batch in batches)

    sixth = records(batches)[-1]
    assert sixth["parentcustomerid"] == "a-1" and "_parentcustomerid_value" not in sixth
    assert sixth["statecode"] == 1
    assert sixth["createdon"] == "2024-01-02T09:00:00+00:00"
    assert sixth["birthdate"] == "1815-12-10"
    assert "@odata.etag" not in sixth

    pages = dataverse.requests_to(CONTACTS)
    assert len(pages) == 3
    for page in pages:
        assert page.headers["Authorization"] == "Bearer dv-token-1"
        assert "odata.maxpagesize=2" in page.headers["Prefer"]
        assert "odata.track-changes" in page.headers["Prefer"]
    assert pages[0].param("$select") == CONTACT_SELECT
    assert [page.param("$skiptoken") for page in pages] == [None, "2", "4"]
    assert len(tokens.requests) == 1, "the token is cached across pages"


def test_the_token_request_is_a_client_credentials_form(
    dataverse: FakeDataverse, tokens: FakeTokenEndpoint, settings: DataverseSettings
) -> None:
    with DataverseConnector(settings) as connector:
        read(connector, "crm_contacts", None)
    (request,) = tokens.requests
    assert request.method == "POST"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.form() == {
        "grant_type": "client_credentials",
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
        "scope": f"{dataverse.url}/.default",
    }
    assert "Authorization" not in request.headers


def test_accounts_are_read_with_their_own_columns(
    dataverse: FakeDataverse, settings: DataverseSettings
) -> None:
    dataverse.upsert("accounts", account("a-1", modifiedon="2024-02-03T05:05:06+01:00"))
    with DataverseConnector(settings) as connector:
        (batch,) = read(connector, "crm_accounts", None)
    assert list(batch.records[0]) == [
        "accountid", "name", "emailaddress1", "telephone1", "address1_line1", "address1_city",
        "address1_postalcode", "address1_country", "createdon", "modifiedon", "statecode",
    ]  # fmt: skip
    assert batch.records[0]["modifiedon"] == "2024-02-03T04:05:06+00:00"
    assert batch.cursor is not None


def test_a_delta_read_returns_changed_rows_and_deleted_keys(
    dataverse: FakeDataverse, settings: DataverseSettings
) -> None:
    with DataverseConnector(settings) as connector:
        baseline = read(connector, "crm_contacts", None)
        dataverse.upsert("contacts", {"contactid": "c-2", "lastname": "Byron"})
        dataverse.upsert("contacts", contact("c-9"))
        dataverse.delete("contacts", "c-4")
        delta = read(connector, "crm_contacts", baseline[-1].cursor)
        unchanged = read(connector, "crm_contacts", delta[-1].cursor)

    assert ids(delta) == ["c-2", "c-9"]
    assert records(delta)[0]["lastname"] == "Byron"
    assert [key for batch in delta for key in batch.deleted_keys] == ["c-4"]
    assert all(batch.snapshot is None for batch in delta)
    assert delta[-1].cursor not in (None, baseline[-1].cursor)
    assert records(unchanged) == [] and unchanged[-1].cursor is not None
    assert dataverse.requests_to(CONTACTS)[3].param("$deltatoken") is not None


def test_a_gone_delta_link_re_baselines_with_a_snapshot_of_the_whole_table(
    dataverse: FakeDataverse, settings: DataverseSettings, caplog: pytest.LogCaptureFixture
) -> None:
    with DataverseConnector(settings) as connector:
        baseline = read(connector, "crm_contacts", None)
        dataverse.delete("contacts", "c-3")
        dataverse.expire_delta_links()
        with caplog.at_level(logging.WARNING):
            rebaselined = read(connector, "crm_contacts", baseline[-1].cursor)

    assert ids(rebaselined) == ["c-1", "c-2", "c-4", "c-5"]
    assert all(batch.snapshot == SnapshotScope() for batch in rebaselined)
    assert all(not batch.deleted_keys for batch in rebaselined)
    assert rebaselined[-1].cursor not in (None, baseline[-1].cursor)
    assert connector.rebaselines == {"crm_contacts": 1}
    assert "410 Gone" in caplog.text and "re-baselining" in caplog.text


def test_a_rate_limit_is_waited_out_as_the_api_asks(
    dataverse: FakeDataverse, tokens: FakeTokenEndpoint, settings: DataverseSettings
) -> None:
    slept: list[float] = []
    tokens.fail_next(TOKEN_PATH, status=429, headers={"Retry-After": "3"})
    dataverse.fail_next(CONTACTS, status=429, headers={"Retry-After": "7"})
    with DataverseConnector(settings, sleep=slept.append) as connector:
        batches = read(connector, "crm_contacts", None)
    assert len(ids(batches)) == 5
    assert slept == [3.0, 7.0]
    assert [r.method for r in tokens.requests] == ["POST", "POST"]
    stats = connector.request_stats
    assert stats.retries_by_reason["rate_limited"] == 2
    assert stats.requests == 2 + 4, "two token requests, four data requests"


def test_a_revoked_token_is_renewed_once_and_the_request_sent_again(
    dataverse: FakeDataverse, tokens: FakeTokenEndpoint, settings: DataverseSettings
) -> None:
    with DataverseConnector(settings) as connector:
        read(connector, "crm_contacts", None)
        tokens.revoke_tokens()
        batches = read(connector, "crm_contacts", None)
    assert len(ids(batches)) == 5
    assert len(tokens.requests) == 2
    second_read = dataverse.requests_to(CONTACTS)[3:]
    assert [r.headers["Authorization"] for r in second_read] == [
        "Bearer dv-token-1",
        "Bearer dv-token-2",
        "Bearer dv-token-2",
        "Bearer dv-token-2",
    ]


def test_a_401_after_renewal_fails_as_an_auth_failure(
    dataverse: FakeDataverse, tokens: FakeTokenEndpoint, settings: DataverseSettings
) -> None:
    dataverse.fail_next(CONTACTS, times=2, status=401)
    with DataverseConnector(settings) as connector, pytest.raises(SourceError) as failure:
        read(connector, "crm_contacts", None)
    assert failure.value.category is FailureCategory.AUTH
    assert len(dataverse.requests_to(CONTACTS)) == 2
    assert len(tokens.requests) == 2


def test_a_token_is_renewed_shortly_before_it_expires(
    dataverse: FakeDataverse, tokens: FakeTokenEndpoint, settings: DataverseSettings
) -> None:
    now = [0.0]
    with DataverseConnector(settings, clock=lambda: now[0]) as connector:
        read(connector, "crm_contacts", None)
        now[0] = 3000.0
        read(connector, "crm_contacts", None)
        assert len(tokens.requests) == 1
        now[0] = 3599.0 - 60
        read(connector, "crm_contacts", None)
    assert len(tokens.requests) == 2
    assert dataverse.requests_to(CONTACTS)[-1].headers["Authorization"] == "Bearer dv-token-2"


def test_a_wrong_secret_is_an_auth_failure_that_never_shows_the_secret(
    settings: DataverseSettings, tokens: FakeTokenEndpoint, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = replace(settings, client_secret="wr0ng/Secret+value=x")
    with (
        caplog.at_level(logging.DEBUG),
        DataverseConnector(wrong) as connector,
        pytest.raises(SourceError) as failure,
    ):
        read(connector, "crm_contacts", None)
    assert tokens.requests[0].form()["client_secret"] == "wr0ng/Secret+value=x"
    messages = " | ".join(str(error) for error in _chain(failure.value)) + caplog.text
    for shown in _encodings("wr0ng/Secret+value=x") | _encodings(SECRET):
        assert shown not in messages
    assert failure.value.category is FailureCategory.AUTH
    assert "PLATFORM_DATAVERSE_CLIENT_SECRET" in str(failure.value)
    assert "Invalid client secret provided: [REDACTED]" in str(failure.value)
    assert "wr0ng" not in repr(wrong) and "client_secret" not in repr(wrong)


def test_a_bearer_token_echoed_by_the_api_is_masked(
    dataverse: FakeDataverse, settings: DataverseSettings
) -> None:
    echo = b'{"error": {"message": "bad request from dv-token-1"}}'
    dataverse.fail_next(CONTACTS, status=400, body=echo)
    with DataverseConnector(settings) as connector, pytest.raises(SourceError) as failure:
        read(connector, "crm_contacts", None)
    assert failure.value.category is FailureCategory.CLIENT_ERROR
    assert "dv-token-1" not in str(failure.value)
    assert "bad request from [REDACTED]" in str(failure.value)


def test_a_next_link_to_another_origin_is_refused_before_any_request(
    dataverse: FakeDataverse, settings: DataverseSettings, elsewhere: OtherOriginApi
) -> None:
    dataverse.link_base = elsewhere.base_url
    with DataverseConnector(settings) as connector, pytest.raises(SourceError) as failure:
        read(connector, "crm_contacts", None)
    assert failure.value.category is FailureCategory.CONFIGURATION
    assert "not the configured API origin" in str(failure.value)
    assert elsewhere.requests == []


def test_a_page_that_repeats_an_earlier_one_stops_the_read(
    dataverse: FakeDataverse, settings: DataverseSettings
) -> None:
    dataverse.ignore_skiptoken = True
    with DataverseConnector(settings) as connector, pytest.raises(SourceError) as failure:
        read(connector, "crm_contacts", None)
    assert failure.value.category is FailureCategory.MALFORMED_PAYLOAD
    assert "repeats the page at" in str(failure.value)
    assert len(dataverse.requests_to(CONTACTS)) == 2


def test_a_delta_link_to_another_origin_is_refused_before_any_request(
    settings: DataverseSettings, elsewhere: OtherOriginApi
) -> None:
    cursor = json.dumps({"delta_link": f"{elsewhere.base_url}{CONTACTS}?$deltatoken=1"})
    with DataverseConnector(settings) as connector, pytest.raises(SourceError) as failure:
        read(connector, "crm_contacts", cursor)
    assert failure.value.category is FailureCategory.CONFIGURATION
    assert elsewhere.requests == []


def test_items_that_cannot_be_rows_are_rejected_with_their_reason(
    dataverse: FakeDataverse, settings: DataverseSettings
) -> None:
    context = f"{dataverse.url}{API_PATH}$metadata#contacts/$deletedEntity"
    dataverse.extra_items["contacts"] = [
        42,
        {"firstname": "Nobody"},
        {"@odata.context": context, "reason": "deleted"},
    ]
    with DataverseConnector(replace(settings, page_size=10)) as connector:
        (batch,) = read(connector, "crm_contacts", None)
    assert len(batch.records) == 5
    assert [(r.record_key, r.reason) for r in batch.rejected] == [
        ("contacts page 1 item 5", "a contacts item is int, not a JSON object"),
        ("contacts page 1 item 6", "a contacts row without its contactid"),
        ("contacts page 1 item 7", "a contacts deletion without its id"),
    ]
    assert json.loads(batch.rejected[1].payload) == {"firstname": "Nobody"}


def test_without_change_tracking_every_read_is_full_and_keeps_no_cursor(
    dataverse: FakeDataverse, settings: DataverseSettings, caplog: pytest.LogCaptureFixture
) -> None:
    dataverse.change_tracking = False
    with caplog.at_level(logging.WARNING), DataverseConnector(settings) as connector:
        batches = read(connector, "crm_contacts", None)
    assert len(ids(batches)) == 5
    assert [batch.cursor for batch in batches] == [None, None, None]
    assert "enable change tracking" in caplog.text


def test_an_unknown_entity_and_a_foreign_cursor_are_configuration_errors(
    settings: DataverseSettings,
) -> None:
    with DataverseConnector(settings) as connector:
        for entity, cursor in (("deployments", None), ("crm_contacts", "2024-01-01T00:00:00Z")):
            with pytest.raises(SourceError) as failure:
                read(connector, entity, cursor)
            assert failure.value.category is FailureCategory.CONFIGURATION
    assert connector.entities == frozenset({"crm_contacts", "crm_accounts"})
    assert connector.source_id == "dataverse"


def test_a_re_baseline_lands_soft_deletes_through_the_ingestion(
    dataverse: FakeDataverse, settings: DataverseSettings, warehouse: Warehouse, log: logging.Logger
) -> None:
    contract = BRONZE_CONTRACTS["crm_contacts"]

    def land(run_id: str) -> None:
        with DataverseConnector(settings) as connector:
            ingest(connector, contract, warehouse, run_id=run_id, log=log)

    def landed() -> list[tuple]:
        return rows(
            warehouse,
            "select contactid, lastname, _deleted_at is not null from bronze.crm_contacts "
            "order by contactid",
        )

    land("run-1")
    dataverse.upsert("contacts", {"contactid": "c-1", "lastname": "Byron"})
    dataverse.delete("contacts", "c-2")
    land("run-2")
    after_delta = landed()
    dataverse.delete("contacts", "c-3")
    dataverse.expire_delta_links()
    land("run-3")
    after_rebaseline = landed()
    land("run-4")

    assert after_delta == [
        ("c-1", "Byron", False),
        ("c-2", "Lovelace", True),
        ("c-3", "Lovelace", False),
        ("c-4", "Lovelace", False),
        ("c-5", "Lovelace", False),
    ]
    assert after_rebaseline == [
        ("c-1", "Byron", False),
        ("c-2", "Lovelace", True),
        ("c-3", "Lovelace", True),
        ("c-4", "Lovelace", False),
        ("c-5", "Lovelace", False),
    ]
    assert landed() == after_rebaseline, "a rerun changes nothing"


REQUIRED = {
    "PLATFORM_DATAVERSE_URL": "https://org.crm.example",
    "PLATFORM_DATAVERSE_TOKEN_URL": "https://login.example/tenant/oauth2/v2.0/token",
    "PLATFORM_DATAVERSE_CLIENT_ID": CLIENT_ID,
    "PLATFORM_DATAVERSE_CLIENT_SECRET": SECRET,
}


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for variable in (*REQUIRED, "PLATFORM_DATAVERSE_SCOPE", "PLATFORM_DATAVERSE_PAGE_SIZE"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in REQUIRED.items():
        monkeypatch.setenv(variable, value)
    return monkeypatch


def test_settings_come_from_the_environment_with_their_defaults(
    environment: pytest.MonkeyPatch,
) -> None:
    settings = dataverse_settings_from_env()
    assert settings.api_url == "https://org.crm.example/api/data/v9.2/"
    assert settings.scope == "https://org.crm.example/.default"
    assert settings.page_size == 5000
    assert settings.client_secret == SECRET and SECRET not in repr(settings)
    environment.setenv("PLATFORM_DATAVERSE_SCOPE", "https://other.example/.default")
    environment.setenv("PLATFORM_DATAVERSE_PAGE_SIZE", "250")
    settings = dataverse_settings_from_env()
    assert (settings.scope, settings.page_size) == ("https://other.example/.default", 250)


@pytest.mark.parametrize("variable", sorted(REQUIRED))
def test_a_missing_variable_is_a_configuration_error_naming_it(
    environment: pytest.MonkeyPatch, variable: str
) -> None:
    environment.delenv(variable)
    with pytest.raises(SourceError) as failure:
        dataverse_settings_from_env()
    assert failure.value.category is FailureCategory.CONFIGURATION
    assert str(failure.value).startswith(f"{variable} is not set")


@pytest.mark.parametrize("page_size", ["0", "5001", "many"])
def test_a_page_size_dataverse_does_not_serve_is_a_configuration_error(
    environment: pytest.MonkeyPatch, page_size: str
) -> None:
    environment.setenv("PLATFORM_DATAVERSE_PAGE_SIZE", page_size)
    with pytest.raises(SourceError) as failure:
        dataverse_settings_from_env()
    assert failure.value.category is FailureCategory.CONFIGURATION
    assert "PLATFORM_DATAVERSE_PAGE_SIZE" in str(failure.value)


def _chain(error: BaseException | None) -> Iterator[BaseException]:
    while error is not None:
        yield error
        error = error.__cause__ or error.__context__


def _encodings(secret: str) -> set[str]:
    return {secret, quote(secret, safe=""), quote_plus(secret), secret.split("/")[0]}
