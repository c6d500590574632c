"""The GraphQL queries the end-to-end tests send to the Dagster webserver, and a small
client for them.

The webserver's GraphQL API is what the UI itself reads, so asserting on its answers
asserts on what a user sees. Every query names the fields it needs, nothing more, and
its union members explicitly, so an error answer (``PythonError``...) is never mistaken
for an empty result.
"""

from __future__ import annotations

from typing import Any

import httpx

#: Polled until the code location has loaded (or failed to).
WORKSPACE_STATUS = """
query WorkspaceStatus {
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError {
          __typename
          ... on RepositoryLocation { name repositories { name } }
          ... on PythonError { message stack }
        }
      }
    }
    ... on PythonError { message stack }
  }
}
"""

#: Everything the UI shows about the definitions: assets with their tags, owners, kinds,
#: freshness policies and checks (with their latest execution), sensors, schedules, jobs.
REPOSITORY_DEFINITIONS = """
query RepositoryDefinitions {
  repositoriesOrError {
    __typename
    ... on RepositoryConnection {
      nodes {
        name
        location { name }
        jobs { name owners { ...DefinitionOwnerFields } }
        schedules {
          name
          defaultStatus
          scheduleState { status }
          owners { ...DefinitionOwnerFields }
        }
        sensors {
          name
          defaultStatus
          sensorState { status }
          sensorType
          description
          owners { ...DefinitionOwnerFields }
        }
        assetNodes {
          assetKey { path }
          groupName
          description
          kinds
          jobNames
          isMaterializable
          isExecutable
          tags { key value }
          owners {
            __typename
            ... on TeamAssetOwner { team }
            ... on UserAssetOwner { email }
          }
          dependencyKeys { path }
          assetMaterializations(limit: 1) { runId }
          metadataEntries {
            __typename
            label
            ... on PathMetadataEntry { path }
            ... on UrlMetadataEntry { url }
          }
          internalFreshnessPolicy {
            __typename
            ... on TimeWindowFreshnessPolicy { failWindowSeconds warnWindowSeconds }
            ... on CronFreshnessPolicy { deadlineCron lowerBoundDeltaSeconds timezone }
          }
          assetChecksOrError {
            __typename
            ... on AssetChecks {
              checks {
                name
                blocking
                executionForLatestMaterialization {
                  runId
                  status
                  evaluation { success severity }
                }
              }
            }
          }
        }
      }
    }
    ... on PythonError { message stack }
  }
}

fragment DefinitionOwnerFields on DefinitionOwner {
  __typename
  ... on TeamDefinitionOwner { team }
  ... on UserDefinitionOwner { email }
}
"""

#: Launches a run of a job, here the implicit asset job with every asset and check.
LAUNCH_RUN = """
mutation LaunchRun($executionParams: ExecutionParams!) {
  launchRun(executionParams: $executionParams) {
    __typename
    ... on LaunchRunSuccess { run { runId status } }
    ... on PythonError { message stack }
    ... on Error { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}
"""

#: Polled until the run reaches a terminal status; the step statuses say what failed.
RUN_STATUS = """
query RunStatus($runId: ID!) {
  runOrError(runId: $runId) {
    __typename
    ... on Run {
      runId
      status
      stepStats { stepKey status }
    }
    ... on PythonError { message stack }
    ... on RunNotFoundError { message }
  }
}
"""

#: The assets a run materialized and the checks it evaluated, a page at a time. Read from
#: the run itself rather than from each asset's latest state: under `dagster dev` a
#: running schedule may start a newer run of the same assets at any time.
RUN_ASSET_EVENTS = """
query RunAssetEvents($runId: ID!, $afterCursor: String) {
  logsForRun(runId: $runId, afterCursor: $afterCursor, limit: 1000) {
    __typename
    ... on EventConnection {
      cursor
      hasMore
      events {
        __typename
        ... on MaterializationEvent { assetKey { path } }
        ... on AssetCheckEvaluationEvent {
          evaluation { assetKey { path } checkName success severity }
        }
      }
    }
    ... on PythonError { message stack }
    ... on RunNotFoundError { message }
  }
}
"""

#: The run's error events, fetched only to explain a failed run.
RUN_ERRORS = """
query RunErrors($runId: ID!) {
  logsForRun(runId: $runId, limit: 1000) {
    __typename
    ... on EventConnection {
      events {
        __typename
        ... on MessageEvent { message stepKey level }
        ... on ExecutionStepFailureEvent { error { message stack } }
        ... on RunFailureEvent { error { message } }
      }
    }
  }
}
"""

#: Run statuses after which a run no longer changes.
TERMINAL_RUN_STATUSES = frozenset({"SUCCESS", "FAILURE", "CANCELED"})


class GraphQLError(RuntimeError):
    """The webserver answered with GraphQL errors instead of data."""


class DagsterGraphQL:
    """Posts queries to a webserver's ``/graphql`` endpoint and returns their ``data``."""

    def __init__(self, base_url: str, timeout: float = 60.0) -> None:
        self.url = f"{base_url}/graphql"
        self._client = httpx.Client(timeout=timeout)

    def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self._client.post(self.url, json={"query": query, "variables": variables or {}})
        response.raise_for_status()
        body = response.json()
        if body.get("errors"):
            raise GraphQLError(f"{self.url} answered with errors: {body['errors']}")
        return body["data"]

    def close(self) -> None:
        self._client.close()
