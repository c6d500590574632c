"""The marts the metric alerts read, built once per session by dbt from the scenario of
``scenario.py``, and the way the tests evaluate the alerts on them: a real Dagster run of
the checks, with the thresholds file and the day judged set the way a deployment sets
them (``PLATFORM_DORA_ALERTS``, ``PLATFORM_DORA_AS_OF``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
import yaml

from platform_assets.domains.dora.alert_thresholds import THRESHOLDS_ENV
from platform_assets.domains.dora.metric_alerts import AS_OF_ENV, TIMEZONE_ENV, metric_alerts
from platform_assets.integrations.dbt.assets import dbt_project_models
from platform_assets.warehouse import Warehouse
from tests.dora_alerts.scenario import AlertMarts, build_alert_marts

#: Thresholds the scenario's few weeks and few changes can be judged by: weekly change
#: failure rates from one deployment, two weeks of history, one measured change a week.
#: The rest are the shipped defaults (bound 30 %, ratio 0.5, ratio 1.5, 72 hours).
SCENARIO_THRESHOLDS: Mapping[str, Any] = {
    "defaults": {
        "change_failure_rate": {"grain": "week", "min_deployments": 1, "max_rate": 0.5},
        "deployment_frequency": {"min_trailing_periods": 2},
        "lead_time_p75": {"min_changes": 1, "min_trailing_periods": 2},
    }
}

EvaluateAt = Callable[..., dict[str, dg.AssetCheckEvaluation]]


@pytest.fixture(scope="session")
def alert_marts(tmp_path_factory: pytest.TempPathFactory) -> AlertMarts:
    return build_alert_marts(tmp_path_factory.mktemp("dora_alerts"))


def write_thresholds(path: Path, document: Mapping[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(dict(document), sort_keys=False))
    return path


def run_metric_alerts(instance: dg.DagsterInstance, database: Path) -> dg.ExecuteInProcessResult:
    """The four metric alert checks, and nothing else, evaluated in one run against
    ``database`` (the marts are already built there)."""
    return dg.materialize(
        [*dbt_project_models.specs, *metric_alerts],
        selection=dg.AssetSelection.checks(*metric_alerts),
        instance=instance,
        resources={"warehouse": Warehouse(database=str(database))},
    )


@pytest.fixture
def evaluate_at(
    alert_marts: AlertMarts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[EvaluateAt]:
    """``evaluate_at(day, thresholds=SCENARIO_THRESHOLDS)``: each alert's evaluation, by
    rule, in a run judging the marts as built to ``day``."""
    monkeypatch.delenv(TIMEZONE_ENV, raising=False)
    with dg.instance_for_test() as instance:

        def evaluate(
            day: dt.date, thresholds: Mapping[str, Any] = SCENARIO_THRESHOLDS
        ) -> dict[str, dg.AssetCheckEvaluation]:
            path = write_thresholds(tmp_path / f"thresholds-{day}.yaml", thresholds)
            monkeypatch.setenv(THRESHOLDS_ENV, str(path))
            monkeypatch.setenv(AS_OF_ENV, day.isoformat())
            result = run_metric_alerts(instance, alert_marts.path)
            assert result.success, "metric alerts never block, so their run succeeds"
            return {
                e.check_name.removeprefix("metric_alert_"): e
                for e in result.get_asset_check_evaluations()
            }

        yield evaluate
