"""One warehouse transaction that a dry run rolls back.

Erasure and retention do every statement of a dry run for real and roll it back, so the
counts a dry run reports are exactly what the real run will do; a failure rolls back too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from platform_assets.warehouse import Warehouse, WarehouseSession


class _DryRunEnded(Exception):
    """Raised at the end of a dry run's block, so ``Warehouse.transaction`` rolls it back
    as it rolls back any failure: one place decides commit or rollback."""


@contextmanager
def transaction_or_dry_run(warehouse: Warehouse, *, dry_run: bool) -> Iterator[WarehouseSession]:
    try:
        with warehouse.transaction() as session:
            yield session
            if dry_run:
                raise _DryRunEnded
    except _DryRunEnded:
        pass
