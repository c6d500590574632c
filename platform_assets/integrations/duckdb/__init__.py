"""The embedded warehouse: a DuckDB file, its resource and the Polars IO manager."""

from platform_assets.integrations.duckdb.io_manager import WRITE_MODE_KEY, WarehouseIOManager
from platform_assets.integrations.duckdb.warehouse import Warehouse, quote_identifier

__all__ = ["WRITE_MODE_KEY", "Warehouse", "WarehouseIOManager", "quote_identifier"]
