"""The demo's customer records as ``silver.customer_records`` holds them, with the truth.

The resolution benchmark and the model's training need silver's records at 100,000 and
1,000,000 records, and building them through the connectors, bronze and dbt would measure
those too (the end-to-end benchmark does). Here the demo's first-run records
(``identified_records``) get the demo's planted invalid values (``with_invalid_values``)
and then what silver does to them: a value silver rejects (a malformed email, an
impossible phone, an unknown postal code or country, an unparseable birth date) becomes
NULL, and phones become country-qualified numbers (equal exactly when silver's E.164
values are equal).
"""

from __future__ import annotations

import polars as pl

from platform_assets.domains.customer.demo_source import vocabulary as words
from platform_assets.domains.customer.demo_source.entities import identified_records
from platform_assets.domains.customer.demo_source.population import (
    Population,
    people_for,
    with_invalid_values,
)


def demo_silver_records(source_records: int, seed: int) -> pl.DataFrame:
    """About ``source_records`` records in silver's columns, plus the truth ``person_id``."""
    population = Population(seed=seed, people=people_for(source_records))
    clean = identified_records(population)
    typed = with_invalid_values(
        clean.rename({"email": "clean_email", "postal_code": "clean_postal_code"}).with_columns(
            email=pl.col("clean_email"), postal_code=pl.col("clean_postal_code")
        ),
        seed,
    )
    digits = pl.col("phone").str.replace_all(r"\D", "")
    valid_phone = pl.col("phone_number").is_not_null() & digits.str.ends_with(
        pl.col("phone_number")
    )
    valid_country = ~pl.col("country").is_in(words.UNKNOWN_COUNTRIES)
    valid_postal = (
        pl.col("postal_code").str.to_uppercase() == pl.col("clean_postal_code")
    ) & valid_country
    return typed.select(
        "source_record_id",
        "source_system",
        "first_name",
        "last_name",
        email=pl.when(
            pl.col("email").str.to_lowercase() == pl.col("clean_email").str.to_lowercase()
        ).then(pl.col("clean_email").str.to_lowercase()),
        phone=pl.when(valid_phone).then(pl.concat_str(pl.lit("+"), "country_code", "phone_number")),
        birth_date=pl.when(
            pl.col("birth_date_text") == pl.col("birth_date").dt.strftime("%Y-%m-%d")
        ).then(pl.col("birth_date")),
        address_line1="address_line1",
        city="city",
        postal_code=pl.when(valid_postal).then(pl.col("clean_postal_code")),
        country_code=pl.when(valid_country).then(pl.col("country_code")),
        source_updated_at=pl.lit(None, dtype=pl.Datetime("us", "UTC")),
        source_priority=pl.when(pl.col("source_system") == "crm").then(1).otherwise(2),
        person_id="person_id",
    )
