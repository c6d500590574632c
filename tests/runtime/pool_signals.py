"""How the runtime tests and their code locations (``pool_location.py``,
``dbt_location.py``) talk: files in a directory the environment names."""

from __future__ import annotations

from pathlib import Path
from typing import Final

SIGNALS_ENV: Final = "RUNTIME_TEST_SIGNALS"
#: Written by ``slot_holder`` once it holds the pool's slot; holds its worker's pid.
HOLDING: Final = "holding"
#: Written by the test to let ``slot_holder`` end.
RELEASE: Final = "release"
#: Written by the dbt model of ``dbt_location`` once dbt runs it; holds dbt's pid.
DBT_RUNNING: Final = "dbt_running"
DBT_PROJECT_ENV: Final = "RUNTIME_TEST_DBT_PROJECT"
POOL_LOCATION: Final = Path(__file__).with_name("pool_location.py")
DBT_LOCATION: Final = Path(__file__).with_name("dbt_location.py")
