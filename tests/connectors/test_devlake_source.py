"""The devlake source over a tiny DevLake: its domain-layer tables under DevLake's own
names, as CSV exports and as a database (SQLite through SQLAlchemy). Two projects share
it, so scoping has something to leave out, and bad rows are planted: a deployment without
an environment (the file-source recipe's) and a pull request whose number is not one.

The deployments and their commits land exactly as docs/file-source.md's DevLake recipe
lands them through the file source; the other tables as docs/devlake-source.md maps them."""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from platform_assets.domains.dora.raw_assets import DORA_LANDING
from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.domains.dora.sources import (
    DEVLAKE_DIR_SETTING,
    DEVLAKE_PROJECT_SETTING,
    DEVLAKE_URL_SETTING,
    DoraSource,
)
from platform_assets.ingestion import SourceError, ingest
from platform_assets.integrations.devlake import CsvFolder, DevLakeConnector
from platform_assets.warehouse import Warehouse
from tests.connectors.conftest import rows
from tests.connectors.test_file_source_recipes import DEVLAKE, DUCKDB_MARK, block, land

SHOP, OTHER = "github:GithubRepo:1:1", "github:GithubRepo:1:2"
SHOP_URL = "https://github.com/acme/shop"
PR = "github:GithubPullRequest:1:"

TABLES = {
    # The recipe's deployments (project shop) and one of project other.
    "cicd_deployment_commits": DEVLAKE
    + "7,github:acme/other,d-9,deploy other,SUCCESS,DONE,PRODUCTION,"
    "2026-10-05 10:00:00,2026-10-05 10:05:00,zzz9,https://github.com/acme/other\n",
    "repos": f"id,name,url\n{SHOP},acme/shop,{SHOP_URL}\n"
    f"{OTHER},acme/other,https://github.com/acme/other\n",
    "commits": "sha,additions,author_name,author_email,authored_date,message\n"
    "aaa1,3,Alice,alice@example.com,2026-09-30 08:00:00,Fix checkout\n"
    'ccc1,1,Bob,bob@example.com,2026-10-02 08:00:00,"Revert ""Fix checkout"""\n'
    "zzz9,9,Carol,carol@example.com,2026-10-04 08:00:00,Other work\n",
    "repo_commits": f"repo_id,commit_sha\n{SHOP},aaa1\n{SHOP},ccc1\n{OTHER},zzz9\n",
    "pull_requests": "id,base_repo_id,head_repo_id,status,title,author_name,"
    "pull_request_key,created_date,merged_date,merge_commit_sha\n"
    f"{PR}100,{SHOP},{SHOP},MERGED,Fix checkout,alice,7,"
    "2026-09-30 09:00:00,2026-10-01 09:00:00,aaa1\n"
    f"{PR}101,{SHOP},{SHOP},OPEN,Revert,bob,seven,2026-10-02 09:00:00,,\n"
    f"{PR}200,{OTHER},{OTHER},MERGED,Other,carol,3,"
    "2026-10-04 09:00:00,2026-10-04 12:00:00,zzz9\n",
    "pull_request_commits": f"pull_request_id,commit_sha\n{PR}100,aaa1\n{PR}101,ccc1\n"
    f"{PR}200,zzz9\n",
    "pull_request_comments": "id,pull_request_id,body,account_id,created_date,type,status\n"
    f"c1,{PR}100,LGTM,github:GithubAccount:1:2,2026-09-30 10:00:00,REVIEW,APPROVED\n"
    f"c2,{PR}100,nit,github:GithubAccount:1:2,2026-09-30 10:05:00,NORMAL,\n"
    f"c3,{PR}200,no,github:GithubAccount:1:3,2026-10-04 10:00:00,REVIEW,CHANGES_REQUESTED\n",
    "issues": "id,type,original_type,title,created_date,resolution_date,severity,component\n"
    "i1,INCIDENT,Bug,Checkout down,2026-10-02 10:20:00,2026-10-02 11:00:00,SEV2,\n"
    "i2,BUG,Bug,Typo,2026-10-02 10:30:00,,,\n"
    "i3,INCIDENT,Incident,Other down,2026-10-05 11:00:00,,SEV1,other-api\n",
    "board_issues": "board_id,issue_id\njira:JiraBoard:1:1,i1\njira:JiraBoard:1:1,i2\n"
    "jira:JiraBoard:1:2,i3\n",
    "project_mapping": "project_name,table,row_id\nshop,repos,"
    f"{SHOP}\nshop,cicd_scopes,github:acme/shop\nshop,boards,jira:JiraBoard:1:1\n"
    f"other,repos,{OTHER}\nother,cicd_scopes,github:acme/other\nother,boards,jira:JiraBoard:1:2\n",
}

#: Every raw table, parents before children (a child reads its parent's quarantine).
ENTITIES = tuple(RAW_CONTRACTS)


def devlake_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "devlake"
    folder.mkdir()
    for table, text in TABLES.items():
        (folder / f"{table}.csv").write_text(text)
    return folder


def land_devlake(warehouse: Warehouse, log, *entities: str) -> None:
    for entity in entities:
        with DoraSource(kind="devlake").open_connector(entity) as connector:
            ingest(
                connector,
                RAW_CONTRACTS[entity],
                warehouse,
                run_id="run-1",
                log=log,
                parents=DORA_LANDING.parents.get(entity, ()),
            )


def table(warehouse: Warehouse, entity: str) -> list[tuple]:
    lineage = "_source, _loaded_at, _run_id, _deleted_at, _extras"
    return rows(warehouse, f"select * exclude ({lineage}) from raw.{entity} order by all")


def quarantine(warehouse: Warehouse) -> list[tuple]:
    return rows(warehouse, "select entity, record_key, reason from ops.quarantine order by all")


def test_deployments_land_as_the_file_source_recipe_lands_them(tmp_path, log, monkeypatch) -> None:
    folder = devlake_folder(tmp_path)
    recipe, devlake = (Warehouse(database=str(tmp_path / f"{n}.duckdb")) for n in "ab")
    (tmp_path / "dora_export").mkdir()
    monkeypatch.chdir(folder)
    with duckdb.connect() as connection:
        connection.execute(
            block("sql", DUCKDB_MARK).replace("'dora_export/", f"'{tmp_path}/dora_export/")
        )
    land(tmp_path / "dora_export", recipe, log, "deployments", "deployment_commits")
    monkeypatch.setenv(DEVLAKE_DIR_SETTING, str(folder))
    land_devlake(devlake, log, "deployments", "deployment_commits")

    for entity in ("deployments", "deployment_commits"):
        assert table(devlake, entity) == table(recipe, entity), entity
    assert quarantine(devlake) == quarantine(recipe)
    assert [key for _, key, _ in quarantine(devlake)] == ["d-bad|" + SHOP_URL, "d-bad"]


def expected_shop_tables() -> dict[str, list[tuple]]:
    def at(text: str) -> datetime:
        return datetime.fromisoformat(text + "+00:00")

    return {
        "commits": [
            (SHOP_URL, "aaa1", "Alice", at("2026-09-30 08:00:00"), "Fix checkout"),
            (SHOP_URL, "ccc1", "Bob", at("2026-10-02 08:00:00"), 'Revert "Fix checkout"'),
        ],
        "pull_requests": [
            (
                f"{SHOP_URL}#7",
                SHOP_URL,
                7,
                "alice",
                "Fix checkout",
                at("2026-09-30 09:00:00"),
                at("2026-10-01 09:00:00"),
                "aaa1",
                None,
            )
        ],
        "pull_request_commits": [(f"{SHOP_URL}#7", SHOP_URL, "aaa1")],
        "pull_request_reviews": [
            (
                "c1",
                f"{SHOP_URL}#7",
                "github:GithubAccount:1:2",
                at("2026-09-30 10:00:00"),
                "approval",
            ),
            (
                "c2",
                f"{SHOP_URL}#7",
                "github:GithubAccount:1:2",
                at("2026-09-30 10:05:00"),
                "comment",
            ),
        ],
        "incidents": [
            (
                "i1",
                "jira:JiraBoard:1:1",
                "Checkout down",
                at("2026-10-02 10:20:00"),
                at("2026-10-02 11:00:00"),
                "SEV2",
                "devlake",
                None,
                None,
            )
        ],
    }


SEVEN = "wrong type for number: expected integer, got string 'seven'"
SHOP_QUARANTINE = [
    (
        "deployment_commits",
        f"d-bad|{SHOP_URL}",
        "parent_quarantined: deployment d-bad quarantined (missing required column environment)",
    ),
    ("deployments", "d-bad", "missing required column environment"),
    (
        "pull_request_commits",
        f"{SHOP_URL}#seven|ccc1",
        f"parent_quarantined: pull request {SHOP_URL}#seven quarantined ({SEVEN})",
    ),
    ("pull_requests", f"{SHOP_URL}#seven", SEVEN),
]


def test_a_project_scopes_every_table_and_bad_rows_are_quarantined(
    tmp_path, warehouse, log, monkeypatch
) -> None:
    monkeypatch.setenv(DEVLAKE_DIR_SETTING, str(devlake_folder(tmp_path)))
    monkeypatch.setenv(DEVLAKE_PROJECT_SETTING, "shop")
    land_devlake(warehouse, log, *ENTITIES)

    for entity, expected in expected_shop_tables().items():
        assert table(warehouse, entity) == expected, entity
    assert [row[0] for row in table(warehouse, "deployments")] == ["d-1", "d-2", "d-3"]
    assert table(warehouse, "deployment_change_sets") == []
    assert quarantine(warehouse) == SHOP_QUARANTINE


def test_the_database_gives_what_the_folder_gives(tmp_path, log, monkeypatch) -> None:
    """DevLake's own database, read through a SQLAlchemy URL (SQLite here; MySQL or
    PostgreSQL with their driver), lands the same tables as its CSV exports."""
    database = tmp_path / "lake.sqlite"
    with sqlite3.connect(database) as lake:
        for name, text in TABLES.items():
            header, *values = list(csv.reader(io.StringIO(text)))
            columns = ", ".join(f'"{column}"' for column in header)
            lake.execute(f'create table "{name}" ({columns})')
            marks = ", ".join("?" for _ in header)
            lake.executemany(
                f'insert into "{name}" values ({marks})',
                [[value or None for value in row] for row in values],
            )
    from_folder, from_database = (Warehouse(database=str(tmp_path / f"{n}.duckdb")) for n in "ab")
    monkeypatch.setenv(DEVLAKE_PROJECT_SETTING, "shop")
    monkeypatch.setenv(DEVLAKE_DIR_SETTING, str(devlake_folder(tmp_path)))
    land_devlake(from_folder, log, *ENTITIES)
    monkeypatch.delenv(DEVLAKE_DIR_SETTING)
    monkeypatch.setenv(DEVLAKE_URL_SETTING, f"sqlite:///{database}")
    land_devlake(from_database, log, *ENTITIES)

    for entity in ENTITIES:
        assert table(from_database, entity) == table(from_folder, entity), entity
    assert quarantine(from_database) == SHOP_QUARANTINE


def test_each_deployment_commit_keeps_its_own_times_and_result(
    tmp_path, warehouse, log, monkeypatch
) -> None:
    """DevLake's dora plugin dates and counts each cicd_deployment_commits row by its own
    started_date, finished_date and result: d-1's two repositories keep their own times,
    and d-2's failed try (10:00-10:03) gives way to its successful retry in the same
    repository (10:10-10:15) by the deployments' rule."""
    monkeypatch.setenv(DEVLAKE_DIR_SETTING, str(devlake_folder(tmp_path)))
    monkeypatch.setenv(DEVLAKE_PROJECT_SETTING, "shop")
    land_devlake(warehouse, log, "deployments", "deployment_commits")

    assert rows(
        warehouse,
        "select deployment_id, repo, started_at::varchar, finished_at::varchar, result "
        "from raw.deployment_commits order by all",
    ) == [
        ("d-1", "https://github.com/acme/lib", "2026-10-01 10:01:00+00", "2026-10-01 10:06:00+00",
         "SUCCESS"),
        ("d-1", SHOP_URL, "2026-10-01 10:00:00+00", "2026-10-01 10:05:00+00", "SUCCESS"),
        ("d-2", SHOP_URL, "2026-10-02 10:10:00+00", "2026-10-02 10:15:00+00", "SUCCESS"),
        ("d-3", SHOP_URL, "2026-10-03 10:00:00+00", "2026-10-03 10:05:00+00", "ABORTED"),
    ]  # fmt: skip


def test_a_deployment_finishes_with_its_last_successful_commit(
    tmp_path, warehouse, log, monkeypatch
) -> None:
    """DevLake's deployment frequency dates a deployment by the latest finished_date of
    its successful commits: d-7's lib try failed at 10:30, after app succeeded at 10:05."""
    folder = tmp_path / "devlake"
    folder.mkdir()
    (folder / "cicd_deployment_commits.csv").write_text(
        DEVLAKE.splitlines()[0] + "\n"
        "1,github:acme/shop,d-7,deploy,SUCCESS,DONE,PRODUCTION,"
        "2026-10-07 10:00:00,2026-10-07 10:05:00,aaa7,https://github.com/acme/shop\n"
        "2,github:acme/shop,d-7,deploy,FAILURE,DONE,PRODUCTION,"
        "2026-10-07 10:01:00,2026-10-07 10:30:00,bbb7,https://github.com/acme/lib\n"
    )
    monkeypatch.setenv(DEVLAKE_DIR_SETTING, str(folder))
    monkeypatch.delenv(DEVLAKE_PROJECT_SETTING, raising=False)
    land_devlake(warehouse, log, "deployments", "deployment_commits")

    assert rows(
        warehouse, "select result, started_at::varchar, finished_at::varchar from raw.deployments"
    ) == [("SUCCESS", "2026-10-07 10:00:00+00", "2026-10-07 10:05:00+00")]
    assert rows(
        warehouse,
        "select repo, finished_at::varchar, result from raw.deployment_commits order by 1",
    ) == [
        ("https://github.com/acme/lib", "2026-10-07 10:30:00+00", "FAILURE"),
        (SHOP_URL, "2026-10-07 10:05:00+00", "SUCCESS"),
    ]


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({}, DEVLAKE_DIR_SETTING),
        ({DEVLAKE_DIR_SETTING: "x", DEVLAKE_URL_SETTING: "sqlite://"}, DEVLAKE_URL_SETTING),
        ({DEVLAKE_URL_SETTING: "nosuchdb://lake"}, DEVLAKE_URL_SETTING),
    ],
)
def test_the_configuration_names_what_to_change(monkeypatch, settings, named) -> None:
    for variable in (DEVLAKE_DIR_SETTING, DEVLAKE_URL_SETTING):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in settings.items():
        monkeypatch.setenv(variable, value)
    with (
        pytest.raises(SourceError, match=named),
        DoraSource(kind="devlake").open_connector("deployments"),
    ):
        pass


def test_change_sets_are_the_commits_diffs_between_successful_production_deployments(
    tmp_path,
) -> None:
    """A deployment commit's change set is the diff from the previous successful one;
    the first has none (the models derive it), a failed one is no change set."""
    folder = tmp_path / "devlake"
    folder.mkdir()
    (folder / "cicd_deployment_commits.csv").write_text(
        "id,cicd_scope_id,cicd_deployment_id,result,environment,commit_sha,repo_url,"
        "prev_success_deployment_commit_id\n"
        f"dc1,s,d-1,SUCCESS,PRODUCTION,aaa1,{SHOP_URL},\n"
        f"dc2,s,d-2,SUCCESS,PRODUCTION,ccc1,{SHOP_URL},dc1\n"
        f"dc3,s,d-3,FAILURE,PRODUCTION,ddd1,{SHOP_URL},dc2\n"
    )
    (folder / "commits_diffs.csv").write_text(
        "new_commit_sha,old_commit_sha,commit_sha,sorting_index\n"
        "ccc1,aaa1,bbb1,2\nccc1,aaa1,ccc1,1\nddd1,ccc1,ddd1,1\nccc1,zzz0,old1,1\n"
    )
    connector = DevLakeConnector(CsvFolder(folder, DEVLAKE_DIR_SETTING))
    (batch,) = connector.extract("deployment_change_sets", None)
    assert isinstance(batch.records, pl.DataFrame)
    assert sorted(batch.records.rows()) == [("d-2", SHOP_URL, "bbb1"), ("d-2", SHOP_URL, "ccc1")]
