"""The ways a duplicate record differs from its person, as column expressions.

The typo kinds are the four edits FEBRL's generator makes (and Damerau-Levenshtein
counts): insert, delete, substitute and transpose one character at a random position.
Every function takes the draws it needs as expressions, so the caller decides which
stream and which row keys make them reproducible.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import polars as pl

from platform_assets.domains.customer.demo_source.vocabulary import LETTERS

TYPO_KINDS: Final = ("insert", "delete", "substitute", "transpose")


def pick(options: Sequence[str], index: pl.Expr | pl.Series) -> pl.Expr:
    """``options[index]`` per row (index taken modulo the number of options)."""
    return pl.lit(pl.Series(list(options), dtype=pl.String)).gather(index % len(options))


def by_case(
    frame: pl.DataFrame, case: pl.Expr, column: str, cases: Sequence[pl.Expr], order: str
) -> pl.DataFrame:
    """Sets ``column`` to ``cases[case]`` per row, evaluating each case on its own rows
    only: polars evaluates every branch of a when/then on every row, and building
    strings costs per row. ``case`` must be in range on every row; the result is sorted
    by ``order``."""
    marked = frame.with_columns(_case=case)
    parts = [
        marked.filter(pl.col("_case") == index).with_columns(expression.alias(column))
        for index, expression in enumerate(cases)
    ]
    return pl.concat(parts).drop("_case").sort(order)


def typos(value: pl.Expr, position: pl.Expr, letter: pl.Expr) -> tuple[pl.Expr, ...]:
    """The TYPO_KINDS of ``value`` in order, each one edit; ``position`` and ``letter``
    are uniform draws in [0, 1). A value too short to edit (under 2 characters) is
    kept."""
    length = value.str.len_chars()
    at = (position * (length - 1)).floor().cast(pl.Int64)
    head = value.str.slice(0, at)
    new_letter = pick(LETTERS, (letter * len(LETTERS)).floor().cast(pl.Int64))
    edits = (
        pl.concat_str(head, new_letter, value.str.slice(at)),
        pl.concat_str(head, value.str.slice(at + 1)),
        pl.concat_str(head, new_letter, value.str.slice(at + 1)),
        pl.concat_str(
            head, value.str.slice(at + 1, 1), value.str.slice(at, 1), value.str.slice(at + 2)
        ),
    )
    return tuple(pl.when(length >= 2).then(edit).otherwise(value) for edit in edits)


def malformed_email(email: pl.Expr, pattern: pl.Expr) -> pl.Expr:
    """An address no syntax check accepts (vocabulary.MALFORMED_EMAIL_PATTERNS)."""
    return (
        pl.when(pattern == 0)
        .then(email.str.replace("@", " at ", literal=True))
        .when(pattern == 1)
        .then(email.str.replace("@", "@@", literal=True))
        .when(pattern == 2)
        .then(email.str.replace(r"\.[a-z]+$", ""))
        .otherwise(email.str.replace("@", " @", literal=True))
    )


def email_case_noise(email: pl.Expr, style: pl.Expr) -> pl.Expr:
    """How people type their address: capitalised (0), all upper case (1) or as is."""
    return (
        pl.when(style == 0)
        .then(pl.concat_str(email.str.slice(0, 1).str.to_uppercase(), email.str.slice(1)))
        .when(style == 1)
        .then(email.str.to_uppercase())
        .otherwise(email)
    )
