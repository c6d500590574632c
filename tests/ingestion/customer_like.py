"""A small contract of the customer domain's shape (a float, a date, soft deletes and a
row hash), and a connector that replays scripted extracts of it: the ingestion tests of
these options need no domain code."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandera.polars as pa
from pandera.engines.polars_engine import Date

from platform_assets.ingestion import (
    AcceptsAnyCursor,
    RecordBatch,
    RequestStats,
    TableContract,
)


class Readings(pa.DataFrameModel):
    reading_id: str = pa.Field(unique=True, description="Reading id.")
    site: str = pa.Field(nullable=True, description="Site the reading belongs to.")
    value: float = pa.Field(nullable=True, description="Measured value.")
    observed_on: Date = pa.Field(nullable=True, description="Day of the reading.")
    born_on: date = pa.Field(nullable=True, description="A date declared as datetime.date.")

    class Config:
        name = "readings"
        metadata = {"soft_deletes": True, "row_hash": True}


class PlainReadings(pa.DataFrameModel):
    reading_id: str = pa.Field(unique=True)
    value: float = pa.Field(nullable=True)

    class Config:
        name = "plain_readings"


READINGS = TableContract.from_pandera(Readings, schema="bronze", table="readings")
PLAIN_READINGS = TableContract.from_pandera(PlainReadings, schema="bronze", table="plain_readings")


@dataclass
class ScriptedConnector(AcceptsAnyCursor):
    """Yields the batches it is given, whatever the cursor."""

    batches: Sequence[RecordBatch]
    source_id: str = "scripted"
    entities: frozenset[str] = frozenset({"readings", "plain_readings"})
    request_stats: RequestStats = field(default_factory=RequestStats)

    def extract(self, entity: str, cursor: str | None) -> Iterator[RecordBatch]:
        yield from self.batches


def reading(reading_id: str, site: str = "north", value: float | None = 1.5) -> dict:
    return {
        "reading_id": reading_id,
        "site": site,
        "value": value,
        "observed_on": "2026-11-01",
        "born_on": None,
    }
