"""Reading check evaluations and their metadata out of real runs."""

from __future__ import annotations

from typing import Any

import dagster as dg


def evaluations_by_name(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    return {
        evaluation.check_name: evaluation for evaluation in result.get_asset_check_evaluations()
    }


def metadata_values(check: dg.AssetCheckEvaluation | dg.AssetCheckResult) -> dict[str, Any]:
    """The plain values behind a check's metadata entries."""
    return {key: getattr(value, "value", value) for key, value in (check.metadata or {}).items()}
