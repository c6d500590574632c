"""Alerts on the DORA metrics themselves, as asset checks on the marts they read.

Four rules, each one check on its mart, with thresholds per service from the thresholds
file (``alert_thresholds``; docs/dora-alerts.md):

- ``metric_alert_change_failure_rate`` on ``marts/fct_change_failure_rate``: the latest
  complete period's rate above ``max_rate``;
- ``metric_alert_deployment_frequency`` on ``marts/fct_deployment_frequency``: the
  latest complete period's deployments below ``min_ratio`` times the median of the
  trailing periods';
- ``metric_alert_lead_time_p75`` on ``marts/agg_lead_time_for_changes``: the latest
  complete period's p75 lead time above ``max_ratio`` times the median of the trailing
  periods' p75;
- ``metric_alert_open_incidents`` on ``marts/fct_incident_recovery``: an incident open
  for longer than ``max_open_hours``.

The warehouse computes each service's figures (one row per service, with portable SQL:
DuckDB and PostgreSQL); each service's thresholds then judge them. A check passes when no
service is out of bounds; its metadata lists every service judged, with its figures and
bounds. Severity follows the mart's stage like every check (WARN up to Alpha, ERROR from
Beta on), so the alert sensor routes them by stage. They never block: a metric out of
bounds is what the dashboards downstream must show, not a reason to hold them back. And
they are not data-quality checks, so the SLA's check pass rate leaves them out
(``METRIC_ALERT_CHECK_KEY``).

**The reference.** "Latest complete period" is the latest period of the rule's grain
that ends on or before the last complete day: ``PLATFORM_DORA_AS_OF`` (the dbt var
``dora_as_of`` the marts were built to) but never today or later, the day the headline
figures use. Open incidents are judged at ``PLATFORM_DORA_AS_OF``'s end (midnight after
it, in ``PLATFORM_DORA_TIMEZONE``) when it is set and past, else now. Pinning
``PLATFORM_DORA_AS_OF`` makes every rule deterministic.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dagster as dg
import pyarrow as pa

from platform_assets.checks import CheckOutcome, CheckTarget
from platform_assets.checks.data_freshness import epoch_microseconds, epoch_us_sql
from platform_assets.checks.outcome import count_of
from platform_assets.checks.target import AssetLike
from platform_assets.checks.warehouse_check import build_warehouse_check
from platform_assets.domains.dora.alert_thresholds import (
    DEFAULT_THRESHOLDS,
    THRESHOLDS_ENV,
    ChangeFailureRateRule,
    DeploymentFrequencyRule,
    DoraAlertThresholds,
    LeadTimeP75Rule,
    OpenIncidentsRule,
    R,
    RuleThresholds,
    ThresholdsError,
    thresholds_path,
)
from platform_assets.integrations.dbt.assets import dbt_project_models
from platform_assets.stages.contract_metadata import METRIC_ALERT_CHECK_KEY
from platform_assets.warehouse import WarehouseSession

AS_OF_ENV: Final = "PLATFORM_DORA_AS_OF"
TIMEZONE_ENV: Final = "PLATFORM_DORA_TIMEZONE"

#: Offending services named in a description; the metadata lists them all.
NAMED_IN_DESCRIPTION: Final = 5
#: Incidents listed per service in the metadata (the count is always complete).
INCIDENTS_LISTED: Final = 10


class AlertReferenceError(ValueError):
    """The reference day cannot be read from the environment."""


@dataclass(frozen=True)
class AlertReference:
    """What the rules judge: periods ending by ``last_day``, incidents open at ``moment``."""

    last_day: dt.date
    """The last complete local day: a period ending after it is not over yet."""
    moment: dt.datetime
    """The instant open incidents are aged to (aware)."""
    timezone: str = "UTC"

    @classmethod
    def at(
        cls, now: dt.datetime, as_of: dt.date | None = None, timezone: str = "UTC"
    ) -> AlertReference:
        """The reference at ``now`` for marts built to ``as_of`` (None: today)."""
        zone = ZoneInfo(timezone)
        today = now.astimezone(zone).date()
        yesterday = today - dt.timedelta(days=1)
        if as_of is None:
            return cls(yesterday, now, timezone)
        end_of_as_of = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), zone)
        return cls(min(as_of, yesterday), min(now, end_of_as_of), timezone)

    @classmethod
    def from_environment(cls, now: dt.datetime) -> AlertReference:
        """From ``PLATFORM_DORA_AS_OF`` and ``PLATFORM_DORA_TIMEZONE``, as dbt reads them."""
        raw_as_of = (os.environ.get(AS_OF_ENV) or "").strip()
        timezone = (os.environ.get(TIMEZONE_ENV) or "").strip() or "UTC"
        try:
            as_of = dt.date.fromisoformat(raw_as_of) if raw_as_of else None
        except ValueError:
            raise AlertReferenceError(
                f"{AS_OF_ENV} is {raw_as_of!r}: expected a date, YYYY-MM-DD, or nothing for today"
            ) from None
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise AlertReferenceError(
                f"{TIMEZONE_ENV} is {timezone!r}: expected an IANA time zone such as UTC or "
                "Europe/Paris"
            ) from None
        return cls.at(now, as_of, timezone)

    @property
    def moment_text(self) -> str:
        local = self.moment.astimezone(ZoneInfo(self.timezone))
        return f"{local:%Y-%m-%d %H:%M} {self.timezone}"


@dataclass(frozen=True)
class Period:
    grain: str
    start: dt.date
    end: dt.date
    """Exclusive, as in the marts."""

    @property
    def text(self) -> str:
        last = self.end - dt.timedelta(days=1)
        if self.grain == "day":
            return f"the day {self.start}"
        return f"the {self.grain} {self.start} to {last}"


# The latest complete period of a calendar mart and, per service, its row and the
# ``periods_back``-th period before it: the same choice as the headline figures'
# dora_latest_complete_period macro (the marts' own calendars decide the periods).
_PERIODS = """
periods as (
    select service, period_start, period_end, {columns}
    from {table}
    where grain = ?
),

latest as (
    select max(period_start) as period_start
    from periods
    where period_end <= cast(? as date)
),

earlier_periods as (
    select
        periods.*,
        row_number() over (
            partition by periods.service order by periods.period_start desc
        ) as periods_back
    from periods
    cross join latest
    where periods.period_start < latest.period_start
)"""


def _period_rows(
    session: WarehouseSession,
    table: str,
    *,
    grain: str,
    reference: AlertReference,
    columns: Sequence[str],
    history: str | None = None,
    history_parameters: Sequence[object] = (),
) -> list[dict[str, Any]]:
    """Each service's row in the latest complete period, with ``history``'s columns
    (``trailing_periods`` and ``trailing_median``, an aggregate over ``earlier_periods``
    grouped by service) joined when given."""
    ctes = _PERIODS.format(columns=", ".join(columns), table=table)
    selected = ["service", "period_start", "period_end", *columns]
    expressions = [f"periods.{column}" for column in selected]
    join = ""
    if history is not None:
        ctes += f",\n\nhistory as (\n{history}\n)"
        selected += ["trailing_periods", "trailing_median"]
        expressions += ["coalesce(history.trailing_periods, 0)", "history.trailing_median"]
        join = "left join history on periods.service = history.service\n"
    sql = (
        f"with {ctes}\n"
        f"select {', '.join(expressions)}\n"
        "from periods\n"
        "inner join latest on periods.period_start = latest.period_start\n"
        f"{join}"
        "order by periods.service"
    )
    first_day_after = (reference.last_day + dt.timedelta(days=1)).isoformat()
    rows = session.execute(sql, [grain, first_day_after, *history_parameters]).fetchall()
    return [dict(zip(selected, row, strict=True)) for row in rows]


def _trailing_median(value: str, where: str = "true") -> str:
    """The median of ``value`` over each service's trailing periods that pass ``where``,
    and how many there were. percentile_cont ... within group is standard SQL, which
    DuckDB and PostgreSQL both take."""
    return (
        "    select service, count(*) as trailing_periods,\n"
        f"        percentile_cont(0.5) within group (order by {value}) as trailing_median\n"
        "    from earlier_periods\n"
        f"    where periods_back <= ? and {where}\n"
        "    group by service"
    )


@dataclass(frozen=True)
class Judgement:
    """One service's figures against its thresholds."""

    service: str
    alert: bool
    summary: str
    """The figures, as a description quotes them: ``api 75.0% (3 of 4 deployments
    failed; bound 50.0%)``."""
    figures: Mapping[str, Any]


@dataclass(frozen=True)
class Verdicts:
    judged: list[Judgement]
    disabled: list[str]
    not_judged: dict[str, str]
    """Services with data the rule could not judge, and why."""

    @property
    def alerting(self) -> list[Judgement]:
        return [j for j in self.judged if j.alert]


def _outcome(
    verdicts: Verdicts,
    thresholds: DoraAlertThresholds,
    *,
    what: str,
    where: str,
    hint: str,
    details: Mapping[str, Any],
) -> CheckOutcome:
    """``what``: the condition, as in "change failure rate above its bound"; ``where``:
    the period or moment judged, as in "in the week 2024-01-08 to 2024-01-14"."""
    alerting = verdicts.alerting
    counts = {
        "services_judged": len(verdicts.judged),
        "services_alerting": len(alerting),
        "services_not_judged": len(verdicts.not_judged),
        "services_disabled": len(verdicts.disabled),
    }
    metadata = {
        **details,
        "alerting_services": [j.service for j in alerting],
        "services": [
            {"service": j.service, "alert": j.alert, **j.figures} for j in verdicts.judged
        ],
        "not_judged": dict(sorted(verdicts.not_judged.items())),
        "disabled_services": sorted(verdicts.disabled),
        "thresholds_file": thresholds.source,
    }
    seen = {j.service for j in verdicts.judged} | set(verdicts.not_judged) | set(verdicts.disabled)
    absent = sorted(thresholds.configured_services - seen)
    if absent:
        metadata["configured_services_without_data"] = absent
    judged = f"{count_of(len(verdicts.judged), 'service')} judged"
    if not alerting:
        if verdicts.not_judged:
            judged += f", {len(verdicts.not_judged)} without enough data to judge"
        return CheckOutcome(True, f"No {what} {where} ({judged}).", counts, details=metadata)
    named = "; ".join(j.summary for j in alerting[:NAMED_IN_DESCRIPTION])
    if len(alerting) > NAMED_IN_DESCRIPTION:
        named += f"; and {len(alerting) - NAMED_IN_DESCRIPTION} more (metadata alerting_services)"
    return CheckOutcome(
        False,
        f"{what[0].upper()}{what[1:]} {where} for {len(alerting)} of {judged}: {named}. "
        f"{hint} Thresholds: {thresholds.source}.",
        counts,
        details=metadata,
    )


def _in_period(period: Period | None, grain: str, reference: AlertReference) -> str:
    if period is None:
        return f"in the latest complete {grain}: none ends by {reference.last_day} yet"
    return f"in {period.text}"


def _percent(value: float) -> str:
    return f"{value:.1%}"


def _hours(value: float) -> str:
    return f"{value:,.1f} h"


def _verdicts(
    rows: Iterable[Mapping[str, Any]],
    rules: RuleThresholds[R],
    judge: Callable[[Mapping[str, Any], R], Judgement | str],
) -> Verdicts:
    """Each service's row judged by its own rule: a disabled rule sets the service aside,
    and ``judge`` returns the judgement or, as a string, why the row cannot be judged."""
    verdicts = Verdicts([], [], {})
    for row in rows:
        service = row["service"]
        rule = rules.for_service(service)
        if not rule.enabled:
            verdicts.disabled.append(service)
            continue
        judged = judge(row, rule)
        if isinstance(judged, str):
            verdicts.not_judged[service] = judged
        else:
            verdicts.judged.append(judged)
    return verdicts


def _period_outcome(
    rows: list[dict[str, Any]],
    grain: str,
    rules: RuleThresholds[R],
    judge: Callable[[Mapping[str, Any], R], Judgement | str],
    *,
    thresholds: DoraAlertThresholds,
    reference: AlertReference,
    what: str,
    hint: str,
) -> CheckOutcome:
    """The outcome of a rule judged on each service's row of the latest complete period."""
    period = _period_of(rows, grain)
    return _outcome(
        _verdicts(rows, rules, judge),
        thresholds,
        what=what,
        where=_in_period(period, grain, reference),
        hint=hint,
        details=_period_details(period, reference),
    )


def evaluate_change_failure_rate(
    session: WarehouseSession,
    table: str,
    thresholds: DoraAlertThresholds,
    reference: AlertReference,
) -> CheckOutcome:
    rules: RuleThresholds[ChangeFailureRateRule] = thresholds.change_failure_rate
    rows = _period_rows(
        session,
        table,
        grain=rules.default.grain,
        reference=reference,
        columns=("deployment_count", "failed_deployment_count", "change_failure_rate"),
    )

    def judge(row: Mapping[str, Any], rule: ChangeFailureRateRule) -> Judgement | str:
        deployments, failed = int(row["deployment_count"]), int(row["failed_deployment_count"])
        if deployments < rule.min_deployments or row["change_failure_rate"] is None:
            return (
                f"{count_of(deployments, 'deployment')}, fewer than the "
                f"{rule.min_deployments} needed"
            )
        rate = float(row["change_failure_rate"])
        return Judgement(
            row["service"],
            rate > rule.max_rate,
            f"{row['service']} {_percent(rate)} ({failed} of "
            f"{count_of(deployments, 'deployment')} failed; bound {_percent(rule.max_rate)})",
            {
                "change_failure_rate": rate,
                "failed_deployments": failed,
                "deployments": deployments,
                "max_rate": rule.max_rate,
            },
        )

    return _period_outcome(
        rows,
        rules.default.grain,
        rules,
        judge,
        thresholds=thresholds,
        reference=reference,
        what="change failure rate above its bound",
        hint="Read the incidents attributed to their deployments (fct_incident_recovery).",
    )


def evaluate_deployment_frequency(
    session: WarehouseSession,
    table: str,
    thresholds: DoraAlertThresholds,
    reference: AlertReference,
) -> CheckOutcome:
    rules: RuleThresholds[DeploymentFrequencyRule] = thresholds.deployment_frequency
    default = rules.default
    rows = _period_rows(
        session,
        table,
        grain=default.grain,
        reference=reference,
        columns=("deployment_count",),
        history=_trailing_median("cast(deployment_count as double precision)"),
        history_parameters=[default.trailing_periods],
    )

    def judge(row: Mapping[str, Any], rule: DeploymentFrequencyRule) -> Judgement | str:
        trailing = int(row["trailing_periods"])
        if trailing < rule.min_trailing_periods:
            return (
                f"{count_of(trailing, f'earlier {default.grain}')}, fewer than the "
                f"{rule.min_trailing_periods} needed"
            )
        deployments = int(row["deployment_count"])
        median = float(row["trailing_median"])
        floor = rule.min_ratio * median
        return Judgement(
            row["service"],
            deployments < floor,
            f"{row['service']} {count_of(deployments, 'deployment')} (median of the "
            f"{count_of(trailing, default.grain)} before: {median:g}; alert below {floor:g})",
            {
                "deployments": deployments,
                "trailing_median": median,
                "trailing_periods": trailing,
                "min_ratio": rule.min_ratio,
                "alert_below": floor,
            },
        )

    return _period_outcome(
        rows,
        rules.default.grain,
        rules,
        judge,
        thresholds=thresholds,
        reference=reference,
        what="deployment count below its bound (a share of the trailing median)",
        hint="Check that deployments still reach the source (raw/deployments), then ask the "
        "owning team.",
    )


def evaluate_lead_time_p75(
    session: WarehouseSession,
    table: str,
    thresholds: DoraAlertThresholds,
    reference: AlertReference,
) -> CheckOutcome:
    rules: RuleThresholds[LeadTimeP75Rule] = thresholds.lead_time_p75
    default = rules.default
    rows = _period_rows(
        session,
        table,
        grain=default.grain,
        reference=reference,
        columns=("measured_change_count", "p75_lead_time_hours"),
        history=_trailing_median(
            "p75_lead_time_hours",
            "measured_change_count >= ? and p75_lead_time_hours is not null",
        ),
        history_parameters=[default.trailing_periods, default.min_changes],
    )

    def judge(row: Mapping[str, Any], rule: LeadTimeP75Rule) -> Judgement | str:
        changes = int(row["measured_change_count"])
        trailing = int(row["trailing_periods"])
        if changes < default.min_changes or row["p75_lead_time_hours"] is None:
            return (
                f"{count_of(changes, 'measured change')}, fewer than the "
                f"{default.min_changes} needed"
            )
        if trailing < rule.min_trailing_periods:
            return (
                f"{count_of(trailing, f'earlier {default.grain}')} with at least "
                f"{count_of(default.min_changes, 'measured change')}, fewer than the "
                f"{rule.min_trailing_periods} needed"
            )
        p75 = float(row["p75_lead_time_hours"])
        median = float(row["trailing_median"])
        ceiling = rule.max_ratio * median
        return Judgement(
            row["service"],
            p75 > ceiling,
            f"{row['service']} p75 {_hours(p75)} over {count_of(changes, 'change')} (median "
            f"p75 of the {count_of(trailing, default.grain)} before: {_hours(median)}; "
            f"alert above {_hours(ceiling)})",
            {
                "p75_lead_time_hours": p75,
                "measured_changes": changes,
                "trailing_median_p75_hours": median,
                "trailing_periods": trailing,
                "max_ratio": rule.max_ratio,
                "alert_above_hours": ceiling,
            },
        )

    return _period_outcome(
        rows,
        rules.default.grain,
        rules,
        judge,
        thresholds=thresholds,
        reference=reference,
        what="lead time p75 above its bound (a multiple of the trailing median p75)",
        hint="fct_lead_time_for_changes lists the period's changes and their lead times.",
    )


def evaluate_open_incidents(
    session: WarehouseSession,
    table: str,
    thresholds: DoraAlertThresholds,
    reference: AlertReference,
) -> CheckOutcome:
    """Incidents open at the reference moment: created by then, not resolved by then."""
    rules: RuleThresholds[OpenIncidentsRule] = thresholds.open_incidents
    timestamp = pa.timestamp("us", tz="UTC")
    created = epoch_us_sql(session, "created_at", timestamp)
    resolved = epoch_us_sql(session, "resolved_at", timestamp)
    moment_us = epoch_microseconds(reference.moment)
    rows = session.execute(
        f"select service, incident_id, {created} as created_us from {table} "
        f"where created_at is not null and {created} <= ? "
        f"and (resolved_at is null or {resolved} > ?) "
        "order by service, created_at, incident_id",
        [moment_us, moment_us],
    ).fetchall()
    open_by_service: dict[str, list[tuple[str, float]]] = {}
    for service, incident_id, created_us in rows:
        hours = (moment_us - int(created_us)) / 3_600_000_000
        open_by_service.setdefault(service, []).append((incident_id, hours))

    def judge(row: Mapping[str, Any], rule: OpenIncidentsRule) -> Judgement:
        service, incidents = row["service"], row["incidents"]
        over = [(i, h) for i, h in incidents if h > rule.max_open_hours]
        oldest_id, oldest_hours = incidents[0]
        return Judgement(
            service,
            bool(over),
            f"{service} {len(over)} of {count_of(len(incidents), 'open incident')} over "
            f"the bound (oldest {oldest_id}, open {_hours(oldest_hours)}; bound "
            f"{_hours(rule.max_open_hours)})",
            {
                "open_incidents": len(incidents),
                "over_bound": len(over),
                "oldest_incident": oldest_id,
                "oldest_open_hours": round(oldest_hours, 3),
                "max_open_hours": rule.max_open_hours,
                "incidents_over_bound": [
                    {"incident_id": i, "open_hours": round(h, 3)}
                    for i, h in over[:INCIDENTS_LISTED]
                ],
            },
        )

    services = [{"service": s, "incidents": i} for s, i in open_by_service.items()]
    verdicts = _verdicts(services, rules, judge)
    return _outcome(
        verdicts,
        thresholds,
        what="incident open longer than its bound",
        where=f"at {reference.moment_text}",
        hint="Resolve them at the incident source, or close the ones already over.",
        details={"judged_at": reference.moment_text},
    )


def _period_of(rows: Iterable[Mapping[str, Any]], grain: str) -> Period | None:
    for row in rows:
        return Period(grain, row["period_start"], row["period_end"])
    return None


def _period_details(period: Period | None, reference: AlertReference) -> dict[str, Any]:
    details: dict[str, Any] = {"last_complete_day": reference.last_day.isoformat()}
    if period is not None:
        details["period"] = {
            "grain": period.grain,
            "start": period.start,
            "end_exclusive": period.end,
        }
    return details


Evaluate = Callable[[WarehouseSession, str, DoraAlertThresholds, AlertReference], CheckOutcome]


@dataclass(frozen=True)
class MetricAlert:
    """A rule: the mart it reads, its check's name and description, its evaluation."""

    rule: str
    mart: str
    description: str
    evaluate: Evaluate

    @property
    def check_name(self) -> str:
        return f"metric_alert_{self.rule}"

    @property
    def asset_key(self) -> dg.AssetKey:
        return dg.AssetKey(["marts", self.mart])


METRIC_ALERTS: Final = (
    MetricAlert(
        "change_failure_rate",
        "fct_change_failure_rate",
        "No service's change failure rate in the latest complete period is above its max_rate.",
        evaluate_change_failure_rate,
    ),
    MetricAlert(
        "deployment_frequency",
        "fct_deployment_frequency",
        "No service's deployments in the latest complete period are below min_ratio times "
        "the median of its trailing periods.",
        evaluate_deployment_frequency,
    ),
    MetricAlert(
        "lead_time_p75",
        "agg_lead_time_for_changes",
        "No service's p75 lead time in the latest complete period is above max_ratio times "
        "the median p75 of its trailing periods.",
        evaluate_lead_time_p75,
    ),
    MetricAlert(
        "open_incidents",
        "fct_incident_recovery",
        "No service has an incident open for longer than its max_open_hours.",
        evaluate_open_incidents,
    ),
)


def metric_alert_check(
    alert: MetricAlert,
    asset: AssetLike = dbt_project_models,
    *,
    path: Path | None = None,
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
) -> dg.AssetChecksDefinition:
    """The check of ``alert`` on its mart in ``asset`` (the dbt project's definition, or a
    spec of the same key). ``path`` pins a thresholds file; by default each evaluation
    reads the one ``PLATFORM_DORA_ALERTS`` names then."""
    target = CheckTarget.of(asset, alert.asset_key)

    def evaluate(session: WarehouseSession, _instance: dg.DagsterInstance) -> CheckOutcome:
        try:
            thresholds = DoraAlertThresholds.load(path or thresholds_path())
            reference = AlertReference.from_environment(clock())
        except (ThresholdsError, AlertReferenceError) as error:
            # The rule cannot judge: say so as a failure, which the alert sensor routes,
            # rather than crash the step, which would leave the rule silent.
            return CheckOutcome(False, f"The {alert.rule} alert cannot be evaluated: {error}")
        return alert.evaluate(session, target.table, thresholds, reference)

    return build_warehouse_check(
        target,
        name=alert.check_name,
        description=f"{alert.description} Thresholds per service: {THRESHOLDS_ENV} "
        f"(default {DEFAULT_THRESHOLDS}); docs/dora-alerts.md.",
        evaluate=evaluate,
        blocking=False,
        metadata={METRIC_ALERT_CHECK_KEY: True},
    )


#: A check per rule whose mart the dbt project deploys here (a mart left out of an
#: environment has no alert there).
metric_alerts: list[dg.AssetChecksDefinition] = [
    metric_alert_check(alert)
    for alert in METRIC_ALERTS
    if alert.asset_key in dbt_project_models.keys
]
