"""Which warehouse a dbt invocation builds: the environment the platform's dbt resource
gives the dbt process it starts, read by ``dbt_project/profiles.yml``.

On DuckDB the profile's ``local`` target opens the warehouse file (named by a dbt var,
``assets.warehouse_arguments``), and its dbt-duckdb plugin hands every connection the
pseudonym key. On PostgreSQL the ``postgres`` target reads the connection from
``PLATFORM_PG_*`` variables, filled here from the warehouse resource's URL, and takes the
transformer role. The pseudonym key reaches the server as session settings through
libpq's ``PGOPTIONS``: in hex, so no character needs escaping, beside where it came from
(the ``postgres__require_pii_key_for_stage`` macro refuses a generated key from Beta on).

The role is a ``PGOPTIONS`` setting too. dbt-postgres takes the profile's ``role`` with a
``set role`` inside the connection's first transaction, and the rollback dbt issues when
it releases a connection undoes it: the on-run-start hook then created the
incremental-replace state table as the login, and every model (run as the transformer)
was refused writing it. A startup setting holds for the whole session.

The password and the key travel in the child's environment only: never in its command
line (which ``ps`` shows every user) and never in dbt's logs. libpq's own variables
(``PGOPTIONS``, ``PGSSLMODE``) are handed over under a platform name and set by
``platform-dbt`` in the dbt process itself: dagster-dbt starts dbt with a copy of the run
worker's environment, and libpq in the run worker (the Dagster instance's PostgreSQL
storage) would otherwise open its next connection as the transformer, without the
privileges on the instance's tables (seen: "permission denied for table event_logs").
"""

from __future__ import annotations

import os
import re
from typing import Final
from urllib.parse import parse_qs, unquote, urlsplit

from platform_assets.integrations.dbt.pii_key import PII_HMAC_KEY_ENV, pii_hmac_key
from platform_assets.settings import warehouse_path
from platform_assets.warehouse import Warehouse
from platform_assets.warehouse.roles import role_name

DBT_TARGET_ENV: Final = "PLATFORM_DBT_TARGET"
LOCAL_TARGET: Final = "local"
POSTGRES_TARGET: Final = "postgres"

#: The session settings the ``postgres__pii_hmac`` macro and the stage pre-hook read.
PII_KEY_SETTING: Final = "platform.pii_hmac_key"
PII_KEY_ORIGIN_SETTING: Final = "platform.pii_hmac_key_origin"

#: The one URL query parameter the profile's libpq connection takes over (as libpq's own
#: environment variable); any other would be silently dropped, so it is refused.
_SSLMODE: Final = "sslmode"

#: libpq's variables for the dbt process, under the names the run worker's own libpq
#: does not read; ``platform-dbt`` moves them to their real names.
CHILD_LIBPQ_PREFIX: Final = "PLATFORM_DBT_"
CHILD_LIBPQ_VARIABLES: Final = ("PGOPTIONS", "PGSSLMODE")

#: A role name PGOPTIONS carries unquoted (libpq splits it at spaces).
_PLAIN_ROLE: Final = re.compile(r"[a-z_][a-z0-9_$]*")


def dbt_target_environment(warehouse: Warehouse) -> dict[str, str]:
    """The variables to add to a dbt process's environment so it builds ``warehouse``."""
    if warehouse.dialect == "duckdb":
        return {DBT_TARGET_ENV: LOCAL_TARGET}
    role = role_name("transformer")
    if not _PLAIN_ROLE.fullmatch(role):
        raise ValueError(
            f"the transformer role name {role!r} is not a plain lower-case identifier: set "
            "PLATFORM_POSTGRES_ROLE_PREFIX to letters, digits and underscores"
        )
    return {
        DBT_TARGET_ENV: POSTGRES_TARGET,
        **_connection_environment(warehouse.postgres_url),
        "PLATFORM_PG_ROLE": role,
        f"{CHILD_LIBPQ_PREFIX}PGOPTIONS": _pgoptions(role),
    }


def _connection_environment(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise ValueError(
            f"the warehouse URL must start with postgresql:// (got {parts.scheme or 'no'} "
            "scheme): set PLATFORM_POSTGRES_URL to postgresql://user:password@host:port/database"
        )
    database = unquote(parts.path.lstrip("/"))
    if not database or not parts.username:
        raise ValueError(
            "the warehouse URL must name a user and a database for dbt "
            "(postgresql://user:password@host:port/database); it names "
            f"{'no user' if not parts.username else 'no database'}"
        )
    query = parse_qs(parts.query)
    unsupported = sorted(set(query) - {_SSLMODE})
    if unsupported:
        raise ValueError(
            f"dbt's PostgreSQL profile takes no {', '.join(unsupported)} from the warehouse "
            f"URL: remove it (only {_SSLMODE} is passed on)"
        )
    environment = {
        "PLATFORM_PG_HOST": parts.hostname or "127.0.0.1",
        "PLATFORM_PG_PORT": str(parts.port or 5432),
        "PLATFORM_PG_USER": unquote(parts.username),
        "PLATFORM_PG_PASSWORD": unquote(parts.password or ""),
        "PLATFORM_PG_DATABASE": database,
    }
    if _SSLMODE in query:
        environment[f"{CHILD_LIBPQ_PREFIX}PGSSLMODE"] = query[_SSLMODE][-1]
    return environment


def _pgoptions(role: str) -> str:
    """``PGOPTIONS`` with the role and the pseudonym key, after any options already set.

    PostgreSQL has no warehouse file beside which to keep a generated key: without
    ``PLATFORM_PII_HMAC_KEY``, the key is the one in the data directory (where the DuckDB
    file would be), the same key ``make`` hands to the Python assets."""
    key = pii_hmac_key(warehouse_path().parent)
    origin = "environment" if os.environ.get(PII_HMAC_KEY_ENV, "").strip() else "file"
    options = (
        f"-c role={role} -c {PII_KEY_SETTING}={key.hex()} -c {PII_KEY_ORIGIN_SETTING}={origin}"
    )
    existing = os.environ.get("PGOPTIONS", "").strip()
    return f"{existing} {options}" if existing else options


def adopt_libpq_variables(environment: dict[str, str]) -> None:
    """In the dbt process: the libpq variables handed over under platform names take
    their real names (``platform-dbt`` calls it before dbt starts)."""
    for name in CHILD_LIBPQ_VARIABLES:
        value = environment.pop(f"{CHILD_LIBPQ_PREFIX}{name}", None)
        if value is not None:
            environment[name] = value
