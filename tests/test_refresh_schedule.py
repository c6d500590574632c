"""Under `dagster dev` the Beta and GA assets stay fresh by themselves: every asset with a
freshness policy is refreshed by a running schedule at least twice per freshness window,
so one failed run never breaches the policy."""

from __future__ import annotations

from datetime import timedelta

import dagster as dg
import pytest

from platform_assets.refresh_schedules import REFRESH_INTERVAL_KEY, cron_every


@pytest.mark.parametrize(
    ("interval", "cron"),
    [
        (timedelta(minutes=30), "*/30 * * * *"),
        (timedelta(minutes=5), "*/5 * * * *"),
        (timedelta(hours=6), "0 */6 * * *"),
        (timedelta(hours=1), "0 */1 * * *"),
    ],
)
def test_the_cron_says_what_the_interval_says(interval: timedelta, cron: str):
    assert cron_every(interval) == cron


@pytest.mark.parametrize(
    "interval", [timedelta(minutes=7), timedelta(hours=5), timedelta(seconds=90), timedelta()]
)
def test_an_interval_cron_cannot_keep_even_is_refused(interval: timedelta):
    with pytest.raises(ValueError, match=r"interval|divides"):
        cron_every(interval)


def _refresh_intervals(defs: dg.Definitions) -> dict[dg.AssetKey, timedelta]:
    """The shortest interval at which a running refresh schedule materializes each asset."""
    intervals: dict[dg.AssetKey, timedelta] = {}
    for schedule in defs.schedules or []:
        assert isinstance(schedule, dg.ScheduleDefinition)
        if REFRESH_INTERVAL_KEY not in schedule.metadata:
            continue
        assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING, schedule.name
        interval = timedelta(minutes=schedule.metadata[REFRESH_INTERVAL_KEY].value)
        assert schedule.cron_schedule == cron_every(interval), schedule.name
        job = defs.resolve_job_def(schedule.job_name)
        for key in job.asset_layer.selected_asset_keys:
            intervals[key] = min(interval, intervals.get(key, interval))
    return intervals


def test_every_asset_with_a_freshness_policy_is_refreshed_twice_per_window():
    from platform_assets.definitions import defs

    graph = defs.resolve_asset_graph()
    intervals = _refresh_intervals(defs)
    policed = [node for node in graph.asset_nodes if node.freshness_policy is not None]
    assert policed, "the Beta and GA assets carry freshness policies"
    domains = {node.tags.get("domain") for node in policed}
    assert {"dora", "customer"} <= domains
    for node in policed:
        name = node.key.to_user_string()
        assert node.key in intervals, f"{name} is never refreshed by a running schedule"
        window = node.freshness_policy.fail_window.to_timedelta()
        assert 2 * intervals[node.key] <= window, f"{name}: {intervals[node.key]} vs {window}"
