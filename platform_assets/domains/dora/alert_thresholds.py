"""The thresholds of the DORA metric alerts: defaults per rule, overrides per service.

The file is ``config/dora_alerts.yaml`` unless ``PLATFORM_DORA_ALERTS`` names another
(a relative path is relative to the project). It is read on every evaluation, so an edit
applies at the next one without a redeploy. Every setting has a default here, so the file
only states what differs (the shipped file spells the defaults out for its readers)::

    defaults:                      # every service, every rule
      change_failure_rate: {max_rate: 0.30}
    services:                      # one service's own values, over the defaults
      checkout:
        change_failure_rate: {max_rate: 0.15}
        deployment_frequency: {enabled: false}

A setting that shapes the query of a rule (its ``grain``, its ``trailing_periods``, the
lead-time rule's ``min_changes``) is set once per rule, under ``defaults``: one query
serves every service. Anything wrong (an unknown rule or setting, a value of the wrong
type or out of range) raises ``ThresholdsError`` naming the file and the key, e.g.
``config/dora_alerts.yaml: services.api.change_failure_rate.max_rate: expected a ratio
from 0 to 1, got 1.5``. docs/dora-alerts.md describes each rule.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Generic, TypeVar

import yaml

from platform_assets.settings import resolve_path

THRESHOLDS_ENV: Final = "PLATFORM_DORA_ALERTS"
DEFAULT_THRESHOLDS: Final = "config/dora_alerts.yaml"


class ThresholdsError(ValueError):
    """The thresholds file cannot be used; the message names the file and the key."""


def thresholds_path() -> Path:
    """``PLATFORM_DORA_ALERTS``, else config/dora_alerts.yaml, read when called."""
    return resolve_path(os.environ.get(THRESHOLDS_ENV) or DEFAULT_THRESHOLDS)


# Each setting validates its own value: a parser returns it (normalised) or raises
# ValueError with what was expected; the loader adds the file and the key.

Parser = Callable[[Any], Any]


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def _bounded(expected: str, accepts: Callable[[float], bool]) -> Parser:
    def parse(value: Any) -> float:
        # YAML's true and false are ints to Python: refuse them as numbers
        if isinstance(value, bool) or not isinstance(value, int | float) or not accepts(value):
            raise ValueError(f"expected {expected}")
        return float(value)

    return parse


_ratio = _bounded("a ratio from 0 to 1", lambda v: 0 <= v <= 1)
_factor_below_one = _bounded("a factor above 0 and at most 1", lambda v: 0 < v <= 1)
_factor_above_one = _bounded("a factor of at least 1", lambda v: v >= 1)
_positive_number = _bounded("a number above 0", lambda v: v > 0)


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("expected a whole number of at least 1")
    return value


def _one_of(*allowed: str) -> Parser:
    def parse(value: Any) -> str:
        if value not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}")
        return str(value)

    return parse


def _setting(default: Any, parse: Parser, *, query: bool = False) -> Any:
    """A rule's setting. ``query``: it shapes the rule's query, so it is set once per
    rule (under ``defaults``), never per service."""
    return field(default=default, metadata={"parse": parse, "query": query})


@dataclass(frozen=True)
class ChangeFailureRateRule:
    """The latest complete period's change failure rate above ``max_rate``, for a service
    with at least ``min_deployments`` deployments in it."""

    enabled: bool = _setting(True, _boolean)
    grain: str = _setting("month", _one_of("week", "month"), query=True)
    max_rate: float = _setting(0.30, _ratio)
    min_deployments: int = _setting(5, _count)


@dataclass(frozen=True)
class DeploymentFrequencyRule:
    """The latest complete period's deployments below ``min_ratio`` times the median of
    the ``trailing_periods`` periods before it, for a service with at least
    ``min_trailing_periods`` of them."""

    enabled: bool = _setting(True, _boolean)
    grain: str = _setting("week", _one_of("day", "week", "month"), query=True)
    trailing_periods: int = _setting(8, _count, query=True)
    min_trailing_periods: int = _setting(6, _count)
    min_ratio: float = _setting(0.5, _factor_below_one)


@dataclass(frozen=True)
class LeadTimeP75Rule:
    """The latest complete period's p75 lead time above ``max_ratio`` times the median
    p75 of the ``trailing_periods`` periods before it. Only periods with at least
    ``min_changes`` measured changes count, the latest one and the trailing ones, and a
    service needs at least ``min_trailing_periods`` such trailing periods."""

    enabled: bool = _setting(True, _boolean)
    grain: str = _setting("week", _one_of("week", "month"), query=True)
    trailing_periods: int = _setting(8, _count, query=True)
    min_changes: int = _setting(5, _count, query=True)
    min_trailing_periods: int = _setting(6, _count)
    max_ratio: float = _setting(1.5, _factor_above_one)


@dataclass(frozen=True)
class OpenIncidentsRule:
    """An incident still open (not resolved by the reference moment) for longer than
    ``max_open_hours``."""

    enabled: bool = _setting(True, _boolean)
    max_open_hours: float = _setting(72.0, _positive_number)


Rule = ChangeFailureRateRule | DeploymentFrequencyRule | LeadTimeP75Rule | OpenIncidentsRule
R = TypeVar("R", ChangeFailureRateRule, DeploymentFrequencyRule, LeadTimeP75Rule, OpenIncidentsRule)

#: The rules by their name in the file.
RULES: Final[dict[str, type[Rule]]] = {
    "change_failure_rate": ChangeFailureRateRule,
    "deployment_frequency": DeploymentFrequencyRule,
    "lead_time_p75": LeadTimeP75Rule,
    "open_incidents": OpenIncidentsRule,
}


def query_settings(rule: type[Rule]) -> tuple[str, ...]:
    """The settings of ``rule`` set once for every service."""
    return tuple(f.name for f in dataclasses.fields(rule) if f.metadata["query"])


@dataclass(frozen=True)
class RuleThresholds(Generic[R]):
    """One rule's defaults and the services that override them."""

    default: R
    services: Mapping[str, R] = field(default_factory=dict)

    def for_service(self, service: str) -> R:
        return self.services.get(service, self.default)


@dataclass(frozen=True)
class DoraAlertThresholds:
    source: str
    """Where the thresholds were read from, for descriptions and errors."""
    change_failure_rate: RuleThresholds[ChangeFailureRateRule]
    deployment_frequency: RuleThresholds[DeploymentFrequencyRule]
    lead_time_p75: RuleThresholds[LeadTimeP75Rule]
    open_incidents: RuleThresholds[OpenIncidentsRule]

    @property
    def configured_services(self) -> frozenset[str]:
        return frozenset(service for name in RULES for service in getattr(self, name).services)

    @classmethod
    def load(cls, path: Path | None = None) -> DoraAlertThresholds:
        path = path or thresholds_path()
        if not path.is_file():
            raise ThresholdsError(
                f"DORA alert thresholds file {path} does not exist: create it, or point "
                f"{THRESHOLDS_ENV} at one (the shipped default is {DEFAULT_THRESHOLDS})"
            )
        try:
            document = yaml.safe_load(path.read_text())
        except yaml.YAMLError as error:
            raise ThresholdsError(f"{path} is not valid YAML: {error}") from error
        return cls.from_document(document, origin=str(path))

    @classmethod
    def from_document(cls, document: Any, origin: str = "<thresholds>") -> DoraAlertThresholds:
        document = _mapping(document or {}, origin, "the file")
        _known_keys(document, ("defaults", "services"), origin, "")
        raw_defaults = _mapping(document.get("defaults") or {}, origin, "defaults")
        raw_services = _mapping(document.get("services") or {}, origin, "services")
        _known_keys(raw_defaults, tuple(RULES), origin, "defaults.", what="rule")
        per_service: dict[str, Mapping[Any, Any]] = {}
        for service, raw_rules in raw_services.items():
            if not isinstance(service, str) or not service.strip():
                raise ThresholdsError(
                    f"{origin}: services: service name {service!r} is not text; quote it"
                )
            rules = _mapping(raw_rules or {}, origin, f"services.{service}")
            _known_keys(rules, tuple(RULES), origin, f"services.{service}.", what="rule")
            per_service[service] = rules
        thresholds: dict[str, RuleThresholds[Any]] = {}
        for name, rule_type in RULES.items():
            key = f"defaults.{name}"
            default = _rule(rule_type(), raw_defaults.get(name), origin, key, per_service=False)
            overrides = {
                service: _rule(
                    default, rules[name], origin, f"services.{service}.{name}", per_service=True
                )
                for service, rules in per_service.items()
                if name in rules
            }
            thresholds[name] = RuleThresholds(default, overrides)
        return cls(source=origin, **thresholds)


def _mapping(value: Any, origin: str, where: str) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise ThresholdsError(
            f"{origin}: {where}: expected a mapping of keys to values, got {value!r}"
        )
    return value


def _known_keys(
    raw: Mapping[Any, Any], allowed: tuple[str, ...], origin: str, prefix: str, what: str = "key"
) -> None:
    for key in raw:
        if key not in allowed:
            raise ThresholdsError(
                f"{origin}: {prefix}{key}: unknown {what}; expected one of {', '.join(allowed)}"
            )


def _rule(base: Rule, raw: Any, origin: str, key: str, *, per_service: bool) -> Rule:
    """``base`` with the settings of ``raw`` (one rule's mapping in the file)."""
    settings = _mapping(raw if raw is not None else {}, origin, key)
    fields = {f.name: f for f in dataclasses.fields(base)}
    _known_keys(settings, tuple(fields), origin, f"{key}.", what="setting")
    values = {}
    for name, value in settings.items():
        if per_service and fields[name].metadata["query"]:
            rule_name = key.rsplit(".", 1)[-1]
            raise ThresholdsError(
                f"{origin}: {key}.{name}: {name} shapes the rule's query for every service; "
                f"set it once, under defaults.{rule_name}"
            )
        try:
            values[name] = fields[name].metadata["parse"](value)
        except ValueError as error:
            raise ThresholdsError(f"{origin}: {key}.{name}: {error}, got {value!r}") from None
    rule = dataclasses.replace(base, **values)
    trailing = getattr(rule, "trailing_periods", None)
    needed = getattr(rule, "min_trailing_periods", None)
    if trailing is not None and needed is not None and needed > trailing:
        raise ThresholdsError(
            f"{origin}: {key}.min_trailing_periods: {needed} is more than the rule's "
            f"trailing_periods ({trailing}), so the rule could never judge"
        )
    return rule
