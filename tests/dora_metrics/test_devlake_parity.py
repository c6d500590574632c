"""DevLake mode on deployments that span repositories which finish, or fail, at their own
times (devlake_parity_scenario.py), and the cycle-time rule of both modes. Every figure is
what DevLake's dora plugin (backend/plugins/dora/tasks in apache/incubator-devlake) would
compute from the same cicd_deployment_commits, worked out by hand:

- previous successful deployment commit (prev_deployment_commit_enricher.go): successful
  deployment commits per (scope, repository, environment) ordered by their own
  finished_date. Series shop/app: S1/app 8 Jan 10:00, S2/app 10 Jan 23:00, S3/app 12 Jan
  10:00; shop/lib: S1/lib 8 Jan 10:00, S2/lib 11 Jan 01:00, S4/lib 13 Jan 10:00 (S3/lib
  failed: no member, so not S4/lib's previous one); web/web: W1.
- a pull request's deployment (change_lead_time_calculator.go, getDeploymentCommit): the
  earliest-started deployment commit with a previous one whose change set holds the merge
  commit, dated by its own finished_date:
    app#0 (merge app1): only S1/app, first of its series -> unmatched;
    app#1 (merge appa): S2/app -> deployed 10 Jan 23:00, not S2's 11 Jan 01:00;
    lib#1 (merge libb): S4/lib -> 13 Jan 10:00 (the failed S3/lib try, whose derived change
    set would hold libb and which started earlier, is no candidate).
- spans in whole minutes rounded up; PR cycle time = coding + (created -> merged) + deploy:
    app#1: 60 + 240 + 660 (12:00 -> 23:00) = 960 min = 16 h (780 -> 1080 min by S2's finish);
    lib#1: 60 + 60 + 2880 (11 Jan 10:00 -> 13 Jan 10:00) = 3000 min = 50 h;
    app#0: no commits, no deployment: 0 + 60 + 0 = 1 h.
- incident link (incident_deploy_connector.go): the latest successful production deployment
  commit of the project with finished_date < created_date, its deployment:
    I1 (11 Jan 00:00) and I2 (00:30): S2/app (10 Jan 23:00) -> S2, although S2 as a whole
    finished at 01:00 (by the deployment's finish, S1);
    I3 (12 Jan 11:30): S3/lib (11:00) failed, so W1 (10:30), not S3.
- change failure rate: each failed deployment once: shop 1 (S2, two incidents) of 4; web 1
  of 1.
- deployment frequency dates a deployment by the latest finish of its commits: S2 on
  11 Jan, not 10 Jan.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.dora_metrics import devlake_parity_scenario
from tests.dora_metrics.scenario import AS_OF, WINDOW_DAYS, Build, build
from tests.dora_metrics.test_incremental_builds import _replay


@pytest.fixture(scope="module")
def parity_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return build(
        "devlake_parity",
        tmp_path_factory.mktemp("dora_devlake_parity"),
        {"dora_mode": "devlake"},
        devlake_parity_scenario.RAW_ROWS,
    )


def by_key(rows: list[dict[str, Any]], key: str) -> dict[Any, dict[str, Any]]:
    return {row[key]: row for row in rows}


def test_a_pull_request_is_deployed_when_its_repository_finished(parity_build: Build) -> None:
    deployments = by_key(
        parity_build.rows(
            "select pr_id, deployment_id, deployed_at::varchar as deployed_at "
            "from intermediate.int_dora__devlake_pull_request_deployments"
        ),
        "pr_id",
    )
    assert {pr: (row["deployment_id"], row["deployed_at"]) for pr, row in deployments.items()} == {
        "acme/app#1": ("S2", "2024-01-10 23:00:00+00"),
        "acme/lib#1": ("S4", "2024-01-13 10:00:00+00"),
    }


def test_lead_time_uses_each_deployment_commits_own_finish(parity_build: Build) -> None:
    changes = by_key(
        parity_build.rows("select * from marts.fct_lead_time_for_changes"), "change_id"
    )
    assert {change: row["lead_time_minutes"] for change, row in changes.items()} == {
        "acme/app#1": 960.0,
        "acme/lib#1": 3000.0,
    }
    assert changes["acme/app#1"]["deployed_on"] == date(2024, 1, 10)


def test_cycle_time_in_devlake_mode_sums_the_parts(parity_build: Build) -> None:
    stages = by_key(parity_build.rows("select * from marts.fct_pull_request_stages"), "pr_id")
    no_review = stages["acme/app#1"]
    assert (no_review["pickup_time_hours"], no_review["review_time_hours"]) == (None, None)
    assert (no_review["deploy_time_hours"], no_review["cycle_time_hours"]) == (11.0, 16.0)
    reviewed = stages["acme/lib#1"]
    assert (reviewed["pickup_time_hours"], reviewed["review_time_hours"]) == (0.5, 0.5)
    assert reviewed["cycle_time_hours"] == 50.0
    undeployed = stages["acme/app#0"]
    assert (undeployed["deployment_id"], undeployed["cycle_time_hours"]) == (None, 1.0)


def test_incidents_link_to_the_latest_successful_deployment_commit(parity_build: Build) -> None:
    links = {
        row["incident_id"]: row["attributed_deployment_id"]
        for row in parity_build.rows("select * from intermediate.int_dora__incident_attribution")
    }
    assert links == {"I1": "S2", "I2": "S2", "I3": "W1"}


def test_change_failure_rate_counts_each_failed_deployment_once(parity_build: Build) -> None:
    months = by_key(
        parity_build.rows(
            "select * from marts.fct_change_failure_rate "
            "where grain = 'month' and period_start = '2024-01-01'"
        ),
        "service",
    )
    shop = months["shop"]
    assert (
        shop["deployment_count"],
        shop["failed_deployment_count"],
        shop["attributed_incident_count"],
    ) == (4, 1, 2)
    assert shop["change_failure_rate"] == pytest.approx(0.25)
    assert months["web"]["change_failure_rate"] == pytest.approx(1.0)


def test_deployment_frequency_dates_a_deployment_by_its_last_repository(
    parity_build: Build,
) -> None:
    days = {
        row["period_start"]: row["deployment_count"]
        for row in parity_build.rows(
            "select period_start, deployment_count from marts.fct_deployment_frequency "
            "where service = 'shop' and grain = 'day' "
            "and period_start between '2024-01-08' and '2024-01-14'"
        )
    }
    assert days == {
        date(2024, 1, 8): 1,
        date(2024, 1, 9): 0,
        date(2024, 1, 10): 0,  # S2's app finished that day, S2 itself the next
        date(2024, 1, 11): 1,
        date(2024, 1, 12): 1,
        date(2024, 1, 13): 1,
        date(2024, 1, 14): 0,
    }


def test_default_cycle_time_is_the_whole_span_review_or_not(default_build: Build) -> None:
    """scenario.py's PR 3 had no review: first commit 6 Jan 10:00 -> D4 finished 8 Jan 03:00
    is 41 h (coding 1 h + opened -> merged 38 h + deploy 2 h; the sum of the stages that
    exist, coding + deploy, would be 3 h). PR 5 was never deployed: no cycle time."""
    stages = by_key(default_build.rows("select * from marts.fct_pull_request_stages"), "pr_id")
    assert stages["acme/api#3"]["review_time_hours"] is None
    assert stages["acme/api#3"]["cycle_time_hours"] == pytest.approx(41.0)
    assert stages["acme/api#5"]["cycle_time_hours"] is None


def test_incremental_builds_follow_each_commits_own_finish_and_result(tmp_path: Path) -> None:
    """Loaded in four steps (devlake_parity_scenario.snapshots), each build incremental and
    equal to a full build of the same data; corrections of one deployment commit's own
    finish, of its deployment's finish (inherited) and of its own result move the links."""
    dbt_vars = {"dora_as_of": AS_OF, "dora_window_days": WINDOW_DAYS, "dora_mode": "devlake"}
    _replay(tmp_path, devlake_parity_scenario.snapshots(), dbt_vars, tests=False)
    final = Build("devlake_parity_incremental", tmp_path / "incremental.duckdb", dbt_vars)
    links = {
        row["incident_id"]: row["attributed_deployment_id"]
        for row in final.rows("select * from intermediate.int_dora__incident_attribution")
    }
    # I1, I2 precede S2/app's corrected finish (00:45); I3 follows S3/lib's success (11:00)
    assert links == {"I1": "S1", "I2": "S1", "I3": "S3"}
    deployed = {
        row["pr_id"]: (row["deployment_id"], row["deployed_at"])
        for row in final.rows(
            "select pr_id, deployment_id, deployed_at::varchar as deployed_at "
            "from intermediate.int_dora__devlake_pull_request_deployments"
        )
    }
    # lib#1: S3/lib now succeeded and started (10:00) before S4/lib (13 Jan 10:50)
    assert deployed == {
        "acme/app#1": ("S2", "2024-01-11 00:45:00+00"),
        "acme/lib#1": ("S3", "2024-01-12 11:00:00+00"),
    }
