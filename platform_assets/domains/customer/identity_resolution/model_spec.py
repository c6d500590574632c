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
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

UNIQUE_ID: Final = "source_record_id"

#: Each rule alone keeps its blocks small at a million records (an exact email, an exact
#: phone, a day of birth with an initial, an area with a surname prefix, a surname with a
#: birth year); together they reach the pairs one rule misses: a changed email is found
#: by the birth date, a moved address by the surname and birth year, swapped first and
#: last names by the birth date with the swapped initial.
BLOCKING_RULES: Final = (
    block_on("email"),
    block_on("phone"),
    block_on("birth_date", "substr(first_name, 1, 1)"),
    block_on("birth_date", "substr(last_name, 1, 1)"),
    block_on("postal_code", "substr(last_name, 1, 3)"),
    block_on("last_name", "birth_year"),
    block_on("first_name", "last_name", "city"),
    brl.CustomRule("l.birth_date = r.birth_date and l.first_name = r.last_name"),
)


def untrained_settings() -> SettingsCreator:
    """The model before training: comparisons with term-frequency adjustments on names
    and postal codes (a match on a rare surname says more than one on ``smith``)."""
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
            cl.ExactMatch("postal_code").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("address_line1", [0.95, 0.85]),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
        additional_columns_to_retain=[],
    )


def settings_as_dict() -> dict[str, Any]:
    return untrained_settings().get_settings("duckdb").as_dict()
