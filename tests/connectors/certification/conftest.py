"""The running source of one certification test, with its environment set (and every
variable of every adapter unset first, so no setting leaks in from the shell)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.connectors.certification.adapters import ADAPTERS, FAST_HTTP, Adapter, Check, Source

F = TypeVar("F", bound=Callable[..., Any])

#: Every variable an adapter reads, so each test starts from none of them.
_ALL_VARIABLES = {
    *FAST_HTTP,
    *(v for a in ADAPTERS for v in (a.required_variable, a.bad_setting[0], *a.live_variables) if v),
    "PLATFORM_HTTP_MAX_PAGES",
    "PLATFORM_WEATHER_FALLBACK_URL",
    "PLATFORM_DEVLAKE_URL",
}


@pytest.fixture(params=ADAPTERS, ids=[adapter.name for adapter in ADAPTERS])
def adapter(request: pytest.FixtureRequest) -> Adapter:
    return request.param


def certifies(check: Check) -> Callable[[F], F]:
    """Names the check a test runs, so ``source`` skips a check that does not apply
    before starting a server (each server costs half a second to shut down)."""

    def mark(test: F) -> F:
        test.certifies = check  # type: ignore[attr-defined]
        return test

    return mark


@pytest.fixture
def source(
    adapter: Adapter,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> Iterator[Source]:
    check: Check = request.function.certifies
    if check in adapter.not_applicable:
        pytest.skip(f"{adapter.name}: {check} does not apply: {adapter.not_applicable[check]}")
    if check in adapter.gaps:
        # A known gap must still fail: fixed, it fails the suite until promoted.
        request.applymarker(pytest.mark.xfail(strict=True, reason=adapter.gaps[check]))
    for variable in _ALL_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    with adapter.start(tmp_path) as running:
        for variable, value in running.environment.items():
            monkeypatch.setenv(variable, value)
        yield running
