"""One dbt build per configuration, shared by every test of the session: the scenario
database is landed and built once per mode, not once per test."""

from __future__ import annotations

import pytest

from tests.dora_metrics.scenario import Build, build


@pytest.fixture(scope="session")
def default_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return build("default", tmp_path_factory.mktemp("dora_default"), {"dora_mode": "default"})


@pytest.fixture(scope="session")
def devlake_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return build("devlake", tmp_path_factory.mktemp("dora_devlake"), {"dora_mode": "devlake"})


@pytest.fixture(scope="session")
def four_keys_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return build("four_keys", tmp_path_factory.mktemp("dora_four_keys"), {"dora_mode": "four_keys"})


@pytest.fixture(scope="session")
def new_york_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """Default mode bucketed in New York time (UTC-5 all January), with incidents
    attributed to a prior deployment only within 24 hours."""
    return build(
        "new_york",
        tmp_path_factory.mktemp("dora_new_york"),
        {
            "dora_mode": "default",
            "dora_timezone": "America/New_York",
            "dora_incident_max_lag_hours": 24,
        },
    )
