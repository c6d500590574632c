"""Source kinds by name: each kind a domain can read, with the factory of its connector.

A domain registers its kinds once (``registry.register("github", open_github, ...)``) and
its configuration names the kind to read (an environment variable); the raw assets ask
the registry for the connector of their entity. Adding a source is one ``register`` call
and a factory, not one more branch in an if/elif chain. The factory reads its own
settings (URLs, tokens, paths) from the environment when the connector opens, so those
never pass through Dagster's run configuration.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Protocol

from platform_assets.ingestion.connector import Connector
from platform_assets.ingestion.failure import FailureCategory, SourceError

ConnectorFactory = Callable[[], AbstractContextManager[Connector]]
"""Builds a connector from the environment; what it opened (an HTTP client) closes on exit."""


class ConnectorSource(Protocol):
    """What a raw asset needs from its source resource: the connector of its entity."""

    def open_connector(self, entity: str) -> AbstractContextManager[Connector]: ...


@dataclass(frozen=True)
class SourceChoice:
    """The kind configured for an entity, and the variable that configures it (named in
    every error, so the message says what to change)."""

    kind: str
    variable: str


@dataclass(frozen=True)
class _RegisteredKind:
    factory: ConnectorFactory
    entities: frozenset[str] | None


class SourceRegistry:
    """The source kinds of one domain."""

    def __init__(self) -> None:
        self._kinds: dict[str, _RegisteredKind] = {}

    def register(
        self, kind: str, factory: ConnectorFactory, *, entities: frozenset[str] | None = None
    ) -> None:
        """``entities`` restricts the kind to those raw tables (None: every table)."""
        if kind in self._kinds:
            raise ValueError(f"source kind {kind!r} is registered twice")
        self._kinds[kind] = _RegisteredKind(factory, entities)

    def kinds_for(self, entity: str) -> tuple[str, ...]:
        """The kinds that may supply ``entity``, in registration order."""
        return tuple(
            kind
            for kind, registered in self._kinds.items()
            if registered.entities is None or entity in registered.entities
        )

    @contextmanager
    def open_connector(self, choice: SourceChoice, entity: str) -> Iterator[Connector]:
        """The connector of the chosen kind, for ``entity``; a kind that is not registered
        for the entity is a configuration error naming the variable and the choices."""
        allowed = self.kinds_for(entity)
        if choice.kind not in allowed:
            raise SourceError(
                FailureCategory.CONFIGURATION,
                f"{choice.variable}={choice.kind!r} is not a source; "
                f"expected one of {', '.join(allowed)}",
            )
        with self._kinds[choice.kind].factory() as connector:
            yield connector
