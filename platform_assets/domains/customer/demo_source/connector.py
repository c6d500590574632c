"""The customer demo source as a Connector: the CRM's contacts and accounts, the legacy
workbooks' rows and the weather, generated, for ``make run`` and the benchmarks.

Configured from the environment (``CustomerDemoSettings.from_environment``):
``PLATFORM_CUSTOMER_DEMO_PEOPLE`` people (about 1.64 source records each),
``PLATFORM_CUSTOMER_DEMO_RUN`` the run whose state the sources show (1 by default; run
2 has updates and deletes against run 1), ``PLATFORM_CUSTOMER_DEMO_AS_OF`` the day the
weather window ends (by default today in UTC, like the DORA demo, so every run of a day
sees the same data). Nothing else reads the clock.

Extracts behave like the real sources. The CRM answers a first extract with everything
(a complete snapshot, so rows gone since are soft-deleted) and later ones, like a
Dataverse delta link, with the contacts changed since the cursor's run and the ids of
those deleted. A workbook is re-read whole when its fingerprint changed. Weather
extends day by day.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Final

import polars as pl

from platform_assets.domains.customer.demo_source.entities import (
    CHANGED_RUN,
    DELETED_RUN,
    PEOPLE_PER_ACCOUNT,
    crm_accounts,
    crm_contacts,
    records_at,
    spreadsheet_customers,
)
from platform_assets.domains.customer.demo_source.population import DEFAULT_SEED, Population
from platform_assets.domains.customer.demo_source.weather import weather_daily
from platform_assets.ingestion import RecordBatch, RequestStats, SnapshotScope
from platform_assets.ingestion.cursor_checks import json_object, quoted

SOURCE: Final = "demo"
PEOPLE_ENV: Final = "PLATFORM_CUSTOMER_DEMO_PEOPLE"
RUN_ENV: Final = "PLATFORM_CUSTOMER_DEMO_RUN"
AS_OF_ENV: Final = "PLATFORM_CUSTOMER_DEMO_AS_OF"
#: About 2,000 source records: enough duplicates to see, quick to build in `make run`.
DEFAULT_PEOPLE: Final = 1_220
#: Days of weather before the as-of day: the gold mart shows the last 30.
WEATHER_DAYS: Final = 45
CONTACTS, ACCOUNTS, SPREADSHEET, WEATHER = (
    "crm_contacts",
    "crm_accounts",
    "spreadsheet_customers",
    "weather_daily",
)
_WHOLE_TABLE: Final = SnapshotScope()
_CRM_KEYS: Final = {CONTACTS: "contactid", ACCOUNTS: "accountid"}


@dataclass(frozen=True)
class CustomerDemoSettings:
    seed: int = DEFAULT_SEED
    people: int = DEFAULT_PEOPLE
    run: int = 1
    as_of: date | None = None
    weather_days: int = WEATHER_DAYS

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> CustomerDemoSettings:
        """Settings from the PLATFORM_CUSTOMER_DEMO_* variables (empty counts as unset);
        a value that is not a positive whole number or an ISO date is refused by name."""
        as_of = environ.get(AS_OF_ENV)
        return cls(
            people=_positive(environ, PEOPLE_ENV, DEFAULT_PEOPLE),
            run=_positive(environ, RUN_ENV, 1),
            as_of=_iso_date(as_of) if as_of else None,
        )

    @property
    def population(self) -> Population:
        return Population(seed=self.seed, people=self.people)

    def weather_window(self) -> tuple[date, date]:
        """[start, end): the ``weather_days`` days before the as-of day."""
        end = self.as_of or datetime.now(UTC).date()
        return end - timedelta(days=self.weather_days), end


def _positive(environ: Mapping[str, str], name: str, default: int) -> int:
    value = environ.get(name)
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}")
    return int(value)


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{AS_OF_ENV} must be a date as YYYY-MM-DD, got {value!r}") from None


class CustomerDemoConnector:
    """Generates every bronze customer table; needs no configuration and no network."""

    source_id = SOURCE
    entities = frozenset({CONTACTS, ACCOUNTS, SPREADSHEET, WEATHER})

    def __init__(self, settings: CustomerDemoSettings | None = None) -> None:
        self._settings = settings or CustomerDemoSettings.from_environment()
        self.request_stats = RequestStats()

    def extract(self, entity: str, cursor: str | None) -> Iterator[RecordBatch]:
        if entity == WEATHER:
            yield from self._weather(cursor)
        elif entity == SPREADSHEET:
            yield from self._workbooks(cursor)
        elif entity in (CONTACTS, ACCOUNTS):
            yield from self._crm(entity, cursor)
        else:
            raise ValueError(f"the customer demo source has no entity {entity!r}")

    def check_cursor(self, entity: str, cursor: str) -> str | None:
        """The CRM's ``{"run", "population"}`` with a run the source has reached, the
        workbooks' map of file to fingerprint, the weather's last ISO day up to the
        window's end: what each extract below reads."""
        if entity == WEATHER:
            return _day_problem(cursor, latest=self._settings.weather_window()[1])
        parsed, problem = json_object(cursor, what=f"the demo {entity} cursor")
        if parsed is None:
            return problem
        if entity == SPREADSHEET:
            if all(isinstance(v, str) for v in parsed.values()):
                return None
            return f"the demo workbook cursor {quoted(cursor)} is not a map of file to fingerprint"
        run = parsed.get("run")
        if not isinstance(run, int) or not isinstance(parsed.get("population"), str):
            return f"the demo CRM cursor {quoted(cursor)} has no integer run and population"
        if not 1 <= run <= self._settings.run:
            return f"the demo CRM cursor's run {run} is not one the source has reached"
        return None

    def _crm_cursor(self) -> str:
        population = self._settings.population
        return json.dumps(
            {"run": self._settings.run, "population": f"{population.seed}:{population.people}"}
        )

    def _crm(self, entity: str, cursor: str | None) -> Iterator[RecordBatch]:
        frame = _tables(self._settings.population, self._settings.run)[entity]
        alive = frame.filter(pl.col(DELETED_RUN).is_null())
        seen = json.loads(cursor) if cursor else None
        if seen is None or seen.get("population") != json.loads(self._crm_cursor())["population"]:
            yield RecordBatch(
                records=alive.drop(CHANGED_RUN, DELETED_RUN),
                cursor=self._crm_cursor(),
                snapshot=_WHOLE_TABLE,
            )
            return
        since = int(seen["run"])
        if since >= self._settings.run:
            return
        changed = alive.filter(pl.col(CHANGED_RUN) > since)
        deleted = frame.filter(pl.col(DELETED_RUN) > since)[_CRM_KEYS[entity]]
        yield RecordBatch(
            records=changed.drop(CHANGED_RUN, DELETED_RUN),
            cursor=self._crm_cursor(),
            deleted_keys=tuple(deleted.to_list()),
        )

    def _workbooks(self, cursor: str | None) -> Iterator[RecordBatch]:
        """One batch per workbook whose fingerprint changed, each a complete re-read of
        that file; the cursor maps every file read so far to its fingerprint."""
        rows = _tables(self._settings.population, self._settings.run)[SPREADSHEET]
        fingerprints = dict(json.loads(cursor)) if cursor else {}
        for (file,), content in sorted(rows.group_by("source_file"), key=lambda g: str(g[0])):
            fingerprint = content["file_fingerprint"][0]
            if fingerprints.get(str(file)) == fingerprint:
                continue
            fingerprints[str(file)] = fingerprint
            yield RecordBatch(
                records=content.filter(pl.col(DELETED_RUN).is_null())
                .drop(CHANGED_RUN, DELETED_RUN)
                .sort("record_id"),
                cursor=json.dumps(fingerprints, sort_keys=True),
                snapshot=SnapshotScope((("source_file", str(file)),)),
            )

    def _weather(self, cursor: str | None) -> Iterator[RecordBatch]:
        start, end = self._settings.weather_window()
        if cursor:
            start = max(start, date.fromisoformat(cursor) + timedelta(days=1))
        if start >= end:
            return
        frame = weather_daily(self._settings.seed, start, end)
        if frame.height:
            newest = frame.select(pl.col("observed_on").max().cast(pl.String)).item()
            yield RecordBatch(records=frame, cursor=newest)


def _day_problem(cursor: str, *, latest: date) -> str | None:
    try:
        day = date.fromisoformat(cursor)
    except ValueError:
        return f"the demo weather cursor {quoted(cursor)} is not an ISO date"
    if day > latest:
        return f"the demo weather cursor {day} is after the window's end {latest}"
    return None


@lru_cache(maxsize=1)
def _tables(population: Population, run: int) -> dict[str, pl.DataFrame]:
    """The CRM and workbook tables of a run, generated once per process for all the
    entities an extract asks for."""
    records = records_at(population, run)
    accounts = max(1, population.people // PEOPLE_PER_ACCOUNT)
    return {
        CONTACTS: crm_contacts(records, population.seed, accounts),
        ACCOUNTS: crm_accounts(population.seed, accounts).with_columns(
            **{CHANGED_RUN: pl.lit(1, dtype=pl.Int64), DELETED_RUN: pl.lit(None, dtype=pl.Int64)}
        ),
        SPREADSHEET: spreadsheet_customers(records, population),
    }
