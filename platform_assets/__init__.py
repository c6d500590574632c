"""A Dagster data platform where every dataset declares its delivery stage in code."""

import warnings

# Owners on jobs, schedules and sensors are a beta parameter in Dagster 1.13; the platform
# uses it on purpose, so the UI shows who answers for each, and keeps its warning out of
# every code-location load.
warnings.filterwarnings("ignore", message=r"Parameter `owners` .* is currently in beta")
