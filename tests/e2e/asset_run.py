"""Reads a code location's definitions through GraphQL and materializes all of it, the
way the UI's "Materialize all" does: one run of the implicit asset job selecting every
materializable asset and every check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.e2e.dagster_dev import DagsterDev
from tests.e2e.graphql import LAUNCH_RUN, REPOSITORY_DEFINITIONS, RUN_ASSET_EVENTS

#: Dagster's name for the job every code location gets over all its assets.
IMPLICIT_ASSET_JOB = "__ASSET_JOB"


@dataclass(frozen=True)
class Repository:
    """One repository of a loaded code location, as the GraphQL API describes it."""

    location_name: str
    name: str
    answer: dict[str, Any]

    @property
    def asset_nodes(self) -> list[dict[str, Any]]:
        return self.answer["assetNodes"]

    @property
    def sensors(self) -> list[dict[str, Any]]:
        return self.answer["sensors"]

    @property
    def schedules(self) -> list[dict[str, Any]]:
        return self.answer["schedules"]

    @property
    def jobs(self) -> list[dict[str, Any]]:
        return self.answer["jobs"]


@dataclass(frozen=True)
class RunAssetEvents:
    """What one run recorded: the assets it materialized (``a/b`` paths) and each check
    it evaluated, by (asset path, check name), with the evaluation."""

    materialized: frozenset[str]
    evaluations: dict[tuple[str, str], dict[str, Any]]


@dataclass(frozen=True)
class Materialized:
    """The run that materialized every asset, what it recorded, and the definitions as
    seen after it."""

    run_id: str
    repository: Repository
    events: RunAssetEvents


def fetch_run_asset_events(server: DagsterDev, run_id: str) -> RunAssetEvents:
    materialized: set[str] = set()
    evaluations: dict[tuple[str, str], dict[str, Any]] = {}
    cursor = None
    while True:
        answer = server.graphql.execute(RUN_ASSET_EVENTS, {"runId": run_id, "afterCursor": cursor})
        logs = answer["logsForRun"]
        if logs["__typename"] != "EventConnection":
            raise server.fail(f"logsForRun answered {logs}")
        for event in logs["events"]:
            if event["__typename"] == "MaterializationEvent":
                materialized.add("/".join(event["assetKey"]["path"]))
            elif event["__typename"] == "AssetCheckEvaluationEvent":
                evaluation = event["evaluation"]
                key = ("/".join(evaluation["assetKey"]["path"]), evaluation["checkName"])
                evaluations[key] = evaluation
        if not logs["hasMore"]:
            return RunAssetEvents(frozenset(materialized), evaluations)
        cursor = logs["cursor"]


def fetch_repository(server: DagsterDev, location_name: str) -> Repository:
    answer = server.graphql.execute(REPOSITORY_DEFINITIONS)["repositoriesOrError"]
    if answer["__typename"] != "RepositoryConnection":
        raise server.fail(f"repositoriesOrError answered {answer}")
    repositories = [node for node in answer["nodes"] if node["location"]["name"] == location_name]
    if len(repositories) != 1:
        raise server.fail(f"expected one repository in {location_name!r}, got {answer['nodes']}")
    node = repositories[0]
    return Repository(location_name=location_name, name=node["name"], answer=node)


def asset_path(node: dict[str, Any]) -> str:
    return "/".join(node["assetKey"]["path"])


def tags_of(node: dict[str, Any]) -> dict[str, str]:
    return {tag["key"]: tag["value"] for tag in node["tags"]}


def checks_of(node: dict[str, Any]) -> list[dict[str, Any]]:
    checks = node["assetChecksOrError"]
    if checks["__typename"] != "AssetChecks":
        raise AssertionError(f"{asset_path(node)}: checks unavailable: {checks}")
    return checks["checks"]


def launch_all_assets(server: DagsterDev, repository: Repository) -> str:
    """Launches the implicit asset job over every materializable asset and all their
    checks; returns the run id."""
    materializable = [node for node in repository.asset_nodes if node["isMaterializable"]]
    if not materializable:
        raise server.fail(f"{repository.location_name} has no materializable asset")
    selector = {
        "repositoryLocationName": repository.location_name,
        "repositoryName": repository.name,
        "jobName": IMPLICIT_ASSET_JOB,
        "assetSelection": [{"path": node["assetKey"]["path"]} for node in materializable],
        "assetCheckSelection": [
            {"assetKey": {"path": node["assetKey"]["path"]}, "name": check["name"]}
            for node in materializable
            for check in checks_of(node)
        ],
    }
    answer = server.graphql.execute(
        LAUNCH_RUN,
        {
            "executionParams": {
                "selector": selector,
                "executionMetadata": {"tags": [{"key": "e2e", "value": "materialize-all"}]},
            }
        },
    )["launchRun"]
    if answer["__typename"] != "LaunchRunSuccess":
        raise server.fail(f"launchRun answered {answer}")
    return answer["run"]["runId"]
