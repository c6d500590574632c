"""Rows of one extract that share a key, resolved by a rule that does not depend on their
order.

An API source returns a record again when it changed, so its last version wins (the
default, no rule). A file holds each record once: two rows for one key are either the
same row written twice, kept once, or a contradiction, which a ``ConflictRule`` settles
by its preferences (for deployments: a success over a failure over an abort, then the
latest finish, then the latest start) or, when they cannot tell the rows apart, by
quarantining the key with every conflicting row in the payload. Because each step keeps
the rows that are best by a value, never the first or last seen, shuffling the rows
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, NamedTuple

import polars as pl

from platform_assets.ingestion.contract import EXTRAS_COLUMN, TableContract
from platform_assets.ingestion.record_key import record_key_expr

#: How every reason for rows in conflict begins.
CONFLICT_REASON: Final = "conflicting_rows"
_GROUP: Final = "__rows_for_key"
_PAYLOAD: Final = "payload"


@dataclass(frozen=True)
class Preference:
    """One step of a ``ConflictRule``: among the differing rows of a key, keep those with
    the first of ``ranked`` values of ``column`` (when given) or with its latest value.
    A null, or a value ``ranked`` does not list, loses to any other."""

    column: str
    ranked: tuple[str, ...] = ()

    def score(self) -> pl.Expr:
        if not self.ranked:
            return pl.col(self.column)
        scores = list(range(len(self.ranked), 0, -1))
        return pl.col(self.column).replace_strict(
            list(self.ranked), scores, default=None, return_dtype=pl.Int32
        )


@dataclass(frozen=True)
class ConflictRule:
    """Identical rows for one key are kept once; differing ones are narrowed by
    ``preferences`` in order, and a key still left with several rows is quarantined."""

    preferences: tuple[Preference, ...] = ()


class Resolved(NamedTuple):
    rows: pl.DataFrame
    """One row per key."""
    quarantined: pl.DataFrame
    """``record_key``, ``reason``, ``payload``: one row per key the rule could not settle,
    its payload the JSON array of the key's distinct rows, sorted."""
    rows_in_conflict: int


def resolve_conflicts(
    contract: TableContract, rows: pl.DataFrame, rule: ConflictRule, payload: pl.Expr
) -> Resolved:
    """``payload`` is one row as JSON."""
    key = list(contract.key)
    distinct = rows.unique(maintain_order=True)
    for preference in rule.preferences:
        score = preference.score()
        best = score.eq_missing(score.max().over(key))
        distinct = distinct.filter(best | (pl.len().over(key) == 1))
    in_conflict = pl.len().over(key) > 1
    kept = distinct.filter(~in_conflict)
    conflicting = distinct.filter(in_conflict)
    return Resolved(kept, _quarantine_rows(contract, conflicting, payload), conflicting.height)


def _quarantine_rows(
    contract: TableContract, conflicting: pl.DataFrame, payload: pl.Expr
) -> pl.DataFrame:
    columns = [*contract.column_names, EXTRAS_COLUMN]
    differing = [
        pl.when(pl.col(column).n_unique().over(contract.key) > 1).then(pl.lit(column))
        for column in columns
    ]
    described = conflicting.with_columns(
        record_key_expr(contract.key).alias("record_key"),
        pl.concat_str(differing, separator=", ", ignore_nulls=True).alias(_GROUP),
        payload.alias(_PAYLOAD),
    )
    return (
        described.group_by("record_key")
        .agg(
            pl.len().alias("rows"),
            pl.col(_GROUP).first(),
            pl.col(_PAYLOAD).sort().str.join(","),
        )
        .sort("record_key")
        .select(
            "record_key",
            pl.format(
                f"{CONFLICT_REASON}: {{}} rows for key {{}} differ in columns {{}}",
                "rows",
                "record_key",
                _GROUP,
            ).alias("reason"),
            pl.format("[{}]", _PAYLOAD).alias(_PAYLOAD),
        )
    )
