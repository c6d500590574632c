"""The Pandera factory: what it validates, what it records, and that its fast tier
decides exactly as Pandera's own validation does."""

from __future__ import annotations

import dagster as dg
import pandera.polars as pa
import polars as pl
import pytest
from pandera.config import ValidationDepth, config_context

from platform_assets.integrations.pandera import pandera_check_spec, validate_with_pandera
from platform_assets.stages.delivery_stage import DeliveryStage
from tests.checks.dagster_results import metadata_values

KEY = dg.AssetKey(["raw", "customers"])


class Customers(pa.DataFrameModel):
    id: int = pa.Field(unique=True)
    email: str = pa.Field(str_matches=r"^[^@\s]+@[^@\s]+\.[a-z]+$")
    score: float = pa.Field(in_range={"min_value": 0, "max_value": 1})
    segment: str | None = pa.Field(isin=["retail", "business"], nullable=True)

    class Config:
        name = "customers"


VALID = pl.DataFrame(
    {
        "id": [1, 2, 3],
        "email": ["a@x.io", "b@x.io", "c@x.io"],
        "score": [0.1, 0.5, 1.0],
        "segment": ["retail", None, "business"],
    }
)


def test_valid_frame_passes_with_metadata():
    result = validate_with_pandera(
        Customers, VALID, stage=DeliveryStage.BETA, asset_key=KEY, schema_version="1.2.0"
    )

    assert result.passed
    assert result.description == "All 3 rows satisfy `customers`."
    assert result.severity == dg.AssetCheckSeverity.ERROR
    metadata = metadata_values(result)
    assert metadata["rows_checked"] == 3
    assert metadata["schema"] == "customers"
    assert metadata["schema_version"] == "1.2.0"
    assert metadata["failure_cases"] == 0
    assert metadata["failing_rows"] == 0
    assert metadata["duration_seconds"] >= 0


def test_a_lazy_frame_at_default_depth_still_runs_the_data_checks():
    broken = VALID.with_columns(score=pl.Series([0.1, 7.0, 1.0]))

    result = validate_with_pandera(Customers, broken.lazy(), stage=DeliveryStage.ALPHA)

    assert not result.passed
    assert result.severity == dg.AssetCheckSeverity.WARN
    assert result.description == "1 of 3 rows fail: score fails in_range(0, 1); e.g. '7.0'"


def test_failures_are_counted_by_check_with_examples_and_a_row_sample():
    broken = VALID.with_columns(
        id=pl.Series([1, 2, 2]), email=pl.Series(["a@x.io", "nope", "c@x.io"])
    )

    result = validate_with_pandera(Customers, broken, stage=DeliveryStage.BETA, asset_key=KEY)

    assert not result.passed
    assert result.description == (
        "2 of 3 rows fail: id fails field_uniqueness; e.g. '2', '2' | "
        r"email fails str_matches('^[^@\s]+@[^@\s]+\.[a-z]+$'); e.g. 'nope'"
    )
    metadata = metadata_values(result)
    assert metadata["failure_cases"] == 3
    assert metadata["failing_rows"] == 2
    assert metadata["failures_by_check"].splitlines()[0] == (
        "| column | check | failing_rows | failure_cases | examples |"
    )
    sample = metadata["failing_rows_sample"].splitlines()
    assert len(sample) == 2 + 2  # header, rule, rows 1 and 2
    assert "| 1 | 2 | nope | 0.5 | None |" in sample


@pytest.mark.parametrize("stage", list(DeliveryStage))
def test_the_spec_blocks_from_beta_and_asserts_the_key(stage):
    spec = pandera_check_spec(Customers, KEY, stage)

    assert spec.blocking is stage.checks_block
    assert spec.metadata["platform/asserts"] == [
        "unique(id)",
        "not_null(id)",
        "not_null(email)",
        "not_null(score)",
    ]


class Orders(pa.DataFrameModel):
    order_id: int
    line: int
    amount: float = pa.Field(ge=0)
    note: str | None = pa.Field(nullable=True, str_length={"max_value": 5}, raise_warning=True)

    class Config:
        unique = ["order_id", "line"]

    @pa.dataframe_check
    @classmethod
    def amount_per_line_below_cap(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("amount") * pl.col("line") < 1_000)


ORDERS = pl.DataFrame(
    {"order_id": [1, 1, 2], "line": [1, 2, 1], "amount": [5.0, 6.0, 7.0], "note": ["a", None, "b"]}
)


def pandera_decides(frame: pl.DataFrame) -> bool:
    """Pandera's own verdict, at full depth."""
    with config_context(validation_depth=ValidationDepth.SCHEMA_AND_DATA):
        try:
            Orders.to_schema().validate(frame, lazy=True)
        except pa.errors.SchemaErrors:
            return False
    return True


# The warning-only check warns through Pandera, as it should.
@pytest.mark.filterwarnings("ignore::pandera.errors.SchemaWarning")
@pytest.mark.parametrize(
    ("case", "frame"),
    [
        ("valid", ORDERS),
        ("compound key duplicated", ORDERS.with_columns(line=pl.Series([1, 1, 1]))),
        ("null in a required column", ORDERS.with_columns(amount=pl.Series([5.0, None, 7.0]))),
        (
            "NaN in a required float",
            ORDERS.with_columns(amount=pl.Series([5.0, float("nan"), 7.0])),
        ),
        ("column check", ORDERS.with_columns(amount=pl.Series([5.0, -6.0, 7.0]))),
        ("frame-wide check", ORDERS.with_columns(amount=pl.Series([5.0, 600.0, 7.0]))),
        ("warning-only check", ORDERS.with_columns(note=pl.Series(["a", "far too long", "b"]))),
        ("wrong type", ORDERS.with_columns(pl.col("amount").cast(pl.String))),
        ("missing column", ORDERS.drop("line")),
    ],
)
def test_the_fast_tier_decides_as_pandera_does(case, frame):
    result = validate_with_pandera(Orders, frame, stage=DeliveryStage.BETA)

    assert result.passed is pandera_decides(frame), case
    assert result.passed is (case in ("valid", "warning-only check")), case
