"""Text formats: e-mail addresses, postal codes per country, any regular expression.

Nulls are not a format error here; the null-rate check owns them. Patterns are matched
in full (RE2 syntax, as DuckDB's ``regexp_full_match``) and are case-sensitive: postal
codes are expected in their canonical upper case, since a lower-case ``sw1a 1aa`` fails
to join with the upper-case one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import dagster as dg
import duckdb

from platform_assets.checks.outcome import (
    EXAMPLE_LIMIT,
    CheckOutcome,
    count_of,
    render_examples,
)
from platform_assets.checks.target import AssetLike, CheckTarget, check_name
from platform_assets.checks.warehouse_check import build_warehouse_check
from platform_assets.integrations.duckdb.warehouse import quote_identifier

EMAIL_PATTERN: Final = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"

#: Postal-code formats by ISO 3166 alpha-2 country. The space in GB, NL and CA codes is
#: optional because both spellings are in common use.
POSTAL_CODE_PATTERNS: Final[Mapping[str, str]] = {
    "US": r"[0-9]{5}(-[0-9]{4})?",
    "GB": r"(GIR 0AA|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})",
    "DE": r"[0-9]{5}",
    "FR": r"[0-9]{5}",
    "NL": r"[1-9][0-9]{3} ?[A-Z]{2}",
    "CA": r"[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z] ?[0-9][ABCEGHJ-NPRSTV-Z][0-9]",
}


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _evaluate_validity(
    connection: duckdb.DuckDBPyConnection,
    table: str,
    column: str,
    *,
    valid_sql: str,
    what: str,
) -> CheckOutcome:
    """``valid_sql`` is true for a valid value, false for an invalid one and null for a
    value that cannot be judged (counted as unchecked, not failed)."""
    value = quote_identifier(column)
    summary = connection.sql(
        f"select count(*), count({value}), "
        f"count(*) filter (where {value} is not null and not ({valid_sql})), "
        f"count(*) filter (where {value} is not null and ({valid_sql}) is null) "
        f"from {table}"
    ).fetchall()[0]
    rows, non_null, invalid, unchecked = (int(n) for n in summary)
    counts: dict[str, int | float] = {
        "rows": rows,
        "checked_rows": non_null - unchecked,
        "invalid_rows": invalid,
        "unchecked_rows": unchecked,
    }
    unchecked_note = (
        f" {count_of(unchecked, 'row')} could not be judged (no known format)." if unchecked else ""
    )
    if not invalid:
        return CheckOutcome(
            True,
            f"All {non_null - unchecked:,} non-null {column} values are valid {what}."
            + unchecked_note,
            counts,
        )
    examples = [
        {column: example, "rows": int(n)}
        for example, n in connection.sql(
            f"select {value}, count(*) as n from {table} "
            f"where {value} is not null and not ({valid_sql}) "
            f"group by 1 order by n desc, 1 limit {EXAMPLE_LIMIT}"
        ).fetchall()
    ]
    return CheckOutcome(
        False,
        f"{invalid:,} of {non_null - unchecked:,} non-null {column} values are not valid "
        f"{what}; e.g. {render_examples(examples)}. Fix them at the source or quarantine "
        "the rows." + unchecked_note,
        counts,
        examples,
    )


def evaluate_pattern(
    connection: duckdb.DuckDBPyConnection,
    table: str,
    column: str,
    pattern: str,
    *,
    what: str = "values",
) -> CheckOutcome:
    return _evaluate_validity(
        connection,
        table,
        column,
        valid_sql=f"regexp_full_match({quote_identifier(column)}, {_sql_string(pattern)})",
        what=what,
    )


def evaluate_postal_codes(
    connection: duckdb.DuckDBPyConnection,
    table: str,
    column: str,
    *,
    country: str | None = None,
    country_column: str | None = None,
) -> CheckOutcome:
    """Postal codes of one ``country``, or of the country each row names in
    ``country_column``; rows of a country without a known format are unchecked."""
    value = quote_identifier(column)
    if country is not None:
        pattern = POSTAL_CODE_PATTERNS[country.upper()]
        valid_sql = f"regexp_full_match({value}, {_sql_string(pattern)})"
        what = f"{country.upper()} postal codes"
    elif country_column is not None:
        branches = " ".join(
            f"when {_sql_string(code)} then regexp_full_match({value}, {_sql_string(pattern)})"
            for code, pattern in POSTAL_CODE_PATTERNS.items()
        )
        valid_sql = f"case upper({quote_identifier(country_column)}) {branches} end"
        what = f"postal codes for their {country_column}"
    else:
        raise ValueError("pass country= or country_column=")
    return _evaluate_validity(connection, table, column, valid_sql=valid_sql, what=what)


def email_format_check(
    asset: AssetLike,
    *,
    column: str,
    asset_key: dg.AssetKey | None = None,
    name: str | None = None,
) -> dg.AssetChecksDefinition:
    """Fails when a non-null value of ``column`` is not an e-mail address."""
    return regex_format_check(
        asset,
        column=column,
        pattern=EMAIL_PATTERN,
        what="e-mail addresses",
        asset_key=asset_key,
        name=name or check_name("email_format", column),
    )


def regex_format_check(
    asset: AssetLike,
    *,
    column: str,
    pattern: str,
    what: str = "values",
    asset_key: dg.AssetKey | None = None,
    name: str | None = None,
) -> dg.AssetChecksDefinition:
    """Fails when a non-null value of ``column`` does not fully match ``pattern`` (RE2);
    ``what`` names the format in messages ("order references")."""
    target = CheckTarget.of(asset, asset_key)
    return build_warehouse_check(
        target,
        name=name or check_name("format", column),
        description=f"Every non-null {column} is one of the valid {what}.",
        evaluate=lambda connection, _instance: evaluate_pattern(
            connection, target.table, column, pattern, what=what
        ),
    )


def postal_code_check(
    asset: AssetLike,
    *,
    column: str,
    country: str | None = None,
    country_column: str | None = None,
    asset_key: dg.AssetKey | None = None,
    name: str | None = None,
) -> dg.AssetChecksDefinition:
    """Fails when a postal code does not match its country's format: one ``country`` for
    the table, or the country named per row in ``country_column``. Countries with a format:
    ``POSTAL_CODE_PATTERNS``."""
    if (country is None) == (country_column is None):
        raise ValueError("pass exactly one of country= and country_column=")
    if country is not None and country.upper() not in POSTAL_CODE_PATTERNS:
        known = ", ".join(POSTAL_CODE_PATTERNS)
        raise ValueError(f"no postal-code format for {country!r}; known: {known}")
    target = CheckTarget.of(asset, asset_key)
    return build_warehouse_check(
        target,
        name=name or check_name("postal_code_format", column),
        description=f"Every non-null {column} is a postal code of "
        + (country.upper() if country else f"the row's {country_column}")
        + ".",
        evaluate=lambda connection, _instance: evaluate_postal_codes(
            connection, target.table, column, country=country, country_column=country_column
        ),
    )
