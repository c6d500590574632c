"""Environments (config/environments.yaml, chosen by PLATFORM_ENV) and what each deploys:
a POC asset is not deployed to prod, a GA asset is, and the audit judges a code location
for the environment it is given."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import dagster as dg
import pytest

from platform_assets.audit import audit_definitions
from platform_assets.cli.main import main
from platform_assets.deployment import (
    DeploymentError,
    dbt_exclusion,
    deployed,
    left_out_assets,
)
from platform_assets.environments import (
    EnvironmentConfigError,
    current_environment,
    environment,
    load_environments,
)
from platform_assets.settings import (
    DATA_DIR_ENV,
    ENVIRONMENT_ENV,
    ENVIRONMENTS_FILE_ENV,
    POSTGRES_URL_ENV,
    PROJECT_ROOT,
    WAREHOUSE_ENV,
    data_dir,
    data_path,
    warehouse_path,
)
from platform_assets.stages import DeliveryStage
from tests.audit.cli_arguments import location_arguments
from tests.audit.code_locations import AuditPaths, declare, write_project

#: A POC asset and a GA asset; the GA one is in a covered group so it is compliant.
LOCATION = """\
import dagster as dg
from platform_assets.environments import current_environment
from platform_assets.deployment import deployed
from tests.audit.code_locations import declare

everything = dg.Definitions(
    assets=[declare(stage="ga"), declare("scratch", stage="poc", group="covered_group")]
)
defs = {built}
"""

URL = "postgresql://platform@127.0.0.1:5432/platform"


@pytest.fixture
def paths(tmp_path) -> AuditPaths:
    return write_project(tmp_path)


@pytest.fixture(autouse=True)
def no_environment(monkeypatch):
    for variable in (ENVIRONMENT_ENV, ENVIRONMENTS_FILE_ENV, POSTGRES_URL_ENV, DATA_DIR_ENV):
        monkeypatch.delenv(variable, raising=False)


def everything() -> dg.Definitions:
    return dg.Definitions(
        assets=[declare(stage="ga"), declare("scratch", stage="poc", group="covered_group")]
    )


def keys(defs: dg.Definitions) -> set[str]:
    return {key.to_user_string() for key in defs.resolve_all_asset_keys()}


def audit(paths: AuditPaths, defs: dg.Definitions, name: str):
    return audit_definitions(
        defs,
        routes_path=paths.routes,
        waivers_path=paths.waivers,
        tests_dir=paths.tests_dir,
        project_root=paths.root,
        environment=environment(name),
    )


def write_environments(tmp_path: Path, monkeypatch, body: str) -> Path:
    path = tmp_path / "environments.yaml"
    path.write_text("dbt_targets: {duckdb: local, postgres: postgres}\n" + textwrap.dedent(body))
    monkeypatch.setenv(ENVIRONMENTS_FILE_ENV, str(path))
    return path


def test_the_shipped_environments_follow_seed_000():
    environments = load_environments()
    assert set(environments) == {"dev", "staging", "prod"}
    prod = environments["prod"]
    assert prod.production
    assert not prod.deploys_stage(DeliveryStage.POC)
    assert prod.deploys_stage(DeliveryStage.GA)
    assert all(environments["dev"].deploys_stage(stage) for stage in DeliveryStage)


def test_platform_env_chooses_the_environment_and_dev_is_the_default(monkeypatch):
    assert current_environment().name == "dev"
    monkeypatch.setenv(ENVIRONMENT_ENV, "staging")
    assert current_environment().name == "staging"
    monkeypatch.setenv(ENVIRONMENT_ENV, "production")
    with pytest.raises(EnvironmentConfigError, match="unknown environment 'production'"):
        current_environment()


def test_dev_uses_postgres_only_when_a_url_is_set(monkeypatch):
    dev = environment("dev")
    assert dev.warehouse_postgres_url() == ""
    assert dev.dbt_target == "local"
    assert dev.instance_postgres_variable() is None
    monkeypatch.setenv(POSTGRES_URL_ENV, URL)
    assert dev.dbt_target == "postgres"
    _, postgres_url = dev.warehouse_settings()
    assert isinstance(postgres_url, dg.EnvVar) and postgres_url.get_value() == URL


def test_prod_without_a_postgres_url_is_refused_with_what_to_set():
    prod = environment("prod")
    refused = f"requires a PostgreSQL warehouse: set {POSTGRES_URL_ENV}"
    with pytest.raises(EnvironmentConfigError, match=refused):
        prod.warehouse_postgres_url()
    with pytest.raises(EnvironmentConfigError, match="PLATFORM_DAGSTER_POSTGRES_URL"):
        prod.instance_postgres_variable()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            """\
            environments:
              prod: {production: true, postgres: required, instance_postgres: required,
                     alert_routes: r.yaml, deploys: [poc, ga]}
            """,
            "a POC asset is not deployed to production",
        ),
        (
            """\
            environments:
              prod: {production: true, postgres: required, instance_postgres: required,
                     alert_routes: r.yaml, deploys: [beta]}
            """,
            "a GA asset is deployed to production",
        ),
        (
            """\
            environments:
              dev: {postgres: sometimes, instance_postgres: optional, alert_routes: r.yaml,
                    deploys: [poc]}
            """,
            "postgres is 'sometimes': expected optional or required",
        ),
        (
            """\
            environments:
              dev: {postgres: optional, instance_postgres: optional, alert_routes: r.yaml,
                    deploys: [experimental]}
            """,
            "unknown delivery stage 'experimental'",
        ),
        (
            """\
            environments:
              dev: {postgres: optional, instance_postgres: optional, alert_routes: r.yaml,
                    deploys: [poc], schema_prefix: dev_}
            """,
            "unknown keys \\['schema_prefix'\\]",
        ),
        (
            """\
            environments:
              dev: {postgres: optional, deploys: [poc]}
            """,
            "does not set \\['alert_routes', 'instance_postgres'\\]",
        ),
    ],
)
def test_a_broken_environments_file_is_refused_with_the_reason(
    tmp_path, monkeypatch, body, message
):
    write_environments(tmp_path, monkeypatch, body)
    with pytest.raises(EnvironmentConfigError, match=message):
        load_environments()


def test_one_data_root_holds_what_the_platform_writes(tmp_path, monkeypatch):
    monkeypatch.delenv(WAREHOUSE_ENV, raising=False)
    assert data_dir() == PROJECT_ROOT / "data"
    assert warehouse_path() == PROJECT_ROOT / "data" / "warehouse.duckdb"
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "platform"))
    assert warehouse_path() == tmp_path / "platform" / "warehouse.duckdb"
    assert data_path("dashboards") == tmp_path / "platform" / "dashboards"
    assert data_path(tmp_path / "elsewhere.jsonl") == tmp_path / "elsewhere.jsonl"
    monkeypatch.setenv(WAREHOUSE_ENV, str(tmp_path / "own.duckdb"))
    assert warehouse_path() == tmp_path / "own.duckdb", "an explicit warehouse path still wins"


def test_the_prod_location_leaves_poc_assets_out_and_keeps_ga_ones():
    prod = deployed(everything(), environment("prod"))
    assert keys(prod) == {"demo/orders"}
    assert left_out_assets(prod) == {"demo/scratch": DeliveryStage.POC}
    assert keys(deployed(everything(), environment("dev"))) == {"demo/orders", "demo/scratch"}


def test_dbt_models_are_selected_out_by_their_stage():
    assert dbt_exclusion(environment("prod")) == "config.meta.stage:poc"
    assert dbt_exclusion(environment("dev")) is None


def test_a_multi_asset_mixing_deployed_and_left_out_stages_is_refused():
    @dg.multi_asset(
        specs=[
            dg.AssetSpec("kept", tags={"stage": "ga"}),
            dg.AssetSpec("experiment", tags={"stage": "poc"}),
        ]
    )
    def mixed():
        return None

    with pytest.raises(DeploymentError, match=r"experiment.*exclude='config\.meta\.stage:poc'"):
        deployed(dg.Definitions(assets=[mixed]), environment("prod"))


def test_the_prod_audit_fails_on_a_poc_asset_and_passes_once_it_is_left_out(paths):
    undeployed = audit(paths, everything(), "prod")
    assert undeployed.exit_code == 1
    [violation] = undeployed.asset("demo/scratch").violations
    assert violation.id == "PLATFORM.ENVIRONMENT"
    assert "POC asset deployed to prod" in violation.message
    assert audit(paths, deployed(everything(), environment("prod")), "prod").exit_code == 0
    assert audit(paths, everything(), "dev").exit_code == 0


def test_the_prod_audit_fails_when_a_ga_asset_is_missing(paths, tmp_path, monkeypatch):
    write_environments(
        tmp_path,
        monkeypatch,
        """\
        environments:
          lab: {postgres: optional, instance_postgres: optional, alert_routes: r.yaml,
                deploys: [poc]}
          prod: {production: true, postgres: required, instance_postgres: required,
                 alert_routes: r.yaml, deploys: [alpha, beta, ga]}
        """,
    )
    built_for_lab = deployed(everything(), environment("lab"))
    report = audit(paths, built_for_lab, "prod")
    assert report.exit_code == 1
    missing = report.asset("demo/orders")
    assert [r.id for r in missing.violations] == ["PLATFORM.ENVIRONMENT"]
    assert "GA asset missing from the prod code location" in missing.violations[0].message


def run_audit(paths: AuditPaths, built: str, *extra: str) -> int:
    location = paths.root / "location.py"
    location.write_text(LOCATION.format(built=built))
    return main(["audit", *location_arguments(paths, location), "--format", "json", *extra])


def test_the_cli_audits_the_location_as_the_environment_builds_it(paths, capsys, monkeypatch):
    assert run_audit(paths, "everything", "--environment", "prod") == 1
    document = json.loads(capsys.readouterr().out)
    failing = {a["key"] for a in document["assets"] if not a["compliant"]}
    assert failing == {"demo/scratch"}
    # The location builds itself for PLATFORM_ENV, which the audit sets to the environment
    # it is given while loading it: the prod build passes the prod audit.
    built = "deployed(everything, current_environment())"
    assert run_audit(paths, built, "--environment", "prod") == 0
    assert {a["key"] for a in json.loads(capsys.readouterr().out)["assets"]} == {"demo/orders"}
    monkeypatch.setenv(ENVIRONMENT_ENV, "prod")
    assert run_audit(paths, "everything") == 1, "the default is the current PLATFORM_ENV"
    capsys.readouterr()
    monkeypatch.setenv(ENVIRONMENT_ENV, "dev")
    assert run_audit(paths, built) == 0
    assert len(json.loads(capsys.readouterr().out)["assets"]) == 2


def test_the_cli_refuses_an_unknown_environment(paths, capsys):
    assert run_audit(paths, "everything", "--environment", "qa") == 2
    assert "unknown environment 'qa'" in capsys.readouterr().err
