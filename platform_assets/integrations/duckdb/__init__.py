"""What only the embedded DuckDB warehouse needs: the consumer export that stands in for
PostgreSQL's consumer role. Its session lives in ``platform_assets.warehouse``."""
