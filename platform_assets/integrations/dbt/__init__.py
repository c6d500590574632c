"""The dbt project on DuckDB, translated into staged Dagster assets."""
