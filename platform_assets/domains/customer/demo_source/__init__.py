"""The customer domain's demo source: deterministic people, duplicated and corrupted
across the CRM and legacy workbooks with their truth labels, and weather for every
postal area."""

from platform_assets.domains.customer.demo_source.connector import (
    CustomerDemoConnector,
    CustomerDemoSettings,
)
from platform_assets.domains.customer.demo_source.population import people_for
from platform_assets.domains.customer.demo_source.truth import demo_truth, true_pairs

__all__ = [
    "CustomerDemoConnector",
    "CustomerDemoSettings",
    "demo_truth",
    "people_for",
    "true_pairs",
]
