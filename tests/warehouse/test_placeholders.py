"""The platform's ``?`` placeholders numbered for PostgreSQL: only the real ones."""

from __future__ import annotations

import pytest

from platform_assets.warehouse.placeholders import number_placeholders


@pytest.mark.parametrize(
    ("sql", "numbered", "count"),
    [
        ("select 1", "select 1", 0),
        ("select ? + ?", "select $1 + $2", 2),
        ("select '?' || ?", "select '?' || $1", 1),
        ("select 'it''s ?' , ?", "select 'it''s ?' , $1", 1),
        ('select "odd?column" from t where a = ?', 'select "odd?column" from t where a = $1', 1),
        ("select $$ ? $$, ?", "select $$ ? $$, $1", 1),
        ("select $tag$ ? $tag$, ?", "select $tag$ ? $tag$, $1", 1),
        ("select ? -- why?\n, ?", "select $1 -- why?\n, $2", 2),
        ("select /* ? */ ?", "select /* ? */ $1", 1),
        ("select ?::bigint", "select $1::bigint", 1),
    ],
)
def test_only_placeholders_outside_quotes_and_comments_are_numbered(
    sql: str, numbered: str, count: int
) -> None:
    assert number_placeholders(sql) == (numbered, count)


@pytest.mark.postgres
def test_a_statement_with_the_wrong_number_of_values_is_refused_before_the_server(
    postgres_url: str,
) -> None:
    from platform_assets.warehouse import Warehouse

    with Warehouse(postgres_url=postgres_url).connect() as session:
        with pytest.raises(ValueError, match="1 placeholder"):
            session.execute("select ?", [1, 2])
        assert session.execute("select ? || '?'", ["a"]).fetchall() == [("a?",)]
