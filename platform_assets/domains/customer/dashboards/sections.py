"""The sections of the data-quality page: which tables each reads and how it gathers its
figures. A section whose tables are not built yet says so on the page instead."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from platform_assets.domains.customer.dashboards import (
    duplicates,
    invalid_values,
    quarantine,
    weather,
)
from platform_assets.domains.customer.dashboards.reading import existing_tables
from platform_assets.warehouse import WarehouseSession


@dataclass(frozen=True)
class Section:
    """``key`` names the section's template (``templates/<key>.html``)."""

    key: str
    heading: str
    note: str
    tables: tuple[str, ...]
    figures: Callable[[WarehouseSession], Mapping[str, object]]


@dataclass(frozen=True)
class BuiltSection:
    """A section with its figures, or with the tables it lacks (``figures`` None)."""

    section: Section
    figures: Mapping[str, object] | None
    missing: tuple[str, ...]


SECTIONS: Final = (
    Section(
        "invalid_values",
        "Invalid values",
        "Values silver set to NULL, per source, column and reason (this build).",
        (invalid_values.TABLE,),
        invalid_values.figures,
    ),
    Section(
        "quarantine",
        "Quarantined records",
        "Records of the customer bronze tables that did not fit their contract: open "
        "until a later load brings them in.",
        (quarantine.TABLE,),
        quarantine.figures,
    ),
    Section(
        "duplicates",
        "Duplicates found",
        "Source records resolved into customers by identity resolution, and the pairs "
        "near the match threshold awaiting review.",
        (duplicates.XREF, duplicates.REVIEW),
        duplicates.figures,
    ),
    Section(
        "weather_completeness",
        "Weather completeness per country",
        "Postal area-days of the window with an observation, after the primary source "
        "and the fallback.",
        (weather.COMPLETENESS,),
        weather.completeness,
    ),
    Section(
        "weather_sources",
        "Weather observations by source",
        "Which provider each country's daily observations came from.",
        (weather.DAILY,),
        weather.sources,
    ),
)

#: Every table a section reads.
TABLES_READ: Final = tuple(sorted({table for section in SECTIONS for table in section.tables}))


def build_sections(session: WarehouseSession) -> list[BuiltSection]:
    present = existing_tables(session, TABLES_READ)
    built = []
    for section in SECTIONS:
        missing = tuple(table for table in section.tables if table not in present)
        figures = None if missing else section.figures(session)
        built.append(BuiltSection(section, figures, missing))
    return built
