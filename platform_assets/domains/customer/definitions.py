"""The customer domain's definitions."""

from __future__ import annotations

import dagster as dg

defs = dg.Definitions()
