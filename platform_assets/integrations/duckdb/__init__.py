"""The embedded warehouse: a DuckDB file behind the platform's warehouse session."""
