"""The data-quality tables, default mode (timeline in scenario.py), and the dbt tests
that ran in the build."""

from __future__ import annotations

import json

import pytest

from tests.dora_metrics.scenario import Build


def test_negative_spans_are_listed(default_build: Build) -> None:
    rows = default_build.rows(
        "select metric, service, entity_id, span_seconds "
        "from marts.dq_dora__negative_spans order by metric"
    )
    assert rows == [
        # a3 authored 15:30, deployed by D2 at 15:00
        {
            "metric": "lead_time_for_changes",
            "service": "api",
            "entity_id": "acme/api@a3",
            "span_seconds": -1800.0,
        },
        # IB1 resolved 11:00, created 12:00
        {
            "metric": "time_to_restore_service",
            "service": "billing",
            "entity_id": "IB1",
            "span_seconds": -3600.0,
        },
    ]


def test_unattributed_incidents_are_listed(default_build: Build) -> None:
    rows = default_build.rows(
        "select incident_id, unattributed_reason "
        "from marts.dq_dora__unattributed_incidents order by incident_id"
    )
    # I0 came before D1, the first deployment; billing never deployed
    assert rows == [
        {"incident_id": "I0", "unattributed_reason": "no_deployment_before_incident"},
        {"incident_id": "IB1", "unattributed_reason": "no_deployment_before_incident"},
    ]


def test_orphan_commits_are_listed(default_build: Build) -> None:
    rows = default_build.rows(
        "select reference_kind, referenced_by, sha "
        "from marts.dq_dora__orphan_commits order by reference_kind"
    )
    assert rows == [
        # staging deployment D0 put zz live; no commit listing has it
        {"reference_kind": "deployment_commit", "referenced_by": "D0", "sha": "zz"},
        # PR 2's merge commit a2 is missing from raw.commits
        {"reference_kind": "pull_request_merge_commit", "referenced_by": "acme/api#2", "sha": "a2"},
    ]
    # the missing merge commit still ships PR 2: it is in D2's derived change set
    assert (
        default_build.value(
            "select count(*) "
            "from intermediate.int_dora__deployment_change_sets "
            "where deployment_id = 'D2' and sha = 'a2'"
        )
        == 1
    )


@pytest.mark.parametrize(
    "fixture_name", ["default_build", "devlake_build", "four_keys_build", "new_york_build"]
)
def test_every_dbt_test_ran_and_passed(fixture_name: str, request: pytest.FixtureRequest) -> None:
    build: Build = request.getfixturevalue(fixture_name)
    results = json.loads((build.path.parent / "target" / "run_results.json").read_text())
    tests = [r for r in results["results"] if r["unique_id"].startswith("test.")]
    # keys, accepted values, relationships and ranges on staging and marts (and the seeds)
    assert len(tests) > 250
    assert {r["status"] for r in tests} == {"pass"}
    models = {
        r["unique_id"].split(".")[-1]
        for r in results["results"]
        if r["unique_id"].startswith("model.")
    }
    assert {
        "fct_deployment_frequency",
        "fct_change_failure_rate",
        "agg_dora_performance_levels",
    } <= models
