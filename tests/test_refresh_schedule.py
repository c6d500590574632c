"""Under `dagster dev` the Beta and GA assets stay fresh by themselves: every asset with a
freshness policy is refreshed by a running schedule at least twice per freshness window,
so one failed run never breaches the policy."""

from __future__ import annotations

from datetime import timedelta

import dagster as dg

from platform_assets.domains.dora.refresh_schedule import REFRESH_CRON, REFRESH_INTERVAL_HOURS


def test_the_cron_says_what_the_interval_says():
    assert f"0 */{REFRESH_INTERVAL_HOURS} * * *" == REFRESH_CRON


def test_every_asset_with_a_freshness_policy_is_refreshed_twice_per_window():
    from platform_assets.definitions import defs

    graph = defs.resolve_asset_graph()
    schedule = defs.resolve_schedule_def("dora_refresh_every_6_hours")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    job = defs.resolve_job_def(schedule.job_name)
    refreshed = job.asset_layer.selected_asset_keys
    interval = timedelta(hours=REFRESH_INTERVAL_HOURS)
    policed = [node for node in graph.asset_nodes if node.freshness_policy is not None]
    assert policed, "the Beta and GA assets carry freshness policies"
    for node in policed:
        assert node.key in refreshed, f"{node.key.to_user_string()} is never refreshed"
        assert 2 * interval <= node.freshness_policy.fail_window.to_timedelta()
