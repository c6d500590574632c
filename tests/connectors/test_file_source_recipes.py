"""Every fenced block of docs/file-source.md is run: the configuration, the example rows,
the DevLake export (its SQL run verbatim by DuckDB over a DevLake-shaped table, its
output loaded by the file source) and the quarantine query. Nothing is quarantined but
the rows planted as bad, so a recipe that no longer works fails here, not at a user's."""

from __future__ import annotations

import re
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from platform_assets.domains.dora.file_columns import DOC
from platform_assets.domains.dora.raw_assets import DORA_LANDING
from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.domains.dora.sources import (
    FILE_CONFLICT_RULES,
    FILES_DIR_SETTING,
    FILES_TIMEZONE_SETTING,
    INCIDENT_SOURCE_ENV,
    SOURCE_ENV,
    dora_source_from_env,
)
from platform_assets.ingestion import ingest
from platform_assets.integrations.file_source import FileSourceConnector
from platform_assets.warehouse import Warehouse
from tests.connectors.conftest import rows

FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.S | re.M)
DUCKDB_MARK = "-- duckdb"

#: A DevLake ``cicd_deployment_commits`` dump: d-1 spans two repositories, d-2 was tried
#: and retried in the same deployment (FAILURE then SUCCESS), d-3 was deployed from
#: DevLake's naive local timestamps, and d-bad has no environment (the planted bad row).
DEVLAKE = """\
id,cicd_scope_id,cicd_deployment_id,name,result,status,environment,started_date,finished_date,commit_sha,repo_url
1,github:acme/shop,d-1,deploy shop,SUCCESS,DONE,production,2026-10-01 10:00:00+00,2026-10-01 10:05:00+00,aaa1,https://github.com/acme/shop
2,github:acme/shop,d-1,deploy shop,SUCCESS,DONE,production,2026-10-01 10:01:00+00,2026-10-01 10:06:00+00,bbb1,https://github.com/acme/lib
3,github:acme/shop,d-2,deploy shop,FAILURE,DONE,production,2026-10-02 10:00:00+00,2026-10-02 10:03:00+00,ccc1,https://github.com/acme/shop
4,github:acme/shop,d-2,deploy shop,success,DONE,production,2026-10-02 10:10:00+00,2026-10-02 10:15:00+00,ccc1,https://github.com/acme/shop
5,github:acme/shop,d-3,deploy shop,ABORTED,DONE,staging,2026-10-03 10:00:00+00,2026-10-03 10:05:00+00,ddd1,https://github.com/acme/shop
6,github:acme/shop,d-bad,deploy shop,SUCCESS,DONE,,2026-10-04 10:00:00+00,2026-10-04 10:05:00+00,eee1,https://github.com/acme/shop
"""


def blocks() -> list[tuple[str, str]]:
    return FENCE.findall(DOC.read_text())


def block(language: str, first_line: str | None = None) -> str:
    found = [
        text
        for lang, text in blocks()
        if lang == language and (first_line is None or text.startswith(first_line))
    ]
    assert len(found) == 1, f"{DOC} has {len(found)} {language} blocks starting {first_line!r}"
    return found[0]


def test_every_block_is_one_this_module_runs() -> None:
    run_here = {
        ("bash", False),
        ("csv", False),
        ("json", False),
        ("sql", True),  # the DevLake export, run by DuckDB
        ("sql", False),  # the quarantine query, run against the warehouse
    }
    found = [(lang, text.startswith(DUCKDB_MARK)) for lang, text in blocks()]
    assert sorted(found) == sorted(run_here), "a new recipe needs a test in this module"


def test_the_configuration_opens_the_file_source(tmp_path, monkeypatch) -> None:
    settings = dict(re.findall(r"^export (\w+)=(\S+)", block("bash"), re.M))
    assert set(settings) <= {
        FILES_DIR_SETTING,
        FILES_TIMEZONE_SETTING,
        SOURCE_ENV,
        INCIDENT_SOURCE_ENV,
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, str(tmp_path) if name == FILES_DIR_SETTING else value)
    monkeypatch.setenv(INCIDENT_SOURCE_ENV, "files")
    with (
        dg.build_resources({"dora_source": dora_source_from_env()}) as resources,
        resources.dora_source.open_connector("deployments") as connector,
    ):
        assert isinstance(connector, FileSourceConnector)


def land(folder: Path, warehouse: Warehouse, log, *entities: str) -> None:
    connector = FileSourceConnector(folder, RAW_CONTRACTS, conflict_rules=FILE_CONFLICT_RULES)
    for entity in entities:
        ingest(
            connector,
            RAW_CONTRACTS[entity],
            warehouse,
            run_id="run-1",
            log=log,
            parents=DORA_LANDING.parents.get(entity, ()),
        )


def open_quarantine(warehouse: Warehouse) -> list[tuple]:
    """The quarantine query of the page, run as written."""
    query = block("sql", "select")
    return sorted((entity, key, reason) for entity, key, reason, _ in rows(warehouse, query))


def test_the_example_rows_load(tmp_path, warehouse, log) -> None:
    (tmp_path / "deployments.csv").write_text(block("csv"))
    (tmp_path / "incidents.jsonl").write_text(block("json"))
    land(tmp_path, warehouse, log, "deployments", "incidents")
    assert open_quarantine(warehouse) == []
    assert rows(warehouse, "select count(*) from raw.deployments") == [(1,)]
    assert rows(warehouse, "select count(*) from raw.incidents") == [(1,)]


@pytest.mark.parametrize("session_zone", ["UTC", "America/New_York"])
def test_the_devlake_recipe_lands_all_but_the_planted_bad_row(
    tmp_path, warehouse, log, monkeypatch, session_zone: str
) -> None:
    """DuckDB writes a TIMESTAMPTZ with its session's offset (``+00``, ``-04``): any of
    them loads as the same instant."""
    (tmp_path / "cicd_deployment_commits.csv").write_text(DEVLAKE)
    (tmp_path / "dora_export").mkdir()
    monkeypatch.chdir(tmp_path)
    with duckdb.connect(str(tmp_path / "devlake.duckdb")) as devlake:
        devlake.execute(f"set TimeZone = '{session_zone}'")
        devlake.execute(block("sql", DUCKDB_MARK))
    land(tmp_path / "dora_export", warehouse, log, "deployments", "deployment_commits")

    assert open_quarantine(warehouse) == [
        (
            "deployment_commits",
            "d-bad|https://github.com/acme/shop",
            "parent_quarantined: deployment d-bad quarantined "
            "(missing required column environment)",
        ),
        ("deployments", "d-bad", "missing required column environment"),
    ]
    assert rows(
        warehouse,
        "select deployment_id, environment, result, started_at::varchar, finished_at::varchar "
        "from raw.deployments order by 1",
    ) == [
        ("d-1", "PRODUCTION", "SUCCESS", "2026-10-01 10:00:00+00", "2026-10-01 10:06:00+00"),
        ("d-2", "PRODUCTION", "SUCCESS", "2026-10-02 10:00:00+00", "2026-10-02 10:15:00+00"),
        ("d-3", "STAGING", "ABORTED", "2026-10-03 10:00:00+00", "2026-10-03 10:05:00+00"),
    ]
    assert rows(warehouse, "select count(*) from raw.deployment_commits") == [(4,)]
