"""The factories in real runs: an asset writes its table (through the warehouse IO
manager, or with plain SQL through the ``warehouse`` resource on DuckDB and PostgreSQL),
and each check reads it back through the ``warehouse`` resource."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import polars as pl

from platform_assets.checks import (
    accepted_values_check,
    data_freshness_check,
    distinct_count_check,
    referential_integrity_check,
    row_count_bounds_check,
    value_range_check,
    volume_change_check,
)
from platform_assets.staged_assets import staged_asset
from platform_assets.stages.delivery_stage import STAGE_TAG
from platform_assets.warehouse import Warehouse
from tests.checks.dagster_results import evaluations_by_name, metadata_values

NOW = dt.datetime.now(dt.UTC).replace(tzinfo=None)


def frame_asset(stage: str, layer: str, name: str, frame: pl.DataFrame) -> dg.AssetsDefinition:
    @staged_asset(stage=stage, domain="shop", layer=layer, name=name)
    def the_asset() -> pl.DataFrame:
        return frame

    return the_asset


ORDERS = pl.DataFrame(
    {
        "order_id": [1, 2, 2, 3, 4],
        "customer_id": [10, 10, 11, 99, None],
        "status": ["paid", "paid", "shipped", "lost", "paid"],
        "amount": [10.0, 20.0, -1.0, 30.0, 40.0],
        "created_at": [NOW - dt.timedelta(hours=hours) for hours in (1, 2, 3, 4, 5)],
    }
)
CUSTOMERS = pl.DataFrame({"id": [10, 11]})


def test_every_factory_checks_the_table_its_asset_wrote(instance, resources):
    orders = frame_asset("alpha", "raw", "orders", ORDERS)
    customers = frame_asset("alpha", "raw", "customers", CUSTOMERS)
    checks = [
        row_count_bounds_check(orders, min_rows=1, max_rows=10),
        data_freshness_check(orders, column="created_at", max_lag=dt.timedelta(hours=6)),
        referential_integrity_check(
            orders, columns=["customer_id"], references=customers, referenced_columns=["id"]
        ),
        accepted_values_check(orders, column="status", values=["paid", "shipped"]),
        value_range_check(orders, column="amount", min_value=0, max_value=1_000),
        distinct_count_check(orders, column="status", min_distinct=2, max_distinct=5),
        accepted_values_check(orders, column="state", values=["paid"], name="renamed_column"),
    ]

    result = dg.materialize([orders, customers, *checks], instance=instance, resources=resources)

    evaluations = evaluations_by_name(result)
    outcomes = {
        name: (evaluation.passed, metadata_values(evaluation))
        for name, evaluation in evaluations.items()
        if evaluation.asset_key == orders.key
    }
    assert {name: passed for name, (passed, _) in outcomes.items()} == {
        "row_count_bounds": True,
        "data_freshness_created_at": True,
        "references_customers_customer_id": False,
        "accepted_values_status": False,
        "value_range_amount": False,
        "distinct_count_status": True,
        "renamed_column": False,
    }
    assert outcomes["references_customers_customer_id"][1]["orphan_rows"] == 1
    assert outcomes["accepted_values_status"][1]["unexpected_rows"] == 1
    assert outcomes["value_range_amount"][1]["out_of_range_rows"] == 1
    assert outcomes["distinct_count_status"][1]["distinct_values"] == 3
    assert (evaluations["renamed_column"].description or "").startswith(
        '"raw"."orders" cannot be checked: Binder Error: Referenced column "state" not found'
    )
    # Alpha: failures warn.
    assert {evaluation.severity for evaluation in evaluations.values()} == {
        dg.AssetCheckSeverity.WARN
    }


def test_volume_change_compares_with_the_previous_materialization(instance, resources):
    check = volume_change_check(frame_asset("beta", "raw", "orders", ORDERS), max_growth=0.5)

    def run(frame: pl.DataFrame) -> dg.AssetCheckEvaluation:
        orders = frame_asset("beta", "raw", "orders", frame)
        result = dg.materialize(
            [orders, check], instance=instance, resources=resources, raise_on_error=False
        )
        return evaluations_by_name(result)["volume_change"]

    first = run(ORDERS)
    doubled = run(pl.concat([ORDERS, ORDERS]))

    assert first.passed
    assert "no earlier non-empty materialization" in (first.description or "")
    assert not doubled.passed
    assert doubled.severity == dg.AssetCheckSeverity.ERROR
    assert metadata_values(doubled) == {"rows": 10, "previous_rows": 5, "change_ratio": 1.0}


def sql_asset(name: str, statements: list[str]) -> dg.AssetsDefinition:
    """A Beta asset that writes ``raw.<name>`` with plain SQL through the warehouse
    resource and reports its row count, as the IO manager does."""

    @dg.asset(key=["raw", name], tags={STAGE_TAG: "beta"})
    def the_asset(warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.transaction() as session:
            session.execute("create schema if not exists raw")
            session.execute(f"drop table if exists raw.{name}")
            for statement in statements:
                session.execute(statement)
            rows = session.execute(f"select count(*) from raw.{name}").fetchone()
        assert rows is not None
        return dg.MaterializeResult(metadata={"dagster/row_count": int(rows[0])})

    return the_asset


def test_checks_pass_and_fail_alike_on_duckdb_and_postgresql(instance, any_warehouse):
    orders = sql_asset(
        "orders",
        [
            "create table raw.orders (order_id INTEGER, customer_id INTEGER, status VARCHAR, "
            "amount DOUBLE PRECISION, created_at TIMESTAMPTZ)",
            "insert into raw.orders values (1, 10, 'paid', 10.0, current_timestamp), "
            "(2, 11, 'shipped', -1.0, current_timestamp), (3, 99, 'lost', 30.0, null)",
        ],
    )
    customers = sql_asset(
        "customers",
        ["create table raw.customers (id INTEGER)", "insert into raw.customers values (10), (11)"],
    )
    checks = [
        row_count_bounds_check(orders, min_rows=1, max_rows=10),
        row_count_bounds_check(orders, min_rows=5, name="at_least_five"),
        data_freshness_check(orders, column="created_at", max_lag=dt.timedelta(hours=1)),
        referential_integrity_check(
            orders, columns=["customer_id"], references=customers, referenced_columns=["id"]
        ),
        accepted_values_check(orders, column="status", values=["paid", "shipped", "lost"]),
        accepted_values_check(orders, column="status", values=["paid"], name="only_paid"),
        value_range_check(orders, column="amount", min_value=0),
        distinct_count_check(orders, column="status", min_distinct=2, max_distinct=3),
        distinct_count_check(orders, column="status", max_distinct=2, name="two_statuses"),
        volume_change_check(orders),
        accepted_values_check(orders, column="state", values=["paid"], name="renamed_column"),
    ]

    result = dg.materialize(
        [orders, customers, *checks],
        instance=instance,
        resources={"warehouse": any_warehouse},
        raise_on_error=False,
    )

    evaluations = {
        name: evaluation
        for name, evaluation in evaluations_by_name(result).items()
        if evaluation.asset_key == orders.key
    }
    assert {name: evaluation.passed for name, evaluation in evaluations.items()} == {
        "row_count_bounds": True,
        "at_least_five": False,
        "data_freshness_created_at": True,
        "references_customers_customer_id": False,
        "accepted_values_status": True,
        "only_paid": False,
        "value_range_amount": False,
        "distinct_count_status": True,
        "two_statuses": False,
        "volume_change": True,
        "renamed_column": False,
    }
    assert metadata_values(evaluations["references_customers_customer_id"])["orphan_rows"] == 1
    assert metadata_values(evaluations["only_paid"])["unexpected_rows"] == 2
    assert metadata_values(evaluations["value_range_amount"])["out_of_range_rows"] == 1
    renamed = evaluations["renamed_column"].description or ""
    assert renamed.startswith('"raw"."orders" cannot be checked:')
    assert '"state"' in renamed
    # Beta: failures are errors.
    assert {evaluation.severity for evaluation in evaluations.values()} == {
        dg.AssetCheckSeverity.ERROR
    }
