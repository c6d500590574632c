"""Country names and aliases as sources type them, to ISO 3166-1 alpha-2 codes.

One list serves Python and SQL: the dbt seed ``dbt_project/seeds/customer/country_codes.csv``
(``reference.country_codes``), which silver joins, is the file read here, so the contact
validation's region hint for a phone and silver's ``country_code`` cannot disagree. A name
is looked up by :func:`country_lookup_name`, the same normalisation as silver's
``country_lookup_name`` macro: trimmed, inner whitespace collapsed, lower-cased.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Final

from platform_assets.settings import PROJECT_ROOT

COUNTRY_CODES_SEED: Final = (
    PROJECT_ROOT / "dbt_project" / "seeds" / "customer" / "country_codes.csv"
)


def country_lookup_name(value: str) -> str:
    return " ".join(value.split()).lower()


@cache
def country_codes(path: Path = COUNTRY_CODES_SEED) -> Mapping[str, str]:
    """Lookup name → alpha-2 code, from the seed."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["country_name"]: row["country_code"] for row in csv.DictReader(handle)}


def country_code(value: str | None) -> str | None:
    """The alpha-2 code of a typed country, None when it is blank or not in the seed."""
    if value is None:
        return None
    return country_codes().get(country_lookup_name(value))
