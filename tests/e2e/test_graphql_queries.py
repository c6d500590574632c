"""The e2e queries are valid against the GraphQL schema of the installed dagster-webserver,
so a Dagster upgrade that renames a field fails here in a second, with the field named,
rather than as a confusing error halfway through an end-to-end run."""

from __future__ import annotations

import pytest
from dagster_graphql.schema import create_schema
from graphql import parse, validate

from tests.e2e import graphql as queries

OPERATIONS = ("query", "mutation")
QUERIES = {
    name: value
    for name, value in vars(queries).items()
    if name.isupper() and isinstance(value, str) and value.lstrip().startswith(OPERATIONS)
}
USED_BY_THE_FIXTURES = {"WORKSPACE_STATUS", "REPOSITORY_DEFINITIONS", "LAUNCH_RUN", "RUN_STATUS"}


def test_every_query_constant_is_collected():
    assert set(QUERIES) >= USED_BY_THE_FIXTURES


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_is_valid_against_the_installed_schema(name: str):
    errors = validate(create_schema().graphql_schema, parse(QUERIES[name]))
    assert not errors, [error.message for error in errors]
