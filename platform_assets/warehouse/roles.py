"""The names of the PostgreSQL warehouse's least-privilege roles.

One prefix for all four, so that two platforms (or two environments) can share a
server; the grants themselves are in ``platform_assets.integrations.postgres.grants``.
"""

from __future__ import annotations

import os
from typing import Final

from platform_assets.warehouse.session import WarehouseRole

ROLE_PREFIX_ENV: Final = "PLATFORM_POSTGRES_ROLE_PREFIX"
DEFAULT_ROLE_PREFIX: Final = "platform_"
ROLES: Final[tuple[WarehouseRole, ...]] = ("loader", "transformer", "analyst", "consumer")


def role_name(role: WarehouseRole) -> str:
    return f"{os.environ.get(ROLE_PREFIX_ENV) or DEFAULT_ROLE_PREFIX}{role}"
