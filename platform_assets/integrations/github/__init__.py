"""GitHub REST API connector: deployments, change sets, pull requests, commits, incidents."""

from platform_assets.integrations.github.connector import GitHubConnector, GitHubSettings

__all__ = ["GitHubConnector", "GitHubSettings"]
