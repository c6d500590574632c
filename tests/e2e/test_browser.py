"""The Dagster UI in a real browser: what a user sees after the whole graph has run.

Headless Chromium opens the global asset lineage, then the lineage, overview and checks
tabs of a GA asset, waits for the text a user reads there (group names, check summaries
such as "20 / 20 Passed", ``stage: ga``, owners, the runbook, check names and their
result) and saves a full-page screenshot of each page to ``tests/e2e/screenshots/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.asset_run import Materialized, asset_path, checks_of, tags_of
from tests.e2e.browser import SCREENSHOT_DIR, chromium_page
from tests.e2e.dagster_dev import DagsterDev

pytestmark = pytest.mark.e2e

#: Milliseconds the UI gets to render a page from its GraphQL answers.
RENDER_TIMEOUT = 60_000
RUNBOOK_LABEL = "platform/runbook"


def owner_label(owner: dict[str, Any]) -> str:
    """The UI shows a team owner by its name alone (``team:x`` reads ``x``)."""
    return owner.get("team") or owner["email"]


def showcase_asset(materialized: Materialized) -> dict[str, Any]:
    """The GA asset a user would open first: the one with the most checks, all passed."""
    candidates = []
    for node in materialized.repository.asset_nodes:
        if tags_of(node).get("stage") != "ga" or not node["isMaterializable"]:
            continue
        checks = checks_of(node)
        passed = all(
            (check["executionForLatestMaterialization"] or {}).get("status") == "SUCCEEDED"
            for check in checks
        )
        if checks and passed:
            candidates.append((len(checks), asset_path(node), node))
    assert candidates, "no GA asset whose checks all passed"
    return max(candidates, key=lambda candidate: candidate[:2])[2]


def asset_url(base_url: str, node: dict[str, Any], view: str | None = None) -> str:
    path = "/".join(quote(part) for part in node["assetKey"]["path"])
    return f"{base_url}/assets/{path}" + (f"?view={view}" if view else "")


def dismiss_community_prompt(page: Page) -> None:
    """A fresh instance greets its first visitor with a "Join the Dagster community"
    dialog over the page; a user skips it once, and so does the test."""
    skip = page.get_by_role("button", name="Skip")
    try:
        skip.wait_for(state="visible", timeout=15_000)
    except PlaywrightTimeoutError:  # the prompt is not shown: nothing to dismiss
        return
    skip.click()
    skip.wait_for(state="hidden")


def wait_for_text(page: Page, text: str | re.Pattern[str]) -> None:
    page.get_by_text(text, exact=isinstance(text, str)).first.wait_for()


def zoom_in_until_shown(page: Page, text: str, around: Locator, steps: int = 5) -> None:
    """Dagster draws a lineage graph's nodes without their details (check results, last
    materialization) below a zoom level, and opens a larger neighbourhood further out.
    Zooms in (ctrl + wheel, Dagster's zoom gesture) around ``around`` until ``text``
    shows, as a user would to read a node."""
    shown = page.get_by_text(text, exact=True)
    for _ in range(steps):
        if shown.count():
            break
        box = around.first.bounding_box()
        assert box is not None, f"{around} is not on the page"
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.keyboard.down("Control")
        page.mouse.wheel(0, -200)
        page.keyboard.up("Control")
        page.wait_for_timeout(500)
    shown.first.wait_for()


def screenshot(page: Page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def page(dagster_dev: DagsterDev) -> Iterator[Page]:
    """One browser for the module: the community prompt is skipped once, as a user would."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    with chromium_page() as page:
        page.set_default_timeout(RENDER_TIMEOUT)
        page.goto(f"{dagster_dev.base_url}/overview")
        dismiss_community_prompt(page)
        yield page


def test_global_lineage_shows_every_group(
    page: Page, dagster_dev: DagsterDev, materialized: Materialized
):
    groups = sorted({node["groupName"] for node in materialized.repository.asset_nodes})
    page.goto(f"{dagster_dev.base_url}/asset-groups")
    wait_for_text(page, "Global asset lineage")
    for group in groups:
        wait_for_text(page, group)
    # Each group node reads "n assets (fetching statuses)" until its statuses arrive.
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("fetching statuses")).to_have_count(0, timeout=RENDER_TIMEOUT)
    screenshot(page, "global_lineage")
    body = page.inner_text("body")
    assert all(group in body for group in groups)
    # Groups are named <domain>_<layer>, so the lineage reads as the platform's layers.
    assert "default" not in groups


def test_asset_lineage_shows_the_asset_and_its_check_results(
    page: Page, dagster_dev: DagsterDev, materialized: Materialized
):
    node = showcase_asset(materialized)
    check_count = len(checks_of(node))
    groups_by_key = {
        tuple(n["assetKey"]["path"]): n["groupName"] for n in materialized.repository.asset_nodes
    }
    upstream_groups = {groups_by_key[tuple(key["path"])] for key in node["dependencyKeys"]}
    page.goto(asset_url(dagster_dev.base_url, node, view="lineage"))
    wait_for_text(page, node["assetKey"]["path"][-1])
    for group in upstream_groups:
        wait_for_text(page, group)
    zoom_in_until_shown(
        page,
        f"{check_count} / {check_count} Passed",
        page.get_by_text(node["groupName"], exact=True),
    )
    # Each neighbour reads "Loading..." until its own statuses arrive.
    expect(page.get_by_text("Loading...")).to_have_count(0, timeout=RENDER_TIMEOUT)
    screenshot(page, "asset_lineage")
    body = page.inner_text("body")
    assert f"{check_count} / {check_count} Passed" in body
    assert not re.search(r"\d+ / \d+ Failed", body)


def test_asset_overview_shows_stage_owners_freshness_and_runbook(
    page: Page, dagster_dev: DagsterDev, materialized: Materialized
):
    node = showcase_asset(materialized)
    runbooks = [e["path"] for e in node["metadataEntries"] if e["label"] == RUNBOOK_LABEL]
    page.goto(asset_url(dagster_dev.base_url, node))
    wait_for_text(page, "stage: ga")
    wait_for_text(page, re.compile(r"Fails if more than .* since last materialization"))
    screenshot(page, "asset_overview")
    body = page.inner_text("body")
    assert "stage: ga" in body
    assert f"domain: {tags_of(node)['domain']}" in body
    assert f"layer: {tags_of(node)['layer']}" in body
    assert node["groupName"] in body
    assert all(owner_label(owner) in body for owner in node["owners"])
    fail_window = node["internalFreshnessPolicy"]["failWindowSeconds"]
    if fail_window % 3600 == 0:
        assert f"Fails if more than {fail_window // 3600} hours" in body
    assert runbooks, f"{asset_path(node)} declares no runbook"
    assert RUNBOOK_LABEL in body and runbooks[0] in body


def test_asset_checks_tab_shows_every_check_passed(
    page: Page, dagster_dev: DagsterDev, materialized: Materialized
):
    node = showcase_asset(materialized)
    check_names = [check["name"] for check in checks_of(node)]
    page.goto(asset_url(dagster_dev.base_url, node, view="checks"))
    wait_for_text(page, f"Checks ({len(check_names)})")
    # The selected check's latest execution reads "Evaluation result: Passed".
    wait_for_text(page, "Evaluation result")
    wait_for_text(page, "Passed")
    screenshot(page, "asset_checks")
    body = page.inner_text("body")
    missing = [name for name in check_names if name not in body]
    assert not missing, f"checks not listed: {missing}"
    statuses = re.findall(r"^(Succeeded|Failed|Skipped|Execution failed)$", body, re.MULTILINE)
    assert statuses == ["Succeeded"] * len(check_names)
