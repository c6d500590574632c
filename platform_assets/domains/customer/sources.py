"""Where the customer tables come from, and the ``customer_source`` resource that picks a
kind per source system.

``PLATFORM_CUSTOMER_SOURCE`` sets the kind of every system at once: ``demo`` (the
default: a seeded generator of all three, needing nothing) or ``live`` (each system's
production kind: ``dataverse`` for Dynamics 365 through the Dataverse Web API,
``spreadsheet_folder`` for the workbook folder, ``open_meteo`` for the weather APIs). One system can
be set apart from the others: ``PLATFORM_CUSTOMER_CRM_SOURCE``,
``PLATFORM_CUSTOMER_SPREADSHEET_SOURCE`` and ``PLATFORM_CUSTOMER_WEATHER_SOURCE`` (empty:
the value of ``PLATFORM_CUSTOMER_SOURCE``). Each live kind reads its own settings
(docs/connectors/) when its connector opens, so no URL or secret passes through Dagster's
run configuration.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, closing, contextmanager
from typing import Final

import dagster as dg

from platform_assets.domains.customer.demo_source import CustomerDemoConnector
from platform_assets.domains.customer.postal_areas import load_postal_areas
from platform_assets.ingestion import Connector
from platform_assets.ingestion.source_registry import SourceChoice, SourceRegistry
from platform_assets.integrations.dataverse import DataverseConnector, dataverse_settings_from_env
from platform_assets.integrations.spreadsheet import spreadsheet_settings_from_env
from platform_assets.integrations.weather import (
    weather_connector,
    weather_settings_from_env,
)
from platform_assets.settings import env_or_default

SOURCE_ENV: Final = "PLATFORM_CUSTOMER_SOURCE"
CRM_SOURCE_ENV: Final = "PLATFORM_CUSTOMER_CRM_SOURCE"
SPREADSHEET_SOURCE_ENV: Final = "PLATFORM_CUSTOMER_SPREADSHEET_SOURCE"
WEATHER_SOURCE_ENV: Final = "PLATFORM_CUSTOMER_WEATHER_SOURCE"

CRM_ENTITIES: Final = frozenset({"crm_contacts", "crm_accounts"})
SPREADSHEET_ENTITIES: Final = frozenset({"spreadsheet_customers"})
WEATHER_ENTITIES: Final = frozenset({"weather_daily"})


@contextmanager
def _demo() -> Iterator[Connector]:
    yield CustomerDemoConnector()


@contextmanager
def _dataverse() -> Iterator[Connector]:
    with closing(DataverseConnector(dataverse_settings_from_env())) as connector:
        yield connector


@contextmanager
def _spreadsheets() -> Iterator[Connector]:
    yield spreadsheet_settings_from_env().connector()


@contextmanager
def _weather() -> Iterator[Connector]:
    with weather_connector(load_postal_areas(), weather_settings_from_env()) as connector:
        yield connector


CUSTOMER_SOURCES: Final = SourceRegistry()
CUSTOMER_SOURCES.register("demo", _demo)
CUSTOMER_SOURCES.register("dataverse", _dataverse, entities=CRM_ENTITIES)
CUSTOMER_SOURCES.register("spreadsheet_folder", _spreadsheets, entities=SPREADSHEET_ENTITIES)
CUSTOMER_SOURCES.register("open_meteo", _weather, entities=WEATHER_ENTITIES)

#: ``live``: each system's production source at once.
LIVE: Final = "live"


class CustomerSource(dg.ConfigurableResource):
    """The source kind of each source system of the customer view."""

    kind: str = "demo"
    crm_kind: str = ""
    spreadsheet_kind: str = ""
    weather_kind: str = ""

    def choice(self, entity: str) -> SourceChoice:
        for entities, kind, variable, live_kind in (
            (CRM_ENTITIES, self.crm_kind, CRM_SOURCE_ENV, "dataverse"),
            (
                SPREADSHEET_ENTITIES,
                self.spreadsheet_kind,
                SPREADSHEET_SOURCE_ENV,
                "spreadsheet_folder",
            ),
            (WEATHER_ENTITIES, self.weather_kind, WEATHER_SOURCE_ENV, "open_meteo"),
        ):
            if entity in entities:
                kind, variable = (kind, variable) if kind else (self.kind, SOURCE_ENV)
                return SourceChoice(live_kind if kind == LIVE else kind, variable)
        return SourceChoice(self.kind, SOURCE_ENV)

    def open_connector(self, entity: str) -> AbstractContextManager[Connector]:
        return CUSTOMER_SOURCES.open_connector(self.choice(entity), entity)


def customer_source_from_env() -> CustomerSource:
    """The resource as the environment configures it; the demo source needs nothing."""
    return CustomerSource(
        kind=env_or_default(SOURCE_ENV, "demo"),
        crm_kind=env_or_default(CRM_SOURCE_ENV, ""),
        spreadsheet_kind=env_or_default(SPREADSHEET_SOURCE_ENV, ""),
        weather_kind=env_or_default(WEATHER_SOURCE_ENV, ""),
    )
