"""The platform governs itself: its own code location passes its own stage audit, with
every asset staged and every stage represented in the demo."""

from __future__ import annotations

import json

from platform_assets.cli.main import main


def test_the_project_passes_its_own_stage_audit(capsys):
    exit_code = main(["audit", "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    violations = [
        f"{asset['key']}: {r['id']}: {r['message']}"
        for asset in document["assets"]
        for r in asset["requirements"]
        if r["status"] == "fail"
    ]
    assert violations == []
    assert exit_code == 0
    assert all(asset["stage"] in ("poc", "alpha", "beta", "ga") for asset in document["assets"])
    assert {asset["stage"] for asset in document["assets"]} == {"poc", "alpha", "beta", "ga"}


def test_every_waiver_the_project_uses_is_owned_and_dated(capsys):
    main(["audit", "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    waivers = [w for asset in document["assets"] for w in asset["waivers_applied"]]
    assert waivers, "the project's waivers file is exercised by its own audit"
    assert all(w["owner"].startswith("team:") and w["expires"] for w in waivers)
