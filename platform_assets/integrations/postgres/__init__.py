"""The production warehouse: PostgreSQL through ADBC, its roles and grants."""

from platform_assets.integrations.postgres.session import PostgresSession, postgres_session

__all__ = ["PostgresSession", "postgres_session"]
