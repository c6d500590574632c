"""The audit rule BETA.PII_PROTECTED: in a consumer-facing asset a pii column is shown
protected by its SQL or by a check on its data, not only by its tags."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import dagster as dg
import pytest
from dagster_dbt import DbtProject

from platform_assets.audit import AuditReport, audit_definitions
from platform_assets.audit.pii_evidence import produced_by_protection_macro
from tests.audit.code_locations import AuditPaths, columns, declare, write_project

ORDERS = dg.AssetKey(["demo", "orders"])
RULE = "BETA.PII_PROTECTED"


@pytest.fixture
def paths(tmp_path) -> AuditPaths:
    return write_project(tmp_path)


def audit(paths: AuditPaths, *definitions: dg.AssetsDefinition | dg.AssetChecksDefinition):
    return audit_definitions(
        dg.Definitions(
            assets=[d for d in definitions if not isinstance(d, dg.AssetChecksDefinition)],
            asset_checks=[d for d in definitions if isinstance(d, dg.AssetChecksDefinition)],
        ),
        routes_path=paths.routes,
        waivers_path=paths.waivers,
        tests_dir=paths.tests_dir,
        project_root=paths.root,
        today=date(2026, 12, 6),
    )


def rule_result(report: AuditReport):
    return next(r for r in report.asset("demo/orders").results if r.id == RULE)


def check_named(name: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=ORDERS, name=name)
    def _check() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=True)

    return _check


def test_a_tag_alone_fails_naming_the_column_and_what_to_add(paths):
    result = rule_result(audit(paths, declare(access="consumer")))

    assert result.status == "fail"
    assert "customer_email is tagged hashed but nothing proves it" in result.message
    assert "no_raw_pii_values_orders_..._customer_email" in result.message
    assert "pii_hmac()" in result.message


@pytest.mark.parametrize(
    "check",
    [
        "no_raw_pii_values_orders_customer_email",
        # as dbt names the test when it has arguments (seen in this project's manifest)
        "no_raw_pii_values_orders_email__phone__ref_customer_records___customer_email",
    ],
)
def test_the_no_raw_pii_values_check_on_the_column_is_proof(paths, check):
    report = audit(paths, declare(access="consumer"), check_named(check))

    assert rule_result(report).status == "pass"


@pytest.mark.parametrize(
    "check",
    [
        "no_raw_pii_values_orders_customer_email_domain",
        "no_raw_pii_values_orders_email__ref_customer_records___other_customer_email",
        "no_raw_pii_values_invoices_customer_email",
        "not_null_orders_customer_email",
    ],
)
def test_a_check_of_another_column_model_or_test_is_no_proof(paths, check):
    report = audit(paths, declare(access="consumer"), check_named(check))

    assert rule_result(report).status == "fail"


def test_restricted_is_no_protection_in_a_consumer_facing_asset(paths):
    schema = dg.TableSchema(
        columns=[
            dg.TableColumn("order_id", "BIGINT", description="id", tags={"pii": "false"}),
            dg.TableColumn(
                "customer_email",
                "VARCHAR",
                description="email",
                tags={"pii": "true", "pii_protection": "restricted"},
            ),
        ]
    )

    result = rule_result(audit(paths, declare(access="consumer", schema=schema)))

    assert result.status == "fail"
    assert "customer_email is pii in a consumer-facing asset with pii_protection" in result.message


def test_an_asset_not_consumer_facing_is_not_judged(paths):
    report = audit(paths, declare(access="restricted", schema=columns()))

    assert rule_result(report).status == "pass"
    assert report.exit_code == 0


def dbt_model(tmp_path: Path, sql: str) -> dg.AssetsDefinition:
    """A consumer-facing asset carrying what dagster-dbt records on a dbt model's spec: its
    project (whose manifest holds the model's raw SQL) and its unique id."""
    project_dir = tmp_path / "dbt"
    (project_dir / "target").mkdir(parents=True)
    (project_dir / "dbt_project.yml").write_text("name: demo\nversion: '1.0'\nprofile: demo\n")
    manifest = {"nodes": {"model.demo.orders": {"raw_code": sql}}}
    (project_dir / "target" / "manifest.json").write_text(json.dumps(manifest))
    base = declare(access="consumer")
    spec = next(iter(base.specs)).merge_attributes(
        metadata={
            "dagster_dbt/project": DbtProject(project_dir=project_dir),
            "dagster_dbt/unique_id": "model.demo.orders",
        }
    )
    return base.map_asset_specs(lambda _: spec)


def test_a_dbt_model_producing_the_column_through_a_macro_is_proof(paths, tmp_path):
    sql = (
        "select order_id,\n    {{ pii_hmac('email') }} as customer_email\nfrom {{ ref('orders') }}"
    )

    assert rule_result(audit(paths, dbt_model(tmp_path, sql))).status == "pass"


def test_a_dbt_model_passing_the_raw_column_through_fails(paths, tmp_path):
    sql = "select order_id, lower(email) as customer_email from {{ ref('orders') }}"

    assert rule_result(audit(paths, dbt_model(tmp_path, sql))).status == "fail"


@pytest.mark.parametrize(
    "sql",
    [
        "select {{ mask_email('email') }} as customer_email from t",
        'select {{ mask_phone("phone") }} AS "customer_email" from t',
        "with p as (select id, {{ pii_hmac('email') }} as customer_email from t) "
        "select id, customer_email from p",
        "select cast({{ mask_email('e') }} as varchar) as customer_email, a from t",
    ],
)
def test_sql_producing_the_column_through_a_protection_macro(sql):
    assert produced_by_protection_macro(sql, "customer_email")


@pytest.mark.parametrize(
    "sql",
    [
        "select email as customer_email from t",
        "select {{ pii_hmac('email') }} as email_pseudonym, email as customer_email from t",
        "select email as customer_email -- {{ pii_hmac('email') }}\nfrom t",
        "select 'pii_hmac(' || email as customer_email from t",
        "select {{ mask_email('email') }} as customer_email_masked, email from t",
    ],
)
def test_sql_exposing_the_column_is_not_protected(sql):
    assert not produced_by_protection_macro(sql, "customer_email")
