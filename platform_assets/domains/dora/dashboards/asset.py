"""``dora_dashboards``: the DORA dashboards as HTML files, rebuilt after the marts.

The roadmap pairs every metric with its dashboards. These are static, self-contained
pages (no server, no CDN), written where anyone with the repository's data folder can
open them, and linked from each materialization in the Dagster UI. The asset's table
(``dashboards.dora_dashboards``) records which files were written, how large, and which
weeks they show.
"""

# No `from __future__ import annotations`: Dagster reads the `context` annotation of an
# op's function at definition time and rejects it as a string.

from pathlib import Path
from typing import Final

import dagster as dg
import polars as pl

from platform_assets.dashboards.asset import dashboard_asset
from platform_assets.dashboards.files import dashboards_dir
from platform_assets.domains.dora.dashboards import MARTS_READ, render_dashboards
from platform_assets.domains.dora.dashboards.files import write_dashboards
from platform_assets.domains.dora.dashboards.page import NAVIGATION
from platform_assets.domains.dora.dashboards.schema import DoraDashboards
from platform_assets.warehouse import Warehouse

OWNERS: Final = ["team:dora-metrics"]
VERSION: Final = "1.0.0"

#: The marts the dashboards read, as the dbt assets' keys: lineage shows the asset
#: downstream of each.
UPSTREAM_MARTS: Final = [dg.AssetKey(["marts", mart]) for mart in MARTS_READ]


@dashboard_asset(
    domain="dora",
    schema=DoraDashboards,
    owners=OWNERS,
    version=VERSION,
    deps=UPSTREAM_MARTS,
)
def dora_dashboards(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.Output:
    """Self-contained HTML dashboards of the DORA metrics, one per metric family
    (deployment frequency and success rate; lead time with the pull request stages;
    change failure and rework rate; recovery time with an incident timeline): trends per
    service, performance level badges per report year. Written to PLATFORM_DASHBOARDS_DIR
    (default dashboards/ under the data root) and linked from the materialization."""
    with warehouse.connect(read_only=True, role="analyst") as session:
        dashboards = render_dashboards(session)
    directory = dashboards_dir()
    frame = write_dashboards(dashboards, directory)
    context.log.info(f"wrote {frame.height} dashboards to {directory}")
    return dg.Output(frame, metadata=_links(frame, str(directory)))


def _links(frame: pl.DataFrame, directory: str) -> dict[str, dg.MetadataValue]:
    """A path entry per dashboard (copyable in the UI) and one markdown list of links."""
    titles = dict(NAVIGATION)
    metadata: dict[str, dg.MetadataValue] = {"dashboards_dir": dg.MetadataValue.path(directory)}
    links = []
    for row in frame.iter_rows(named=True):
        metadata[row["dashboard"]] = dg.MetadataValue.path(row["path"])
        uri = Path(row["path"]).as_uri()
        period = row["generated_for_period"] or "no data yet"
        links.append(f"- [{titles.get(row['dashboard'], row['dashboard'])}]({uri}) ({period})")
    metadata["dashboards"] = dg.MetadataValue.md("\n".join(links))
    return metadata
