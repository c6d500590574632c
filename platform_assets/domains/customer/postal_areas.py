"""The postal areas the customer domain knows: the reference seed, read from Python.

One CSV (``dbt_project/seeds/customer/postal_areas.csv``) is both the dbt seed that silver
validates postal codes against and the list of areas the weather sources observe and the
demo source places people in, so the three can never disagree about which areas exist.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from platform_assets.settings import PROJECT_ROOT

POSTAL_AREAS_CSV: Final = PROJECT_ROOT / "dbt_project" / "seeds" / "customer" / "postal_areas.csv"


@dataclass(frozen=True)
class PostalArea:
    """A postal code of a country with the centroid the weather is observed at."""

    country_code: str
    postal_code: str
    area_name: str
    latitude: float
    longitude: float


def load_postal_areas(path: Path | None = None) -> list[PostalArea]:
    """Every area of the reference, in file order (sorted by country and code). Codes are
    read as text: German, French and US codes may start with 0."""
    with (path or POSTAL_AREAS_CSV).open(encoding="utf-8", newline="") as handle:
        return [
            PostalArea(
                country_code=row["country_code"],
                postal_code=row["postal_code"],
                area_name=row["area_name"],
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
            )
            for row in csv.DictReader(handle)
        ]
