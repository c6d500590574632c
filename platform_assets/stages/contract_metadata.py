"""The metadata keys and tags through which an asset states its side of the stage contract.

Everything the audit reads is on the resolved asset spec, so the same rules hold for
Python assets, dbt models and any code location the audit is pointed at.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any, Final

import dagster as dg

SLA_KEY: Final = "platform/sla"
RUNBOOK_KEY: Final = "platform/runbook"
PRIMARY_KEY_KEY: Final = "platform/primary_key"
COLUMN_SCHEMA_KEY: Final = "dagster/column_schema"

LAYER_TAG: Final = "layer"
DOMAIN_TAG: Final = "domain"
ALERT_ROUTE_TAG: Final = "alert_route"
ACCESS_TAG: Final = "access"
#: Set on assets whose stage defaults the platform applies (``staged_asset`` and the dbt
#: translator): promoting them brings the target stage's defaults with it, so promotion
#: does not demand what the platform will supply.
STAGE_DEFAULTS_TAG: Final = "platform/stage_defaults"

#: Layers whose tables consumers read directly (dbt marts, medallion gold).
CONSUMPTION_LAYERS: Final = frozenset({"marts", "gold"})

#: Column tags: every column says whether it holds personal data, and a pii column at
#: Beta and GA says how consumers are kept from reading it in clear.
PII_TAG: Final = "pii"
PII_PROTECTION_TAG: Final = "pii_protection"
PII_PROTECTIONS: Final = frozenset({"masked", "hashed", "restricted", "dropped"})

#: The key a check spec uses to say which column assertions it makes, e.g.
#: ["unique(deployment_id)", "not_null(deployment_id)"]; the audit matches them against
#: the asset's declared primary key.
CHECK_ASSERTS_KEY: Final = "platform/asserts"
#: Marks the check that compares a table's columns with its previous materialization.
COLUMN_STABILITY_CHECK_KEY: Final = "platform/column_stability"
#: Marks a check that alerts on what a metric says (a change failure rate above its
#: bound), not on whether the data is sound: it is routed like any check, and left out of
#: the SLA's check pass rate, which measures the data.
METRIC_ALERT_CHECK_KEY: Final = "platform/metric_alert"


@dataclass(frozen=True)
class Sla:
    """What consumers are promised: data no older than ``freshness_hours`` for at least
    ``freshness_attainment`` of the time, at least ``success_rate`` of materializations
    succeeding and ``check_pass_rate`` of check evaluations passing, measured over the
    trailing ``window_days``."""

    freshness_hours: float = 24.0
    success_rate: float = 0.99
    check_pass_rate: float = 0.99
    freshness_attainment: float = 0.99
    window_days: int = 28

    def __post_init__(self) -> None:
        if self.freshness_hours <= 0:
            raise ValueError(f"Sla.freshness_hours must be positive, got {self.freshness_hours}")
        for name in ("success_rate", "check_pass_rate", "freshness_attainment"):
            value = getattr(self, name)
            if not 0 < value <= 1:
                raise ValueError(f"Sla.{name} must be in (0, 1], got {value}")
        if self.window_days < 1:
            raise ValueError(f"Sla.window_days must be at least 1, got {self.window_days}")

    @property
    def freshness(self) -> timedelta:
        return timedelta(hours=self.freshness_hours)

    def freshness_policy(self) -> dg.FreshnessPolicy:
        """Fail when the data is older than promised; warn at three quarters of it."""
        return dg.FreshnessPolicy.time_window(
            fail_window=self.freshness, warn_window=self.freshness * 0.75
        )

    def to_metadata(self) -> dict[str, Any]:
        return {SLA_KEY: dg.MetadataValue.json(asdict(self))}

    @classmethod
    def from_metadata(cls, metadata: Mapping[str, Any]) -> Sla | None:
        """The SLA an asset declares, or None. Raises ValueError on a malformed one."""
        raw = metadata.get(SLA_KEY)
        if raw is None:
            return None
        value = getattr(raw, "value", getattr(raw, "data", raw))
        if isinstance(value, str):
            value = json.loads(value)
        if not isinstance(value, Mapping):
            raise ValueError(f"{SLA_KEY} must be a mapping, got {type(value).__name__}")
        return cls(**value)


def metadata_value(metadata: Mapping[str, Any], key: str) -> Any:
    """The plain value behind a metadata entry, whether or not it is a MetadataValue."""
    raw = metadata.get(key)
    if raw is None:
        return None
    for attribute in ("value", "data", "text", "path", "schema"):
        if hasattr(raw, attribute):
            return getattr(raw, attribute)
    return raw


def written_column_schema(
    types: Mapping[str, str], declared: dg.TableSchema | None
) -> dg.TableSchema:
    """The columns as written (their real types) with the declared descriptions and
    classification, so the UI's latest column schema keeps the documentation."""
    documented = {column.name: column for column in declared.columns} if declared else {}
    columns = []
    for name, type_name in types.items():
        doc = documented.get(name)
        columns.append(
            dg.TableColumn(
                name,
                type_name,
                description=doc.description if doc else None,
                constraints=doc.constraints if doc else None,
                tags=doc.tags if doc else None,
            )
        )
    return dg.TableSchema(columns=columns)


def primary_key_metadata(columns: list[str]) -> dict[str, Any]:
    return {PRIMARY_KEY_KEY: dg.MetadataValue.json(list(columns))}


def asserts_unique(columns: list[str] | tuple[str, ...]) -> str:
    return f"unique({','.join(columns)})"


def asserts_not_null(column: str) -> str:
    return f"not_null({column})"
