"""A Dagster data platform where every dataset declares its delivery stage in code."""

import warnings

from platform_assets.owner_only import restrict_new_files_to_owner

# Every process that runs the platform's code imports this package first: the code
# location, the run and step workers, and dbt (through the project's dbt-duckdb plugin).
# Setting the umask here, before any of them writes, makes the warehouse, its WAL, the
# pseudonym key and the logs they create owner-only whatever shell started them.
restrict_new_files_to_owner()

# Owners on jobs, schedules and sensors are a beta parameter in Dagster 1.13; the platform
# uses it on purpose, so the UI shows who answers for each, and keeps its warning out of
# every code-location load.
warnings.filterwarnings("ignore", message=r"Parameter `owners` .* is currently in beta")
