"""Least privilege on the PostgreSQL warehouse (docs/warehouse-roles.md), asserted by
connecting as each role.

One database, set up with ``platform-assets warehouse setup``, then filled the way the
platform fills it: the loader lands raw, bronze and quarantine rows, the transformer
builds a staging view, a mart, silver and gold (a customer dimension with the email in
clear, and the consumer profile with it masked, granted to the consumer as dbt's
``grants`` config does). A LOGIN user per role, member of that role only, then runs
what the role must be able to do, and what it must be refused.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import adbc_driver_manager
import pytest

from platform_assets.cli.main import main
from platform_assets.integrations.postgres.grants import set_up_and_migrate
from platform_assets.warehouse import Warehouse, WarehouseRole
from platform_assets.warehouse.roles import ROLES, role_name
from tests.postgres_server import PostgresServer

pytestmark = pytest.mark.postgres

#: How the platform writes, each as the role its step takes (SET ROLE).
PLATFORM_TABLES: dict[WarehouseRole, tuple[str, ...]] = {
    "loader": (
        "create table raw.commits (sha varchar primary key, author_name varchar)",
        "insert into raw.commits values ('abc', 'Ada Lovelace')",
        "create table bronze.crm_contacts (contactid varchar primary key, email varchar)",
        "insert into bronze.crm_contacts values ('c1', 'ada@example.com')",
        "insert into ops.quarantine (source, entity, record_key, reason, payload, run_id, "
        "quarantined_at) values ('crm', 'crm_contacts', 'c2', 'invalid email', "
        "'{\"email\": \"not-an-email\"}', 'run-1', now())",
    ),
    "transformer": (
        "create view staging.stg_commits as select sha, md5(author_name) as author_hash "
        "from raw.commits",
        "create table marts.fct_deployments as select 1 as deployments",
        "create table silver.customer_records as select contactid, email from bronze.crm_contacts",
        "create table gold.dim_customer as select contactid as customer_key, email "
        "from silver.customer_records",
        "create table gold.consumer_customer_profile as select customer_key, "
        "left(email, 1) || '***' as email_masked from gold.dim_customer",
        # what dbt's grants config gives the models tagged `access: consumer`
        f"grant select on gold.consumer_customer_profile to {role_name('consumer')}",
        "create table ops.incremental_replace_state (model varchar primary key)",
    ),
}

ALLOWED: list[tuple[WarehouseRole, str]] = [
    ("loader", "insert into raw.commits values ('def', 'Grace Hopper')"),
    ("loader", "create table bronze.weather_daily (day date)"),
    ("loader", "create table raw.deployments (id varchar)"),
    ("loader", "select count(*) from ops.erasure_suppression"),
    ("loader", "update ops.ingestion_cursors set cursor = 'x' where source = 'crm'"),
    ("loader", "create temporary table frame_to_load as select 1 as x"),
    ("transformer", "select author_name from raw.commits"),
    ("transformer", "select email from bronze.crm_contacts"),
    ("transformer", "select payload from ops.quarantine"),
    ("transformer", "create table gold.customer_source_xref (customer_key varchar)"),
    ("transformer", "create table reference.country_codes (code varchar)"),
    ("transformer", "create table ops.fct_deployments__changes (id varchar)"),
    ("analyst", "select author_hash from staging.stg_commits"),
    ("analyst", "select deployments from marts.fct_deployments"),
    ("analyst", "select email from silver.customer_records"),
    ("analyst", "select email from gold.dim_customer"),
    ("analyst", "select email_masked from gold.consumer_customer_profile"),
    (
        "analyst",
        "select source, entity, count(distinct record_key) filter (where resolved_at is null) "
        "from ops.quarantine group by source, entity",
    ),
    ("consumer", "select customer_key, email_masked from gold.consumer_customer_profile"),
]

REFUSED: list[tuple[WarehouseRole, str]] = [
    ("consumer", "select * from bronze.crm_contacts"),
    ("consumer", "select * from silver.customer_records"),
    ("consumer", "select * from raw.commits"),
    ("consumer", "select email from gold.dim_customer"),
    ("consumer", "select customer_key from gold.dim_customer"),
    ("consumer", "select * from staging.stg_commits"),
    ("consumer", "select * from marts.fct_deployments"),
    ("consumer", "select count(*) from ops.quarantine"),
    ("consumer", "create table gold.mine (x int)"),
    ("analyst", "select author_name from raw.commits"),
    ("analyst", "select * from bronze.crm_contacts"),
    ("analyst", "select payload from ops.quarantine"),
    ("analyst", "select * from ops.ingestion_cursors"),
    ("analyst", "create table marts.mine (x int)"),
    ("analyst", "delete from gold.dim_customer"),
    ("loader", "create table silver.mine (x int)"),
    ("loader", "create table gold.mine (x int)"),
    ("loader", "select * from gold.dim_customer"),
    ("loader", "select * from silver.customer_records"),
    ("loader", "select * from staging.stg_commits"),
    ("loader", "create schema landing"),
    ("transformer", "insert into raw.commits values ('ghi', 'Alan Turing')"),
    ("transformer", "create table raw.mine (x int)"),
    ("transformer", "delete from bronze.crm_contacts"),
    ("transformer", "delete from ops.quarantine"),
    ("transformer", "create schema scratch"),
]


def _case_id(case: tuple[WarehouseRole, str]) -> str:
    role, sql = case
    return f"{role}: {sql[:60]}"


def _set_up(url: str) -> list[str]:
    return set_up_and_migrate(Warehouse(postgres_url=url))


@pytest.fixture(scope="module")
def logins(postgres_server: PostgresServer) -> Iterator[dict[WarehouseRole, str]]:
    """The URL of a LOGIN user per role (member of that role only) on a database set up
    and filled as the platform would."""
    admin_url = postgres_server.create_database(prefix="roles")
    database = admin_url.rsplit("/", 1)[1]
    _set_up(admin_url)
    warehouse = Warehouse(postgres_url=admin_url)
    for role, statements in PLATFORM_TABLES.items():
        with warehouse.transaction(role=role) as session:
            for statement in statements:
                session.execute(statement)
    suffix = uuid.uuid4().hex[:8]
    users = {role: f"login_{role}_{suffix}" for role in ROLES}
    for role, user in users.items():
        postgres_server.psql(database, f"create role {user} login in role {role_name(role)}")
    yield {role: postgres_server.url(database, user=user) for role, user in users.items()}
    for user in users.values():
        postgres_server.psql(database, f"drop owned by {user}; drop role {user}")


def _run_as(url: str, sql: str) -> None:
    with Warehouse(postgres_url=url).connect() as session:
        session.execute(sql)


@pytest.mark.parametrize("case", ALLOWED, ids=_case_id)
def test_each_role_may_do_its_work(
    logins: dict[WarehouseRole, str], case: tuple[WarehouseRole, str]
) -> None:
    role, sql = case
    _run_as(logins[role], sql)


@pytest.mark.parametrize("case", REFUSED, ids=_case_id)
def test_each_role_is_refused_everything_else(
    logins: dict[WarehouseRole, str], case: tuple[WarehouseRole, str]
) -> None:
    role, sql = case
    with pytest.raises(adbc_driver_manager.ProgrammingError, match="permission denied"):
        _run_as(logins[role], sql)


def _privileges(server: PostgresServer, database: str) -> str:
    """Every grant the setup manages: schema ACLs, default privileges, table and column
    ACLs, the login's memberships."""
    return server.psql(
        database,
        "select nspname, nspacl::text from pg_namespace order by 1; "
        "select defaclrole::regrole, defaclnamespace::regnamespace, defaclacl::text "
        "from pg_default_acl order by 1, 2; "
        "select oid::regclass, relowner::regrole, relacl::text from pg_class "
        "where relnamespace::regnamespace::text = 'ops' and relkind = 'r' order by 1; "
        "select attrelid::regclass, attname, attacl::text from pg_attribute "
        "where attacl is not null order by 1, 2; "
        "select roleid::regrole from pg_auth_members "
        "where member = (select oid from pg_roles where rolname = current_user) order by 1",
    )


def test_setup_is_idempotent(postgres_server: PostgresServer) -> None:
    url = postgres_server.create_database(prefix="roles")
    database = url.rsplit("/", 1)[1]
    assert main(["warehouse", "setup", "--postgres-url", url]) == 0
    first = _privileges(postgres_server, database)
    assert main(["warehouse", "setup", "--postgres-url", url]) == 0
    assert _privileges(postgres_server, database) == first
    assert "platform_consumer" in first


def test_setup_takes_back_a_grant_the_policy_does_not_give(
    postgres_server: PostgresServer,
) -> None:
    url = postgres_server.create_database(prefix="roles")
    database = url.rsplit("/", 1)[1]
    _set_up(url)
    postgres_server.psql(database, f"grant usage on schema bronze to {role_name('consumer')}")
    _set_up(url)
    acl = postgres_server.psql(
        database, "select nspacl::text from pg_namespace where nspname = 'bronze'"
    )
    assert role_name("consumer") not in acl


def test_the_database_owner_with_createrole_may_run_the_setup(
    postgres_server: PostgresServer,
) -> None:
    """A deployment's administrator is seldom a superuser."""
    owner = f"owner_{uuid.uuid4().hex[:8]}"
    database = f"roles_{uuid.uuid4().hex[:12]}"
    postgres_server.psql("postgres", f"create role {owner} login createrole")
    postgres_server.psql("postgres", f"create database {database} owner {owner}")

    assert main(["warehouse", "setup", "--postgres-url", postgres_server.url(database, owner)]) == 0

    members = postgres_server.psql(
        database, f"select roleid::regrole from pg_auth_members where member = '{owner}'::regrole"
    ).split()
    assert sorted(members) == sorted(role_name(role) for role in ROLES)


def test_setup_on_duckdb_says_there_is_nothing_to_do(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PLATFORM_POSTGRES_URL", raising=False)
    assert main(["warehouse", "setup"]) == 0
    assert "DuckDB has no roles" in capsys.readouterr().out


def test_setup_refused_names_the_privilege_it_needs(
    postgres_server: PostgresServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = postgres_server.create_database(prefix="roles")
    database = url.rsplit("/", 1)[1]
    user = f"plain_{uuid.uuid4().hex[:8]}"
    postgres_server.psql(database, f"create role {user} login")
    try:
        assert (
            main(["warehouse", "setup", "--postgres-url", postgres_server.url(database, user)]) == 1
        )
        assert "superuser, or as the database owner with CREATEROLE" in capsys.readouterr().err
    finally:
        postgres_server.psql(database, f"drop role {user}")
