"""The customer domain's three live sources on real parts a test controls: a fake
Dataverse and its token endpoint (two origins over loopback), a fake Open-Meteo primary
and a fallback in the same format (two more), and a folder of real ``.xlsx`` workbooks;
the environment pointing the ``live`` source kinds at them.

The people are few and chosen for what the integration test proves: one person three
times in the CRM (a typo in the first name, another email), one in the CRM and a
workbook (the one the test erases), an invalid email, and a contact the CRM deletes
later. Birth dates are after 1900 and codes are London areas of the postal-area seed, so
that silver keeps them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Final

import pytest

from platform_assets.domains.customer.postal_areas import load_postal_areas
from tests.connectors.fakes.dataverse_api import (
    FakeDataverse,
    FakeTokenEndpoint,
    account,
    contact,
)
from tests.connectors.fakes.weather_api import FakeOpenMeteo
from tests.connectors.test_spreadsheet_connector import Cell, write_workbook

CLIENT_ID: Final = "customer-view-integration"
CLIENT_SECRET: Final = "integration-secret/for+tests"
PII_KEY: Final = "integration-test-pseudonym-key-0123456789abcdef0123456789abcdef"
FALLBACK_NAME: Final = "mirror"
#: The weather window: short, and fixed, so a run after midnight gives the same tables.
WEATHER_LAST_DAY: Final = date(2026, 11, 30)
WEATHER_DAYS: Final = 3
#: The postal area the primary fails for (E14 2PL in the seed): the fallback serves it.
FAILING_AREA: Final = ("GB", "E14 2PL")

#: The person erased: in the CRM and in the workbook.
ERASED_CONTACT: Final = "c-mary"
ERASED_EMAIL: Final = "mary.somerville@example.org"
#: The three CRM records of one person.
DUPLICATES: Final = ("crm:c-ada-1", "crm:c-ada-2", "crm:c-ada-3")
INVALID_EMAIL_CONTACT: Final = "c-charles"
#: The contact the CRM deletes before the last read.
DELETED_CONTACT: Final = "c-grace"
WORKBOOK: Final = "customers.xlsx"
UNREADABLE_WORKBOOK: Final = "broken.xlsx"


def _london(contactid: str, first: str, last: str, email: str, phone: str, **fields: str) -> dict:
    return contact(
        contactid,
        firstname=first,
        lastname=last,
        emailaddress1=email,
        telephone1=phone,
        address1_city="London",
        address1_country="United Kingdom",
        **fields,
    )


CRM_CONTACTS: Final = (
    _london(
        "c-ada-1", "Ada", "Lovelace", "ada.lovelace@example.com", "+44 7700 900101",
        address1_line1="12 Analytical Row", address1_postalcode="E1 6LP",
        birthdate="1985-12-10",
    ),
    _london(
        "c-ada-2", "Adah", "Lovelace", "ada.lovelace@example.com", "+44 7700 900101",
        address1_line1="12 Analytical Row", address1_postalcode="E1 6LP",
        birthdate="1985-12-10", modifiedon="2024-06-01T08:00:00Z",
    ),
    _london(
        "c-ada-3", "Ada", "Lovelace", "countess@engines.example.com", "+44 7700 900101",
        address1_line1="12 Analytical Row", address1_postalcode="E1 6LP",
        birthdate="1985-12-10",
    ),
    _london(
        INVALID_EMAIL_CONTACT, "Charles", "Babbage", "charles.babbage@example", "+44 7700 900102",
        address1_line1="1 Dorset Street", address1_postalcode="E14 2PL", birthdate="1971-12-26",
    ),
    _london(
        ERASED_CONTACT, "Mary", "Somerville", ERASED_EMAIL, "+44 7700 900104",
        address1_line1="8 Burntisland Road", address1_postalcode="E1 8EA", birthdate="1980-12-26",
    ),
    _london(
        DELETED_CONTACT, "Grace", "Hopper", "grace.hopper@example.net", "+44 7700 900105",
        address1_line1="5 Cobol Court", address1_postalcode="E1 8WH", birthdate="1966-12-09",
    ),
    _london(
        "c-alan", "Alan", "Turing", "alan.turing@example.com", "+44 7700 900106",
        address1_line1="3 Bletchley Lane", address1_postalcode="E14 1QJ", birthdate="1962-06-23",
    ),
)  # fmt: skip

WORKBOOK_HEADER: Final[list[Cell]] = [
    "Customer Ref", "First Name", "Surname", "E-mail", "Phone", "DOB", "Address", "City",
    "Post Code", "Country", "Last Updated",
]  # fmt: skip
WORKBOOK_ROWS: Final[list[list[Cell]]] = [
    [
        "1001.0", "Mary", "Somerville", ERASED_EMAIL, "07700 900104", datetime(1980, 12, 26),
        "8 Burntisland Road", "London", "E1 8EA", "United Kingdom", "2024-05-01 10:30:00",
    ],
    [
        1002, "Isambard", "Brunel", "isambard.brunel@example.co.uk", "07700 900107",
        "09/04/1966", "4 Clifton Way", "London", "E1 6LP", "GB", None,
    ],
    [
        1003, "Florence", "Nightingale", "florence.nightingale@example.com", 447700900108,
        30741, "2 Lamp Lane", "London", "E14 1QJ", "GB", None,
    ],
]  # fmt: skip
#: A row the workbook gains later: the file changes, so it is read again, whole.
LATER_ROW: Final[list[Cell]] = [
    1004, "Rosalind", "Franklin", "rosalind.franklin@example.com", "07700 900109",
    "1970-07-25", "6 Helix Street", "London", "E1 8WH", "GB", None,
]  # fmt: skip


@dataclass(frozen=True)
class LiveCustomerSources:
    dataverse: FakeDataverse
    primary: FakeOpenMeteo
    fallback: FakeOpenMeteo
    spreadsheet_dir: Path

    def write_workbook(self, rows: list[list[Cell]]) -> None:
        write_workbook(self.spreadsheet_dir / WORKBOOK, {"Customers": [WORKBOOK_HEADER, *rows]})

    def touch_contact(self, contactid: str) -> None:
        """The CRM changes the contact, so the next delta read sends it again."""
        self.dataverse.upsert(
            "contacts", {"contactid": contactid, "modifiedon": "2026-11-30T12:00:00Z"}
        )


@contextmanager
def live_customer_sources(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LiveCustomerSources]:
    """The fakes running and the workbooks written, and the environment set as an
    operator would set it for ``PLATFORM_CUSTOMER_SOURCE=live`` (docs/connectors/)."""
    tokens = FakeTokenEndpoint(CLIENT_ID, CLIENT_SECRET)
    dataverse = FakeDataverse(tokens)
    for row in CRM_CONTACTS:
        dataverse.upsert("contacts", row)
    dataverse.upsert("accounts", account("a-engines", address1_postalcode="E1 6LP"))
    primary, fallback = FakeOpenMeteo(), FakeOpenMeteo(offset=0.5)
    (failing,) = [
        (area.latitude, area.longitude)
        for area in load_postal_areas()
        if (area.country_code, area.postal_code) == FAILING_AREA
    ]
    primary.failing.add(failing)
    spreadsheet_dir = folder / "spreadsheets"
    spreadsheet_dir.mkdir()
    with ExitStack() as running:
        for fake in (tokens, dataverse, primary, fallback):
            running.enter_context(fake.running())
        sources = LiveCustomerSources(dataverse, primary, fallback, spreadsheet_dir)
        sources.write_workbook(WORKBOOK_ROWS)
        (spreadsheet_dir / UNREADABLE_WORKBOOK).write_bytes(b"PK\x03\x04 not a workbook")
        for name, value in {
            "PLATFORM_CUSTOMER_SOURCE": "live",
            "PLATFORM_PII_HMAC_KEY": PII_KEY,
            "PLATFORM_DATAVERSE_URL": dataverse.url,
            "PLATFORM_DATAVERSE_TOKEN_URL": tokens.token_url,
            "PLATFORM_DATAVERSE_CLIENT_ID": CLIENT_ID,
            "PLATFORM_DATAVERSE_CLIENT_SECRET": CLIENT_SECRET,
            # pages of 3: a full read of the contacts follows next links
            "PLATFORM_DATAVERSE_PAGE_SIZE": "3",
            "PLATFORM_SPREADSHEET_DIR": str(spreadsheet_dir),
            "PLATFORM_WEATHER_PRIMARY_URL": primary.base_url,
            "PLATFORM_WEATHER_FALLBACK_URL": fallback.base_url,
            "PLATFORM_WEATHER_FALLBACK_NAME": FALLBACK_NAME,
            "PLATFORM_WEATHER_AS_OF": WEATHER_LAST_DAY.isoformat(),
            "PLATFORM_WEATHER_DAYS": str(WEATHER_DAYS),
            # the dbt weather window: the same days (it ends before its as-of day)
            "PLATFORM_CUSTOMER_AS_OF": (WEATHER_LAST_DAY + timedelta(days=1)).isoformat(),
            "PLATFORM_CUSTOMER_WEATHER_DAYS": str(WEATHER_DAYS),
            # the failing area is answered 500 every time: two attempts, no long backoff
            "PLATFORM_HTTP_MAX_ATTEMPTS": "2",
            "PLATFORM_HTTP_BACKOFF_SECONDS": "0.01",
        }.items():
            monkeypatch.setenv(name, value)
        yield sources
