"""The DORA domain: raw delivery data (deployments, changes, incidents) from a
configurable source, for the dbt models that compute the DORA metrics; its definitions
are in ``definitions.py``, which the code location discovers."""
