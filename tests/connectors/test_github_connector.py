"""The GitHub connector over real HTTP against a local server speaking the REST API,
landed by the shared ingestion into a DuckDB file."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import dagster as dg
import pytest

from platform_assets.domains.dora.raw_assets import raw_assets
from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.domains.dora.sources import DoraSource
from platform_assets.ingestion import (
    FailureCategory,
    IngestionFailed,
    IngestionReport,
    ResilientHttpClient,
    ingest,
)
from platform_assets.integrations.github import GitHubConnector, GitHubSettings
from platform_assets.warehouse import Warehouse, WarehouseIOManager
from tests.connectors.conftest import FAST_RETRY, rows
from tests.connectors.fakes.github_api import (
    FakeGitHub,
    commit,
    deployment,
    issue,
    pull,
    status,
)

REPO = "acme/shop"
OTHER_REPO = "acme/billing"
TOKEN = "ghp_" + "T0kenForTheFakeGitHub" * 2


def deployment_id(number: int) -> str:
    return f"{REPO}/deployments/{number}"


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub(page_size=2)
    repo = fake.repository(REPO)
    repo.deployments = [
        deployment(1, "2026-10-01T10:00:00Z", "a1"),
        deployment(2, "2026-10-02T10:00:00Z", "b2", environment="staging"),
        deployment(3, "2026-10-03T10:00:00Z", "c3"),
        deployment(4, "2026-10-04T10:00:00Z", "d4", description="hotfix for checkout"),
        deployment(5, "2026-10-05T10:00:00Z", "e5"),
    ]
    repo.statuses = {
        1: [
            status("success", "2026-10-01T10:05:00Z"),
            status("in_progress", "2026-10-01T10:01:00Z"),
        ],
        2: [status("success", "2026-10-02T10:04:00Z")],
        3: [status("error", "2026-10-03T10:07:00Z"), status("in_progress", "2026-10-03T10:02:00Z")],
        4: [status("success", "2026-10-04T10:06:00Z")],
        5: [status("in_progress", "2026-10-05T10:01:00Z")],
    }
    repo.compare = {
        ("a1", "d4"): [
            commit("x1", "2026-10-02T09:00:00Z"),
            commit("x2", "2026-10-03T09:00:00Z"),
            commit("d4", "2026-10-04T09:00:00Z"),
        ]
    }
    repo.pulls = [
        pull(11, "2026-10-01T08:00:00Z", "2026-10-02T08:00:00Z", "2026-10-02T08:00:00Z", "x1"),
        pull(12, "2026-10-01T09:00:00Z", None, "2026-10-02T09:00:00Z", "zz"),
        pull(
            13,
            "2026-10-03T08:00:00Z",
            "2026-10-03T12:00:00Z",
            "2026-10-03T12:00:00Z",
            "x2",
            body="Fixes the outage.\n\nIncident: acme/shop#21\n",
        ),
    ]
    repo.pull_commits = {
        11: [commit("p1", "2026-10-01T07:00:00Z"), commit("x1", "2026-10-01T07:30:00Z")],
        13: [commit("x2", "2026-10-03T07:00:00Z")],
    }
    repo.reviews = {
        11: [
            {
                "id": 901,
                "state": "APPROVED",
                "user": {"login": "bob"},
                "submitted_at": "2026-10-01T12:00:00Z",
            }
        ],
        13: [{"id": 902, "state": "PENDING", "user": {"login": "bob"}}],
    }
    repo.review_comments = {
        11: [{"id": 801, "user": {"login": "bob"}, "created_at": "2026-10-01T11:00:00Z"}]
    }
    repo.issue_comments = {
        13: [{"id": 701, "user": {"login": "ada"}, "created_at": "2026-10-03T09:00:00Z"}]
    }
    repo.commits = [
        commit("m1", "2026-10-03T10:00:00Z"),
        commit("m2", "2026-10-04T10:00:00Z", message='Revert "Add cache"'),
    ]
    repo.issues = [
        issue(
            21,
            "2026-10-04T11:00:00Z",
            "2026-10-04T13:00:00Z",
            ["incident", "severity:SEV2", "service:checkout"],
            closed_at="2026-10-04T13:00:00Z",
            body=f"Caused-By-Deployment: {deployment_id(4)}\nRoot-Cause: x2\n",
        ),
        issue(22, "2026-10-05T11:00:00Z", "2026-10-05T11:00:00Z", ["incident"]),
        issue(23, "2026-10-05T12:00:00Z", "2026-10-05T12:00:00Z", ["enhancement"]),
        issue(24, "2026-10-05T13:00:00Z", "2026-10-05T13:00:00Z", ["incident"], pull_request={}),
    ]
    with fake.running():
        yield fake


def load(
    github: FakeGitHub,
    entity: str,
    warehouse: Warehouse,
    log: logging.Logger,
    run_id: str = "run-1",
    full_refresh: bool = False,
    repositories: tuple[str, ...] = (REPO,),
) -> IngestionReport:
    client = ResilientHttpClient(
        base_url=github.base_url,
        headers={"Authorization": f"Bearer {TOKEN}"},
        retry=FAST_RETRY,
        timeout_seconds=2,
    )
    connector = GitHubConnector(client, GitHubSettings(repositories=repositories))
    try:
        report, _ = ingest(
            connector,
            RAW_CONTRACTS[entity],
            warehouse,
            run_id=run_id,
            log=log,
            full_refresh=full_refresh,
        )
    finally:
        client.close()
    return report


def test_deployments_take_result_and_timing_from_their_statuses(github, warehouse, log) -> None:
    report = load(github, "deployments", warehouse, log)
    landed = rows(
        warehouse,
        "select deployment_id, service, environment, result, started_at::varchar, "
        "finished_at::varchar, trigger_kind, _source from raw.deployments order by 1",
    )
    assert landed == [
        (
            deployment_id(1),
            "shop",
            "PRODUCTION",
            "SUCCESS",
            "2026-10-01 10:01:00+00",
            "2026-10-01 10:05:00+00",
            "unknown",
            "github",
        ),
        (
            deployment_id(2),
            "shop",
            "STAGING",
            "SUCCESS",
            "2026-10-02 10:00:00+00",
            "2026-10-02 10:04:00+00",
            "unknown",
            "github",
        ),
        (
            deployment_id(3),
            "shop",
            "PRODUCTION",
            "FAILURE",
            "2026-10-03 10:02:00+00",
            "2026-10-03 10:07:00+00",
            "unknown",
            "github",
        ),
        (
            deployment_id(4),
            "shop",
            "PRODUCTION",
            "SUCCESS",
            "2026-10-04 10:00:00+00",
            "2026-10-04 10:06:00+00",
            "hotfix",
            "github",
        ),
    ]
    # Five deployments two per page: three pages; the running one (5) waits for its end.
    assert len(github.requests_to(f"/repos/{REPO}/deployments")) == 3 + 5
    assert report.extracted == 4 and report.inserted == 4 and report.quarantined == 0
    assert report.cursor_after == '{"acme/shop": {"deployments": "2026-10-05T10:00:00Z"}}'


def test_a_rerun_fetches_only_what_is_new(github, warehouse, log) -> None:
    load(github, "deployments", warehouse, log)
    repo = github.repository(REPO)
    repo.deployments.append(deployment(6, "2026-10-06T10:00:00Z", "f6"))
    repo.statuses[6] = [status("success", "2026-10-06T10:05:00Z")]
    repo.statuses[5].insert(0, status("failure", "2026-10-05T10:09:00Z"))
    github.requests.clear()

    report = load(github, "deployments", warehouse, log, run_id="run-2")

    statuses_read = {
        r.path.split("/")[5] for r in github.requests_to(f"/repos/{REPO}/deployments/")
    }
    assert statuses_read == {"5", "6"}
    assert [
        r.param("page")
        for r in github.requests_to(f"/repos/{REPO}/deployments")
        if r.path.endswith("/deployments")
    ] == [None, "2"]
    assert (report.inserted, report.updated) == (2, 0)
    assert rows(
        warehouse, "select count(*), count(*) filter (where _run_id = 'run-2') from raw.deployments"
    ) == [(6, 2)]


def test_a_malformed_record_is_quarantined_and_counted(github, warehouse, log) -> None:
    github.repository(REPO).deployments.append(
        deployment(7, "2026-10-04T12:00:00Z", "g7", environment="moon")
    )
    github.repository(REPO).statuses[7] = [status("success", "not a time")]
    report = load(github, "deployments", warehouse, log)
    assert (report.quarantined, report.quarantined_new) == (1, 1)
    assert report.failure_category is FailureCategory.MALFORMED_PAYLOAD
    assert report.quarantine_reasons == {
        "unknown value": 1,
        "unparseable timestamp in finished_at": 1,
    }
    [(key, reason)] = rows(warehouse, "select record_key, reason from ops.quarantine")
    assert key == deployment_id(7)
    assert "unknown value 'MOON' for environment" in reason
    assert "unparseable timestamp in finished_at: 'not a time'" in reason
    assert rows(warehouse, "select count(*) from raw.deployments") == [(4,)]
    quarantine = rows(warehouse, "select * from ops.quarantine")
    again = load(github, "deployments", warehouse, log, run_id="run-2", full_refresh=True)
    assert (again.quarantined, again.quarantined_new) == (1, 0)
    assert rows(warehouse, "select * from ops.quarantine") == quarantine


def test_change_sets_come_from_the_compare_api(github, warehouse, log) -> None:
    load(github, "deployment_change_sets", warehouse, log)
    assert rows(
        warehouse, "select deployment_id, sha from raw.deployment_change_sets order by 2"
    ) == [
        (deployment_id(4), "d4"),
        (deployment_id(4), "x1"),
        (deployment_id(4), "x2"),
    ]
    # Two pages of compare results (page size 2).
    assert len(github.requests_to(f"/repos/{REPO}/compare/a1...d4")) == 2


def test_a_change_set_the_compare_api_cannot_find_is_quarantined_alone(
    github, warehouse, log
) -> None:
    # A force-push removed a1 from history: GitHub answers 404 for a1...d4. The other
    # repository's change sets, and the rest of this one's, must still load.
    shop = github.repository(REPO)
    shop.deployments.append(deployment(6, "2026-10-06T10:00:00Z", "f6"))
    shop.statuses[6] = [status("success", "2026-10-06T10:05:00Z")]
    shop.compare[("d4", "f6")] = [
        commit("y1", "2026-10-05T09:00:00Z"),
        commit("f6", "2026-10-06T09:00:00Z"),
    ]
    del shop.compare[("a1", "d4")]
    billing = github.repository(OTHER_REPO)
    billing.deployments = [
        deployment(1, "2026-10-01T10:00:00Z", "b1"),
        deployment(2, "2026-10-02T10:00:00Z", "b2"),
    ]
    billing.statuses = {n: [status("success", f"2026-10-0{n}T10:05:00Z")] for n in (1, 2)}
    billing.compare = {("b1", "b2"): [commit("b2", "2026-10-02T09:00:00Z")]}

    report = load(github, "deployment_change_sets", warehouse, log, repositories=(REPO, OTHER_REPO))

    assert rows(
        warehouse, "select deployment_id, sha from raw.deployment_change_sets order by 1, 2"
    ) == [
        (f"{OTHER_REPO}/deployments/2", "b2"),
        (deployment_id(6), "f6"),
        (deployment_id(6), "y1"),
    ]
    assert report.quarantine_reasons == {"change set unavailable": 1}
    [(key, reason, payload)] = rows(
        warehouse, "select record_key, reason, payload from ops.quarantine"
    )
    assert key == deployment_id(4)
    assert "HTTP 404 for a1...d4" in reason and "no longer in the history" in reason
    assert "a1" in payload


def test_a_link_header_to_another_origin_fails_the_load_and_sends_it_nothing(
    github, elsewhere, warehouse, log
) -> None:
    # The second page of deployments links to another host: following it would send the
    # token there, and its empty answer would end the listing green with rows missing.
    def away_from_page_two(request, url):
        if url and request.path.endswith("/deployments") and request.param("page") == "2":
            return url.replace(github.base_url, elsewhere.base_url)
        return url

    github.rewrite_next_link = away_from_page_two
    with pytest.raises(IngestionFailed) as failure:
        load(github, "deployments", warehouse, log)
    assert failure.value.report.failure_category is FailureCategory.CONFIGURATION
    assert f"{elsewhere.base_url} is not the configured API origin" in str(failure.value)
    assert elsewhere.requests == []
    assert all(r.headers.get("Authorization") == f"Bearer {TOKEN}" for r in github.requests)
    assert rows(
        warehouse, "select count(*) from information_schema.tables where table_schema = 'raw'"
    ) == [(0,)]


def test_deployment_commits_name_the_sha_put_live(github, warehouse, log) -> None:
    load(github, "deployment_commits", warehouse, log)
    assert rows(
        warehouse, "select deployment_id, repo, sha from raw.deployment_commits order by 1"
    ) == [(deployment_id(n), REPO, sha) for n, sha in [(1, "a1"), (2, "b2"), (3, "c3"), (4, "d4")]]


def test_merged_pull_requests_with_commits_and_reviews(github, warehouse, log) -> None:
    for entity in ("pull_requests", "pull_request_commits", "pull_request_reviews", "commits"):
        load(github, entity, warehouse, log)
    assert rows(
        warehouse,
        "select pr_id, number, author, merge_sha, referenced_incident_id "
        "from raw.pull_requests order by 1",
    ) == [
        (f"{REPO}#11", 11, "ada", "x1", None),
        (f"{REPO}#13", 13, "ada", "x2", "acme/shop#21"),
    ]
    assert rows(warehouse, "select pr_id, sha from raw.pull_request_commits order by 1, 2") == [
        (f"{REPO}#11", "p1"),
        (f"{REPO}#11", "x1"),
        (f"{REPO}#13", "x2"),
    ]
    assert rows(
        warehouse, "select review_id, author, kind from raw.pull_request_reviews order by 1"
    ) == [
        (f"{REPO}#11/review-comment/801", "bob", "comment"),
        (f"{REPO}#11/review/901", "bob", "approval"),
        (f"{REPO}#13/comment/701", "ada", "comment"),
    ]
    assert rows(warehouse, "select sha, message from raw.commits order by 1") == [
        ("m1", "Change"),
        ("m2", 'Revert "Add cache"'),
        ("p1", "Change"),
        ("x1", "Change"),
        ("x2", "Change"),
    ]


def test_incidents_come_from_labelled_issues(github, warehouse, log) -> None:
    report = load(github, "incidents", warehouse, log)
    assert rows(
        warehouse,
        "select incident_id, service, resolved_at::varchar, severity, "
        "caused_by_deployment_id, root_cause_sha from raw.incidents order by 1",
    ) == [
        (f"{REPO}#21", "checkout", "2026-10-04 13:00:00+00", "SEV2", deployment_id(4), "x2"),
        (f"{REPO}#22", "shop", None, None, None, None),
    ]
    assert github.requests_to(f"/repos/{REPO}/issues")[0].param("labels") == "incident"
    github.requests.clear()
    load(github, "incidents", warehouse, log, run_id="run-2")
    assert github.requests_to(f"/repos/{REPO}/issues")[0].param("since") == "2026-10-05T11:00:00Z"
    assert report.extracted == 2


def test_transient_failures_are_retried_and_reported(github, warehouse, log) -> None:
    github.fail_next(f"/repos/{REPO}/deployments/3/statuses", times=2, status=502)
    report = load(github, "deployments", warehouse, log)
    assert report.requests.retries == 2
    assert report.metadata()["retries_by_reason"].value == {"server_error": 2}
    assert report.failure_category is FailureCategory.NONE


def test_a_failure_keeps_nothing_and_names_its_category(github, warehouse, log) -> None:
    github.fail_next(
        f"/repos/{REPO}/deployments/4/statuses", times=FAST_RETRY.max_attempts, status=503
    )
    with pytest.raises(IngestionFailed) as failure:
        load(github, "deployments", warehouse, log)
    assert failure.value.report.failure_category is FailureCategory.SERVER_ERROR
    assert rows(
        warehouse, "select count(*) from information_schema.tables where table_schema = 'raw'"
    ) == [(0,)]
    assert load(github, "deployments", warehouse, log, run_id="run-2").inserted == 4


def test_the_asset_reports_quarantine_in_its_materialization(github, tmp_path, monkeypatch) -> None:
    github.repository(REPO).deployments.append(
        deployment(8, "2026-10-04T12:00:00Z", "h8", environment="moon")
    )
    github.repository(REPO).statuses[8] = [status("success", "2026-10-04T12:05:00Z")]
    database = str(tmp_path / "warehouse.duckdb")
    monkeypatch.setenv("PLATFORM_GITHUB_API_URL", github.base_url)
    monkeypatch.setenv("PLATFORM_GITHUB_REPOSITORIES", REPO)
    monkeypatch.setenv("PLATFORM_HTTP_BACKOFF_SECONDS", "0.01")
    source = DoraSource(kind="github")
    deployments_asset = next(a for a in raw_assets if a.key == dg.AssetKey(["raw", "deployments"]))
    result = dg.materialize(
        [deployments_asset],
        resources={
            "dora_source": source,
            "warehouse": Warehouse(database=database),
            "warehouse_io_manager": WarehouseIOManager(database=database),
        },
        instance=dg.DagsterInstance.ephemeral(),
    )
    [materialization] = result.asset_materializations_for_node(deployments_asset.op.name)
    metadata = {key: value.value for key, value in materialization.metadata.items()}
    assert metadata["source"] == "github"
    assert metadata["sink"] == "duckdb:raw.deployments"
    assert metadata["run_id"] == result.run_id
    assert (metadata["rows_extracted"], metadata["rows_loaded"]) == (5, 4)
    assert (metadata["rows_inserted"], metadata["rows_quarantined"]) == (4, 1)
    assert metadata["failure_category"] == "malformed_payload"
    assert metadata["quarantine_reasons"] == {"unknown value": 1}
