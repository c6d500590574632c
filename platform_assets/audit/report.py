"""Renders an audit report: a table for people, JSON for machines."""

from __future__ import annotations

import json
from typing import Any

from platform_assets.audit.runner import AuditReport
from platform_assets.stages.tables import plain_table


def report_as_json(report: AuditReport) -> str:
    document: dict[str, Any] = {
        "compliant": report.exit_code == 0,
        "errors": list(report.errors),
        "warnings": list(report.warnings),
        "asset_count": len(report.assets),
        "violation_count": report.violation_count,
        "assets": [asset.as_record() for asset in report.assets],
    }
    return json.dumps(document, indent=2, sort_keys=False)


def report_as_table(report: AuditReport) -> str:
    if report.errors:
        return "Audit could not run:\n" + "\n".join(f"  error: {e}" for e in report.errors)
    rows = []
    for asset in sorted(report.assets, key=lambda a: a.key):
        waived = sum(1 for r in asset.results if r.status == "waived")
        evidence = [r.id for r in asset.results if r.status == "needs_evidence"]
        rows.append(
            (
                asset.key,
                asset.stage.label if asset.stage else "(none)",
                "ok" if asset.compliant else f"{len(asset.violations)} violation(s)",
                f"{waived} waived" if waived else "",
                f"needs evidence: {', '.join(evidence)}" if evidence else "",
            )
        )
    lines = [plain_table(("asset", "stage", "status", "waivers", "evidence"), rows)]
    details = []
    for asset in sorted(report.assets, key=lambda a: a.key):
        for result in asset.violations:
            details.append(f"  {asset.key}: {result.id}: {result.message}")
        for waiver in asset.expired_waivers:
            details.append(
                f"  {asset.key}: waiver of {waiver.requirement} by {waiver.owner} expired on "
                f"{waiver.expires.isoformat()}: renew it with a new date or fix the asset"
            )
    if details:
        lines += ["", "Violations:", *details]
    stages: dict[str, int] = {}
    for asset in report.assets:
        label = asset.stage.label if asset.stage else "(none)"
        stages[label] = stages.get(label, 0) + 1
    summary = ", ".join(f"{count} {label}" for label, count in sorted(stages.items()))
    verdict = "compliant" if report.exit_code == 0 else f"{report.violation_count} violation(s)"
    lines += ["", f"{len(report.assets)} assets ({summary}): {verdict}"]
    return "\n".join(lines)
