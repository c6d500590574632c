"""Issue 15, item 3: a child row whose parent record is quarantined is quarantined too,
with the reason ``parent_quarantined``, so one bad deployment cannot leave an orphan
commit row that fails the models' relationships test."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from platform_assets.domains.dora.raw_assets import DORA_LANDING, raw_assets
from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.domains.dora.sources import DoraSource
from platform_assets.ingestion import ingest
from platform_assets.integrations.file_source import FileSourceConnector
from platform_assets.warehouse import Warehouse, WarehouseIOManager
from tests.connectors.conftest import rows

DEPLOYMENTS = """\
deployment_id,service,environment,result,started_at,finished_at,source,trigger_kind
d-1,checkout,,SUCCESS,2026-10-01T10:00:00Z,2026-10-01T10:05:00Z,devlake,unknown
d-2,checkout,PRODUCTION,SUCCESS,2026-10-02T10:00:00Z,2026-10-02T10:05:00Z,devlake,unknown
d-3,checkout,PRODUCTION,FAILURE,2026-10-03T10:00:00Z,2026-10-03T10:05:00Z,devlake,unknown
"""
DEPLOYMENT_COMMITS = """\
deployment_id,repo,sha
d-1,acme/checkout,aaa
d-2,acme/checkout,bbb
d-3,acme/checkout,ccc
"""
EMPTY_ENVIRONMENT = "missing required column environment"


def write(folder: Path, **files: str) -> None:
    for entity, text in files.items():
        (folder / f"{entity}.csv").write_text(text)


def quarantine(warehouse: Warehouse) -> list[tuple]:
    return rows(
        warehouse,
        "select entity, record_key, reason from ops.quarantine where resolved_at is null "
        "order by entity, record_key",
    )


def test_a_deployment_and_its_commit_are_quarantined_and_the_rest_lands(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The raw assets as Dagster runs them: deployment_commits depends on deployments,
    so it reads the quarantine its parent wrote in the same run."""
    folder = tmp_path / "export"
    folder.mkdir()
    write(folder, deployments=DEPLOYMENTS, deployment_commits=DEPLOYMENT_COMMITS)
    monkeypatch.setenv("PLATFORM_DORA_FILES_DIR", str(folder))
    database = str(tmp_path / "warehouse.duckdb")
    selected = [a for a in raw_assets if a.key.path[-1] in ("deployments", "deployment_commits")]
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            selected,
            resources={
                "dora_source": DoraSource(kind="files"),
                "warehouse": Warehouse(database=database),
                "warehouse_io_manager": WarehouseIOManager(database=database),
            },
            instance=instance,
        )
    assert result.success
    warehouse = Warehouse(database=database)
    assert quarantine(warehouse) == [
        (
            "deployment_commits",
            "d-1|acme/checkout",
            f"parent_quarantined: deployment d-1 quarantined ({EMPTY_ENVIRONMENT})",
        ),
        ("deployments", "d-1", EMPTY_ENVIRONMENT),
    ]
    assert rows(warehouse, "select deployment_id from raw.deployments order by 1") == [
        ("d-2",),
        ("d-3",),
    ]
    assert rows(warehouse, "select deployment_id from raw.deployment_commits order by 1") == [
        ("d-2",),
        ("d-3",),
    ]


def test_fixing_the_parent_lands_the_child_on_the_next_run(tmp_path, warehouse, log) -> None:
    write(tmp_path, deployments=DEPLOYMENTS, deployment_commits=DEPLOYMENT_COMMITS)
    connector = FileSourceConnector(tmp_path, RAW_CONTRACTS)

    def land_both(run_id: str) -> None:
        for entity in ("deployments", "deployment_commits"):
            ingest(
                connector,
                RAW_CONTRACTS[entity],
                warehouse,
                run_id=run_id,
                log=log,
                parents=DORA_LANDING.parents.get(entity, ()),
            )

    land_both("run-1")
    assert len(quarantine(warehouse)) == 2
    write(tmp_path, deployments=DEPLOYMENTS.replace("checkout,,", "checkout,PRODUCTION,"))
    land_both("run-2")
    assert quarantine(warehouse) == []
    assert rows(warehouse, "select count(*) from raw.deployment_commits") == [(3,)]


def test_reviews_and_commits_of_a_quarantined_pull_request_are_quarantined(
    tmp_path, warehouse, log
) -> None:
    write(
        tmp_path,
        pull_requests="pr_id,repo,number,created_at\n"
        "acme/a#1,acme/a,one,2026-10-01T10:00:00Z\nacme/a#2,acme/a,2,2026-10-01T10:00:00Z\n",
        pull_request_reviews="review_id,pr_id,created_at,kind\n"
        "r-1,acme/a#1,2026-10-01T11:00:00Z,approval\nr-2,acme/a#2,2026-10-01T11:00:00Z,review\n",
        pull_request_commits="pr_id,repo,sha\nacme/a#1,acme/a,aaa\nacme/a#2,acme/a,bbb\n",
    )
    connector = FileSourceConnector(tmp_path, RAW_CONTRACTS)
    for entity in ("pull_requests", "pull_request_reviews", "pull_request_commits"):
        ingest(
            connector,
            RAW_CONTRACTS[entity],
            warehouse,
            run_id="r",
            log=log,
            parents=DORA_LANDING.parents.get(entity, ()),
        )
    because = "parent_quarantined: pull request acme/a#1 quarantined (wrong type for number"
    found = quarantine(warehouse)
    assert [(entity, key) for entity, key, _ in found] == [
        ("pull_request_commits", "acme/a#1|aaa"),
        ("pull_request_reviews", "r-1"),
        ("pull_requests", "acme/a#1"),
    ]
    assert all(reason.startswith(because) for _, _, reason in found[:2]), found
