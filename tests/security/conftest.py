"""Fixtures of the security tests."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The permissive umask most shells start with, so a test shows what the code itself
    guarantees rather than what the process umask happens to give."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)
