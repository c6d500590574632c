"""The warehouse every step reads and writes, whichever database holds it."""

from platform_assets.warehouse.io_manager import WRITE_MODE_KEY, WarehouseIOManager
from platform_assets.warehouse.quoting import qualified, quote_identifier
from platform_assets.warehouse.resource import Warehouse
from platform_assets.warehouse.session import Dialect, WarehouseRole, WarehouseSession

__all__ = [
    "WRITE_MODE_KEY",
    "Dialect",
    "Warehouse",
    "WarehouseIOManager",
    "WarehouseRole",
    "WarehouseSession",
    "qualified",
    "quote_identifier",
]
