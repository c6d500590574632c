"""``dashboards/customer_data_quality``: the customer domain's data-quality page as an
offline HTML file, rebuilt after the tables it reads.

Counts only, never a personal value: the erasure procedure removes a customer from every
table and relies on this page holding nothing of theirs. The asset's table
(``dashboards.customer_data_quality``) records the file written and the tables that
were not built yet.
"""

# No `from __future__ import annotations`: Dagster reads the `context` annotation of an
# op's function at definition time and rejects it as a string.

from typing import Final

import dagster as dg
import polars as pl

from platform_assets.dashboards.asset import dashboard_asset
from platform_assets.dashboards.files import PAGE_COLUMNS, dashboards_dir, write_page
from platform_assets.domains.customer.dashboards.last_loads import last_loads
from platform_assets.domains.customer.dashboards.page import render_dashboard
from platform_assets.domains.customer.dashboards.quarantine import TABLE as QUARANTINE_TABLE
from platform_assets.domains.customer.dashboards.schema import CustomerDataQuality
from platform_assets.domains.customer.dashboards.sections import TABLES_READ
from platform_assets.domains.customer.dashboards.tables import BRONZE_KEYS, asset_key
from platform_assets.warehouse import Warehouse

OWNERS: Final = ["team:customer-data"]
VERSION: Final = "1.0.0"
RUNBOOK: Final = "docs/runbooks/customer.md"
#: The domain's folder under the dashboards directory.
DOMAIN_FOLDER: Final = "customer"

#: The tables the page reads (``ops.quarantine`` through the bronze loads that write it),
#: as asset keys: lineage shows the page downstream of each.
UPSTREAM: Final = sorted(
    {*BRONZE_KEYS, *(asset_key(table) for table in TABLES_READ if table != QUARANTINE_TABLE)},
    key=lambda key: key.to_user_string(),
)


@dashboard_asset(
    domain="customer",
    schema=CustomerDataQuality,
    owners=OWNERS,
    version=VERSION,
    deps=UPSTREAM,
    runbook=RUNBOOK,
)
def customer_data_quality(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.Output:
    """The customer domain's data-quality page, offline HTML: invalid values per source,
    column and reason; quarantined records per source, open and resolved; duplicates
    found (records, customers, records per customer, multi-source customers, pairs
    awaiting review); weather completeness per country and observations by source; each
    bronze table's last load. Aggregates only, no personal value. Written to
    PLATFORM_DASHBOARDS_DIR/customer (default dashboards/customer under the data root)."""
    loads = last_loads(context.instance)
    with warehouse.connect(read_only=True, role="analyst") as session:
        dashboard = render_dashboard(session, loads)
    page = write_page(dashboards_dir() / DOMAIN_FOLDER, dashboard.key, dashboard.html)
    missing = ", ".join(dashboard.tables_missing) or None
    context.log.info(f"wrote {page.path}" + (f"; not built yet: {missing}" if missing else ""))
    frame = pl.DataFrame(
        [{**page.row(), "tables_missing": missing}],
        schema={**PAGE_COLUMNS, "tables_missing": pl.String},
    )
    return dg.Output(
        frame,
        metadata={
            "dashboard": dg.MetadataValue.path(str(page.path)),
            "link": dg.MetadataValue.md(f"[{dashboard.title}]({page.path.as_uri()})"),
            "tables_missing": dg.MetadataValue.int(len(dashboard.tables_missing)),
        },
    )
