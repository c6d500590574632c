"""Evidence that a consumer-facing asset's personal data is protected, not only tagged.

A column tagged ``pii`` with a ``pii_protection`` is a claim. For an asset consumers read
(tag ``access`` = ``consumer``), the claim must come with proof of one of two kinds:

- the asset's SQL produces the column through a protection macro (``mask_email(``,
  ``mask_phone(``, ``pii_hmac(``), so it cannot hold the raw value; or
- a check named for the column proves it on the data: the dbt generic test
  ``no_raw_pii_values`` on that column, which dagster-dbt turns into an asset check named
  ``no_raw_pii_values_<model>_..._<column>``.

A consumer-facing column may only be ``masked`` or ``hashed`` (keyed HMAC): ``restricted``
protects a table by who may read it, which a consumer table by definition does not, and a
``dropped`` column is not in the table at all.
"""

from __future__ import annotations

import re
from typing import Final

from platform_assets.audit.asset_facts import AssetFacts
from platform_assets.stages.contract_metadata import ACCESS_TAG, PII_PROTECTION_TAG, PII_TAG

CONSUMER_ACCESS: Final = "consumer"
CONSUMER_PROTECTIONS: Final = ("masked", "hashed")
PROTECTION_MACROS: Final = ("mask_email", "mask_phone", "pii_hmac")
NO_RAW_PII_TEST: Final = "no_raw_pii_values"

_MACRO_CALL: Final = re.compile(rf"\b({'|'.join(PROTECTION_MACROS)})\s*\(", re.IGNORECASE)
_COMMENTS: Final = re.compile(r"--[^\n]*|/\*.*?\*/|\{#.*?#\}", re.DOTALL)
_QUOTED: Final = re.compile(r"'(?:[^']|'')*'")


def is_consumer_facing(asset: AssetFacts) -> bool:
    return asset.tags.get(ACCESS_TAG) == CONSUMER_ACCESS


def unproven_pii_columns(asset: AssetFacts) -> list[str]:
    """One message per pii column without both a consumer protection and its proof."""
    problems = []
    for column in asset.columns or ():
        if column.tags.get(PII_TAG) != "true":
            continue
        protection = column.tags.get(PII_PROTECTION_TAG)
        if protection not in CONSUMER_PROTECTIONS:
            problems.append(
                f"{column.name} is pii in a consumer-facing asset with pii_protection "
                f"{protection!r}: mask it or pseudonymise it (pii_protection: masked or "
                "hashed) and prove it"
            )
        elif not _proven(asset, column.name):
            table = asset.key.split("/")[-1]
            problems.append(
                f"{column.name} is tagged {protection} but nothing proves it: produce it "
                f"through {', '.join(m + '()' for m in PROTECTION_MACROS)} in the model's "
                f"SQL, or add the dbt test `{NO_RAW_PII_TEST}` on it (its asset check "
                f"`{NO_RAW_PII_TEST}_{table}_..._{column.name}`)"
            )
    return problems


def _proven(asset: AssetFacts, column: str) -> bool:
    return any(_tests_column(c.name, asset.key, column) for c in asset.checks) or (
        asset.sql is not None and produced_by_protection_macro(asset.sql, column)
    )


def _tests_column(check_name: str, asset_key: str, column: str) -> bool:
    """Whether ``check_name`` is dbt's name for ``no_raw_pii_values`` on ``column``:
    ``no_raw_pii_values_<model>_<column>``, or with the test's other arguments, which dbt
    joins with double underscores and puts before the column
    (``no_raw_pii_values_<model>_<arguments>___<column>``)."""
    prefix = f"{NO_RAW_PII_TEST}_{asset_key.split('/')[-1]}_"
    return check_name.startswith(prefix) and (
        check_name == f"{prefix}{column}"
        or check_name.endswith(f"__{column}")
        or check_name.startswith(f"{prefix}{column}__")
    )


def produced_by_protection_macro(sql: str, column: str) -> bool:
    """Whether some select item of ``sql`` (raw dbt SQL, Jinja included) names ``column``
    as the alias of an expression calling a protection macro.

    A hand scan, not a SQL parser: raw dbt SQL is Jinja, which no SQL parser reads, and
    the compiled SQL no longer names the macros. Comments and string literals are blanked
    first, so neither a commented-out call nor a quoted one counts."""
    text = _QUOTED.sub(lambda m: " " * len(m.group()), _COMMENTS.sub(" ", sql))
    alias = re.compile(rf"\bas\s+\"?{re.escape(column)}\"?(?![\w\"])", re.IGNORECASE)
    for item in _select_items(text):
        found = alias.search(item)
        if found and _MACRO_CALL.search(item[: found.start()]):
            return True
    return False


def _select_items(text: str) -> list[str]:
    """The comma-separated items at every nesting level (parentheses and Jinja braces):
    each item's text runs from its level's previous comma or opening bracket to its own
    comma or closing bracket, nested brackets included."""
    items, starts = [], [0]
    for position, character in enumerate(text):
        if character in "({":
            starts.append(position + 1)
        elif character in ")}" and len(starts) > 1:
            items.append(text[starts.pop() : position])
        elif character == ",":
            items.append(text[starts[-1] : position])
            starts[-1] = position + 1
    items.append(text[starts[0] :])
    return items
