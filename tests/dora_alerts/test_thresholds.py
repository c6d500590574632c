"""The thresholds file: the shipped one, defaults and per-service overrides, and an error
that names the file and the key for anything it cannot use."""

from __future__ import annotations

from pathlib import Path

import pytest

from platform_assets.domains.dora.alert_thresholds import (
    DEFAULT_THRESHOLDS,
    RULES,
    THRESHOLDS_ENV,
    ChangeFailureRateRule,
    DeploymentFrequencyRule,
    DoraAlertThresholds,
    ThresholdsError,
    query_settings,
    thresholds_path,
)
from platform_assets.settings import PROJECT_ROOT

DOCS = PROJECT_ROOT / "docs" / "dora-alerts.md"


def test_the_shipped_file_states_the_built_in_defaults(monkeypatch):
    monkeypatch.delenv(THRESHOLDS_ENV, raising=False)
    assert thresholds_path() == PROJECT_ROOT / DEFAULT_THRESHOLDS

    shipped = DoraAlertThresholds.load()

    assert shipped == DoraAlertThresholds.from_document({}, origin=shipped.source)
    assert shipped.change_failure_rate.default == ChangeFailureRateRule(
        enabled=True, grain="month", max_rate=0.30, min_deployments=5
    )
    assert not shipped.configured_services


def test_every_setting_is_documented_with_its_default():
    text = DOCS.read_text()
    defaults = DoraAlertThresholds.from_document({})
    for name in RULES:
        rule = getattr(defaults, name).default
        for setting, value in vars(rule).items():
            shown = f"{value:g}" if isinstance(value, float) else str(value).lower()
            assert f"| `{setting}` | `{shown}` |" in text, (name, setting)


def test_the_file_is_found_through_its_variable(tmp_path, monkeypatch):
    path = tmp_path / "alerts.yaml"
    path.write_text("defaults:\n  open_incidents: {max_open_hours: 12}\n")
    monkeypatch.setenv(THRESHOLDS_ENV, str(path))

    loaded = DoraAlertThresholds.load()

    assert loaded.source == str(path)
    assert loaded.open_incidents.default.max_open_hours == 12.0


def test_a_service_overrides_some_settings_and_keeps_the_rest():
    thresholds = DoraAlertThresholds.from_document(
        {
            "defaults": {"deployment_frequency": {"min_ratio": 0.4, "trailing_periods": 6}},
            "services": {
                "checkout": {"deployment_frequency": {"min_ratio": 0.8}},
                "reports": {"deployment_frequency": {"enabled": False}},
            },
        }
    )
    rule = thresholds.deployment_frequency

    assert rule.for_service("checkout") == DeploymentFrequencyRule(
        trailing_periods=6, min_ratio=0.8
    )
    assert rule.for_service("reports") == DeploymentFrequencyRule(
        enabled=False, trailing_periods=6, min_ratio=0.4
    )
    assert rule.for_service("anything-else") == DeploymentFrequencyRule(
        trailing_periods=6, min_ratio=0.4
    )
    assert thresholds.configured_services == {"checkout", "reports"}


def test_query_settings_are_the_rules_shape():
    assert query_settings(RULES["lead_time_p75"]) == ("grain", "trailing_periods", "min_changes")
    assert query_settings(RULES["open_incidents"]) == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("defaults: [1, 2]", "defaults: expected a mapping"),
        ("default: {}", "default: unknown key; expected one of defaults, services"),
        ("defaults: {lead_time: {}}", "defaults.lead_time: unknown rule; expected one of"),
        (
            "defaults: {change_failure_rate: {max: 0.2}}",
            "defaults.change_failure_rate.max: unknown setting; expected one of enabled, "
            "grain, max_rate, min_deployments",
        ),
        (
            "services: {api: {change_failure_rate: {max_rate: 1.5}}}",
            "services.api.change_failure_rate.max_rate: expected a ratio from 0 to 1, got 1.5",
        ),
        (
            "services: {api: {change_failure_rate: {max_rate: high}}}",
            "services.api.change_failure_rate.max_rate: expected a ratio from 0 to 1, got 'high'",
        ),
        (
            "defaults: {deployment_frequency: {min_ratio: 0}}",
            "defaults.deployment_frequency.min_ratio: expected a factor above 0 and at most 1",
        ),
        (
            "defaults: {lead_time_p75: {max_ratio: 0.9}}",
            "defaults.lead_time_p75.max_ratio: expected a factor of at least 1, got 0.9",
        ),
        (
            "defaults: {lead_time_p75: {trailing_periods: 2.5}}",
            "defaults.lead_time_p75.trailing_periods: expected a whole number of at least 1",
        ),
        (
            "defaults: {open_incidents: {max_open_hours: true}}",
            "defaults.open_incidents.max_open_hours: expected a number above 0, got True",
        ),
        (
            "defaults: {open_incidents: {enabled: 'no'}}",
            "defaults.open_incidents.enabled: expected true or false, got 'no'",
        ),
        (
            "defaults: {deployment_frequency: {grain: quarter}}",
            "defaults.deployment_frequency.grain: expected one of day, week, month",
        ),
        (
            "services: {api: {lead_time_p75: {grain: month}}}",
            "services.api.lead_time_p75.grain: grain shapes the rule's query for every "
            "service; set it once, under defaults.lead_time_p75",
        ),
        (
            "services: {api: {deployment_frequency: {min_trailing_periods: 9}}}",
            "services.api.deployment_frequency.min_trailing_periods: 9 is more than the "
            "rule's trailing_periods (8)",
        ),
        ("services: {2024: {}}", "services: service name 2024 is not text; quote it"),
        ("defaults: {open_incidents: [", "is not valid YAML"),
    ],
)
def test_a_bad_file_is_refused_naming_the_file_and_the_key(tmp_path, text, message):
    path = tmp_path / "dora_alerts.yaml"
    path.write_text(text)

    with pytest.raises(ThresholdsError) as refused:
        DoraAlertThresholds.load(path)

    assert str(refused.value).startswith(str(path))
    assert message in str(refused.value)


def test_a_missing_file_names_the_variable(tmp_path):
    with pytest.raises(ThresholdsError, match=f"does not exist: .* {THRESHOLDS_ENV}"):
        DoraAlertThresholds.load(Path(tmp_path / "nowhere.yaml"))
