"""A Dagster data platform where every dataset declares its delivery stage in code."""
