from __future__ import annotations

import polars as pl
import pytest

from platform_assets.checks.formats import (
    EMAIL_PATTERN,
    POSTAL_CODE_PATTERNS,
    evaluate_pattern,
    evaluate_postal_codes,
)

VALID_POSTAL_CODES = {
    "US": ["94105", "10001-1234"],
    "GB": ["SW1A 1AA", "M1 1AE", "EC1A1BB"],
    "DE": ["10115", "80331"],
    "FR": ["75008", "13001"],
    "NL": ["1012 AB", "3511AX"],
    "CA": ["K1A 0B1", "M5V3L9"],
}
INVALID_POSTAL_CODES = {
    "US": ["9410", "94105-12"],
    "GB": ["sw1a 1aa", "SW1A-1AA"],
    "DE": ["1011", "ABCDE"],
    "FR": ["2A004", "750008"],
    "NL": ["0123 AB", "1012 A"],
    "CA": ["D1A 0B1", "K1A 0B"],
}


def test_every_supported_country_has_a_format():
    assert set(POSTAL_CODE_PATTERNS) >= {"US", "GB", "DE", "FR", "NL", "CA"}


def test_valid_emails_pass_and_nulls_are_not_judged(connection, write_table):
    table = write_table("raw.customers", pl.DataFrame({"email": ["a.b+c@mail.example.com", None]}))

    outcome = evaluate_pattern(connection, table, "email", EMAIL_PATTERN, what="e-mail addresses")

    assert outcome.passed
    assert outcome.counts == {"rows": 2, "checked_rows": 1, "invalid_rows": 0, "unchecked_rows": 0}


def test_invalid_emails_fail_with_counts_and_examples(connection, write_table):
    emails = ["ok@example.com", "bob@", "bob@", "no-at.example.com", "a b@example.com", None]
    table = write_table("raw.customers", pl.DataFrame({"email": emails}))

    outcome = evaluate_pattern(connection, table, "email", EMAIL_PATTERN, what="e-mail addresses")

    assert not outcome.passed
    assert outcome.counts["invalid_rows"] == 4
    assert outcome.counts["checked_rows"] == 5
    assert outcome.examples[0] == {"email": "bob@", "rows": 2}
    assert outcome.description.startswith(
        "4 of 5 non-null email values are not valid e-mail addresses; e.g. 'bob@' (2 rows), "
        "'a b@example.com' (1 row), 'no-at.example.com' (1 row)."
    )


@pytest.mark.parametrize("country", sorted(VALID_POSTAL_CODES))
def test_postal_codes_of_one_country(connection, write_table, country):
    codes = VALID_POSTAL_CODES[country] + INVALID_POSTAL_CODES[country]
    table = write_table("raw.addresses", pl.DataFrame({"postal_code": codes}))

    outcome = evaluate_postal_codes(connection, table, "postal_code", country=country)

    assert not outcome.passed
    assert outcome.counts["invalid_rows"] == len(INVALID_POSTAL_CODES[country])
    assert {example["postal_code"] for example in outcome.examples} == set(
        INVALID_POSTAL_CODES[country]
    )


def test_postal_codes_by_country_column_pass_when_all_match(connection, write_table):
    rows = [(country, code) for country, codes in VALID_POSTAL_CODES.items() for code in codes]
    frame = pl.DataFrame(rows, schema=["country", "postal_code"], orient="row")
    table = write_table("raw.addresses", frame)

    outcome = evaluate_postal_codes(connection, table, "postal_code", country_column="country")

    assert outcome.passed
    assert outcome.counts["checked_rows"] == len(rows)


def test_postal_codes_by_country_column_judge_each_row_by_its_country(connection, write_table):
    frame = pl.DataFrame(
        {
            # A valid German code is not a valid Dutch one; Belgium has no known format.
            "country": ["DE", "NL", "GB", "BE", "US"],
            "postal_code": ["10115", "10115", "SW1A 1AA", "1000", "ABCDE"],
        }
    )
    table = write_table("raw.addresses", frame)

    outcome = evaluate_postal_codes(connection, table, "postal_code", country_column="country")

    assert not outcome.passed
    assert outcome.counts == {"rows": 5, "checked_rows": 4, "invalid_rows": 2, "unchecked_rows": 1}
    assert outcome.description.endswith("1 row could not be judged (no known format).")
