"""The two gold tables identity resolution writes, as Pandera models: they document the
columns (with their personal-data classification) and their check asserts the keys."""

from __future__ import annotations

from typing import Any

import pandera.polars as pa


def _field(description: str, **checks: Any) -> Any:
    # record ids and customer keys are opaque identifiers, not personal data in themselves;
    # the tables are restricted anyway because they say which records are one person
    return pa.Field(description=description, metadata={"pii": False}, **checks)


class CustomerSourceXref(pa.DataFrameModel):
    source_record_id: str = _field(
        "The silver record: `crm:<contactid>` or `spreadsheet:<record_id>`.", unique=True
    )
    source_system: str = _field("crm or spreadsheet.", isin=["crm", "spreadsheet"])
    customer_key: str = _field(
        "The resolved customer, `cust_` + 16 hex digits; stable across runs while the "
        "customer's records stay together.",
        str_matches=r"^cust_[0-9a-f]{16}$",
    )
    match_probability: float = _field(
        "The record's strongest link into its customer (1.0 for a record alone).",
        ge=0.0,
        le=1.0,
    )
    cluster_size: int = _field("How many source records the customer has.", ge=1)

    class Config:
        name = "customer_source_xref"
        strict = True


class CustomerMatchReview(pa.DataFrameModel):
    source_record_id_l: str = _field("The pair's smaller source_record_id.")
    source_record_id_r: str = _field("The pair's larger source_record_id.")
    match_probability: float = _field(
        "The model's probability that the two records are one customer, in the review "
        "band below the linking threshold.",
        ge=0.0,
        lt=1.0,
    )
    match_weight: float = _field("The same as a log2 Bayes factor (Splink's match weight).")

    class Config:
        name = "customer_match_review"
        strict = True
        unique = ["source_record_id_l", "source_record_id_r"]
