"""The connector pages against the suite: each page's certification block is the one the
adapter's checks give (its level, what does not apply and why, the known gaps), so a page
cannot claim "certified" while the suite skips or expects to fail a check for it.

Regenerate the blocks after changing an adapter:
``.venv/bin/python -m tests.connectors.certification.test_levels``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from platform_assets.settings import PROJECT_ROOT
from tests.connectors.certification.adapters import ADAPTERS, Adapter, Check, level

DOCS = PROJECT_ROOT / "docs/connectors"
BEGIN, END = "<!-- certification:begin -->", "<!-- certification:end -->"
SUITE = "tests/connectors/certification/test_certification.py"
EVIDENCE = {
    Check.CONFIGURATION: "test_configuration_errors_name_the_variable",
    Check.CREDENTIALS: "test_credentials_come_from_the_environment_and_stay_out_of_logs",
    Check.REQUEST_CONSTRUCTION: "test_first_request_is_built_from_the_settings",
    Check.LOCAL_SERVICE: "test_extracts_a_page_from_the_local_service",
    Check.RATE_LIMIT: "test_a_429_with_retry_after_is_retried",
    Check.IDEMPOTENCY: "test_the_same_cursor_yields_the_same_records",
    Check.TYPES_AND_DRIFT: "test_records_match_the_contract_and_drift_is_handed_over",
    Check.CHECKPOINT: "test_a_stored_cursor_resumes_and_a_corrupt_one_is_detected",
    Check.LIVE: "test_live_extract (marker integration_live)",
}


def block(adapter: Adapter) -> str:
    """The page's certification section, generated from the adapter."""
    lines = [
        BEGIN,
        f"**Certification level: {level(adapter)}** (generated from the suite's adapter "
        f"`{adapter.name}` in `tests/connectors/certification/adapters.py`; "
        "levels in [README.md](README.md))",
        "",
        "| check | result | evidence |",
        "|---|---|---|",
    ]
    for check in Check:
        if check in adapter.not_applicable:
            result = f"does not apply: {adapter.not_applicable[check]}"
        elif check in adapter.gaps:
            result = f"**gap**: {adapter.gaps[check]}"
        elif check is Check.TYPES_AND_DRIFT and adapter.drift_scope:
            result = f"passes: {adapter.drift_scope}"
        elif check is Check.LIVE:
            result = "runs when " + ", ".join(f"`{v}`" for v in adapter.live_variables) + " are set"
        else:
            result = "passes"
        lines.append(f"| {check} | {result} | `{SUITE}::{EVIDENCE[check]}[{adapter.name}]` |")
    return "\n".join([*lines, END])


def current(page: Path) -> str | None:
    found = re.search(re.escape(BEGIN) + ".*?" + re.escape(END), page.read_text(), re.S)
    return found.group(0) if found else None


@pytest.mark.parametrize("adapter", ADAPTERS, ids=[a.name for a in ADAPTERS])
def test_the_page_shows_the_level_the_suite_grants(adapter: Adapter) -> None:
    page = DOCS / f"{adapter.name}.md"
    assert page.is_file(), f"{page} is missing: every certified-suite connector has a page"
    assert current(page) == block(adapter), (
        f"{page}'s certification block differs from the suite's; regenerate it with "
        "`.venv/bin/python -m tests.connectors.certification.test_levels`"
    )


def test_the_index_lists_each_level() -> None:
    index = (DOCS / "README.md").read_text()
    for adapter in ADAPTERS:
        row = f"[{adapter.name}.md]({adapter.name}.md) | {level(adapter)} |"
        assert row in index, f"docs/connectors/README.md lacks `{row}`"


def test_no_page_claims_certified_without_the_suite() -> None:
    """A page outside the suite (the demo sources) cannot claim any level above
    experimental, and a certified level needs a block generated from a gapless adapter."""
    suite_pages = {f"{a.name}.md" for a in ADAPTERS}
    for page in DOCS.glob("*.md"):
        if page.name in suite_pages or page.name == "README.md":
            continue
        claims = re.findall(r"Certification level: (\w+)", page.read_text())
        assert claims and set(claims) == {"experimental"}, f"{page}: {claims}"


def test_every_check_has_evidence() -> None:
    assert set(EVIDENCE) == set(Check)


def write_blocks() -> None:
    for adapter in ADAPTERS:
        page = DOCS / f"{adapter.name}.md"
        text = page.read_text() if page.is_file() else f"# {adapter.name}\n"
        old = current(page) if page.is_file() else None
        page.write_text(
            text.replace(old, block(adapter))
            if old
            else text.rstrip("\n") + "\n\n## Certification\n\n" + block(adapter) + "\n"
        )


if __name__ == "__main__":
    write_blocks()
