"""The table of a dashboard asset: a domain's model keeps the shared columns first, in
order, with its own description of its pages, and the checks of every dashboard table."""

from __future__ import annotations

import pandera.errors
import polars as pl
import pytest

from platform_assets.dashboards.files import PAGE_COLUMNS
from platform_assets.dashboards.schema import DashboardPages, column


class ExamplePages(DashboardPages):
    dashboard: str = column("The example's pages: overview.", unique=True)
    shown_for: str = column("What the page shows.", nullable=True)

    class Config:
        name = "example_pages"
        strict = True


def _frame(*rows: tuple[str, str, int, str | None]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={**PAGE_COLUMNS, "shown_for": pl.String}, orient="row")


def test_a_domain_model_keeps_the_shared_columns_first() -> None:
    schema = ExamplePages.to_schema()
    assert list(schema.columns) == [*PAGE_COLUMNS, "shown_for"]
    assert schema.columns["dashboard"].description == "The example's pages: overview."
    assert all(col.metadata == {"pii": False} for col in schema.columns.values())


def test_a_table_of_pages_validates() -> None:
    ExamplePages.validate(_frame(("overview", "/d/overview.html", 10, None)))


@pytest.mark.parametrize(
    "rows",
    [
        (("overview", "/d/overview.html", 0, None),),
        (("overview", "/d/a.html", 10, None), ("overview", "/d/b.html", 10, None)),
    ],
    ids=["empty file", "page listed twice"],
)
def test_an_empty_file_or_a_page_listed_twice_fails(
    rows: tuple[tuple[str, str, int, str | None], ...],
) -> None:
    with pytest.raises(pandera.errors.SchemaError):
        ExamplePages.validate(_frame(*rows))
