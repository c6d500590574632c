"""The platform as the Dagster webserver serves it, after one run of the whole graph.

``dagster dev -w workspace.yaml`` loads the code location, one run of the implicit asset
job materializes every asset and runs every check, and the GraphQL API the UI reads must
then show what each delivery stage promises: a stage tag and owners on every asset, check
results, freshness policies from Beta on, and the sensors in the state they declare.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.asset_run import Materialized, asset_path, checks_of, tags_of

pytestmark = pytest.mark.e2e

STAGES = ("poc", "alpha", "beta", "ga")
MONITORED_STAGES = ("beta", "ga")


def materializable(materialized: Materialized) -> list[dict[str, Any]]:
    return [node for node in materialized.repository.asset_nodes if node["isMaterializable"]]


def test_the_run_materialized_every_asset(materialized: Materialized):
    nodes = materializable(materialized)
    assert nodes, "the code location declares no materializable asset"
    not_materialized = sorted(
        asset_path(node)
        for node in nodes
        if asset_path(node) not in materialized.events.materialized
    )
    assert not not_materialized, f"not materialized by {materialized.run_id}: {not_materialized}"


def test_every_asset_declares_a_known_stage_and_owners(materialized: Materialized):
    nodes = materialized.repository.asset_nodes
    without_stage = [asset_path(n) for n in nodes if tags_of(n).get("stage") not in STAGES]
    without_owners = [asset_path(n) for n in nodes if not n["owners"]]
    assert not without_stage, f"assets without a stage tag (poc/alpha/beta/ga): {without_stage}"
    assert not without_owners, f"assets without owners: {without_owners}"
    # Every stage the platform knows is in use, so the UI shows the whole ladder.
    assert {tags_of(n)["stage"] for n in nodes} >= {"beta", "ga"}


def test_every_check_has_a_result_from_the_run(materialized: Materialized):
    checks = {
        (asset_path(node), check["name"])
        for node in materializable(materialized)
        for check in checks_of(node)
    }
    assert checks, "no asset checks are defined"
    evaluations = materialized.events.evaluations
    not_run = sorted(f"{asset}:{name}" for asset, name in checks - set(evaluations))
    assert not not_run, f"checks without a result from run {materialized.run_id}: {not_run}"
    failed_errors = sorted(
        f"{asset}:{name}"
        for (asset, name), evaluation in evaluations.items()
        if not evaluation["success"] and evaluation["severity"] == "ERROR"
    )
    assert not failed_errors, f"checks failing with ERROR severity on demo data: {failed_errors}"


def test_every_beta_and_ga_asset_carries_a_freshness_policy(materialized: Materialized):
    monitored = [
        node
        for node in materialized.repository.asset_nodes
        if tags_of(node).get("stage") in MONITORED_STAGES
    ]
    assert monitored, "no Beta or GA asset to hold to a freshness policy"
    missing = [asset_path(n) for n in monitored if n["internalFreshnessPolicy"] is None]
    assert not missing, f"Beta/GA assets without a freshness policy: {missing}"
    for node in monitored:
        policy = node["internalFreshnessPolicy"]
        if policy["__typename"] == "TimeWindowFreshnessPolicy":
            assert policy["failWindowSeconds"] > 0, asset_path(node)


def served_statuses(instigators: list[dict[str, Any]], state: str) -> dict[str, tuple[str, str]]:
    """Name -> (default status, current status) of the sensors or schedules served."""
    return {item["name"]: (item["defaultStatus"], item[state]["status"]) for item in instigators}


def test_sensors_are_served_in_the_status_they_declare(materialized: Materialized):
    from platform_assets.definitions import defs
    from platform_assets.monitoring.alert_sensor import DEFAULT_SENSOR_NAME

    declared = {sensor.name: sensor.default_status.value for sensor in defs.sensors or []}
    # Alerting is what Beta and GA promise: the alert sensor must run without a click.
    assert declared.get(DEFAULT_SENSOR_NAME) == "RUNNING"
    served = served_statuses(materialized.repository.sensors, "sensorState")
    # A fresh instance has never toggled a sensor: each is in the status it declares.
    assert served == {name: (status, status) for name, status in declared.items()}


def test_schedules_are_served_in_the_status_they_declare(materialized: Materialized):
    from platform_assets.definitions import defs

    declared = {schedule.name: schedule.default_status.value for schedule in defs.schedules or []}
    served = served_statuses(materialized.repository.schedules, "scheduleState")
    assert served == {name: (status, status) for name, status in declared.items()}


def test_jobs_schedules_and_sensors_name_their_owners(materialized: Materialized):
    repository = materialized.repository
    # Dagster's implicit jobs (``__ASSET_JOB``...) are nobody's to own.
    jobs = [job for job in repository.jobs if not job["name"].startswith("__")]
    unowned = [
        f"{kind} {item['name']}"
        for kind, items in (
            ("job", jobs),
            ("schedule", repository.schedules),
            ("sensor", repository.sensors),
        )
        for item in items
        if not item["owners"]
    ]
    assert not unowned, f"shown in the UI without owners: {unowned}"
