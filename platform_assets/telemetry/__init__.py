"""Run telemetry: one structured JSON line per step that writes tables (ingestion and dbt
steps), appended to a file a log shipper tails and echoed in the Dagster log.

``record`` is the line's versioned shape, ``sink`` the append-only file, ``reader`` reads
it back, ``dbt_results`` turns a dbt invocation's ``run_results.json`` into per-model
counts. docs/monitoring.md ("Run telemetry") documents every field.
"""
