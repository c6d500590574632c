"""What the linkage model compares and how it finds candidate pairs: the untrained
Splink settings. ``benchmarks/train_customer_linkage.py`` trains them into the versioned
model file; the asset never trains, it only loads that file.

The column names are those ``linkage.prepared_records_sql`` derives from
``silver.customer_records``: names and addresses lower-cased, the postal code qualified by
its country (``10115`` is a code in Berlin and in no US state that shares it, and term
frequencies must not mix them).
"""

from __future__ import annotations

from typing import Any, Final

import splink.blocking_rule_library as brl
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

UNIQUE_ID: Final = "source_record_id"

#: Each rule alone keeps its blocks small at a million records (an exact email, an exact
#: phone, a day of birth with an initial, an area with a full name or an address, a full
#: name in a city); together they reach the pairs one rule misses: a changed email is
#: found by the birth date, a moved customer by the birth date and an initial, swapped
#: first and last names by the birth date with the swapped name. Measured at a million
#: demo records, two rules were dropped for the size of their blocks: an area with a
#: surname PREFIX (29 million pairs) and a surname with a birth year (40 million pairs,
#: blocks of 400 for a common surname), the second without finding one more true pair at
#: 100,000 records.
BLOCKING_RULES: Final = (
    block_on("email"),
    block_on("phone"),
    block_on("birth_date", "substr(first_name, 1, 1)"),
    block_on("birth_date", "substr(last_name, 1, 1)"),
    block_on("postal_code", "last_name", "substr(first_name, 1, 1)"),
    block_on("postal_code", "address_line1"),
    block_on("first_name", "last_name", "city"),
    brl.CustomRule("l.birth_date = r.birth_date and l.first_name = r.last_name"),
)


def location_comparison() -> cl.CustomComparison:
    """Address, postal code and city as ONE comparison: they are not independent (the same
    postal code nearly implies the same city), and three separate comparisons counted one
    shared address three times, linking neighbours who share a building, and counted a
    move three times against a customer who moved. Term frequencies on the postal code
    and the city: a shared area in a capital says less than one in a village (Splink
    adjusts only levels that have an exact match on one column)."""
    return cl.CustomComparison(
        output_column_name="location",
        comparison_levels=[
            cll.And(cll.NullLevel("postal_code"), cll.NullLevel("city")),
            cll.And(cll.ExactMatchLevel("postal_code"), cll.ExactMatchLevel("address_line1")),
            cll.And(cll.ExactMatchLevel("postal_code"), cll.JaroWinklerLevel("address_line1", 0.9)),
            cll.ExactMatchLevel("postal_code").configure(tf_adjustment_column="postal_code"),
            cll.ExactMatchLevel("city").configure(tf_adjustment_column="city"),
            cll.ElseLevel(),
        ],
    )


def untrained_settings() -> SettingsCreator:
    """The model before training: comparisons with term-frequency adjustments on names
    and locations (a match on a rare surname says more than one on ``smith``)."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name=UNIQUE_ID,
        blocking_rules_to_generate_predictions=list(BLOCKING_RULES),
        comparisons=[
            cl.ForenameSurnameComparison(
                "first_name", "last_name", forename_surname_concat_col_name="full_name"
            ),
            cl.EmailComparison("email"),
            cl.LevenshteinAtThresholds("phone", [1, 2]),
            cl.DateOfBirthComparison("birth_date", input_is_string=False),
            location_comparison(),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
        additional_columns_to_retain=[],
    )


def settings_as_dict() -> dict[str, Any]:
    return untrained_settings().get_settings("duckdb").as_dict()
