"""Backup and restore of everything the platform cannot rebuild from its sources alone:
the warehouse (with the ingestion state in ``ops``), the Dagster instance's storage and
the laptop's pseudonym key (docs/runbooks/backup-and-restore.md).

``snapshot`` takes and restores a backup, ``catalog`` lists, checks and prunes them,
``sources`` reads what to back up from the environment; one module per medium
(``duckdb_file``, ``sqlite_instance``, ``postgres_dump``). Nothing is imported here, so
the command line's help does not load Dagster."""
