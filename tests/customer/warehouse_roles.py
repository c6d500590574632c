"""The platform's least-privilege roles in a fresh PostgreSQL test database.

The steps under test take a role (``SET ROLE``) and may do what that role is granted,
so a test database gets what a deployment gets from ``platform-assets warehouse setup``:
the schemas, the four roles and their grants. A test then creates its input tables as
the role that writes them in production (bronze as the loader, silver and gold as the
transformer), so the readers are granted them as they would be. DuckDB has no roles:
nothing to do there.
"""

from __future__ import annotations

from platform_assets.integrations.postgres.grants import set_up_and_migrate
from platform_assets.warehouse import Warehouse


def prepare_roles(warehouse: Warehouse) -> None:
    if warehouse.dialect != "postgres":
        return
    set_up_and_migrate(warehouse)
