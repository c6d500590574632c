"""What identity resolution found: source records, the customers they resolve to, how
many records each customer gathers, the customers seen in more than one source, and the
pairs near the threshold awaiting review."""

from __future__ import annotations

from typing import Final

from platform_assets.domains.customer.dashboards.reading import rows, with_bars
from platform_assets.warehouse import WarehouseSession

XREF: Final = "gold.customer_source_xref"
REVIEW: Final = "gold.customer_match_review"
#: Customers with this many records or more share the histogram's last bar.
LARGEST_BUCKET: Final = 5
#: Width of the match-probability bands of the review queue.
REVIEW_BAND: Final = 0.05


def figures(session: WarehouseSession) -> dict[str, object]:
    customers = (
        f"select customer_key, count(*) as records, count(distinct source_system) as sources "
        f"from {XREF} group by customer_key"
    )
    [totals] = rows(
        session,
        f"with customers as ({customers}) select "
        # PostgreSQL sums integers into numeric, which reaches Python as text
        "coalesce(sum(records), 0)::bigint as records, count(*) as customers, "
        "count(*) filter (where records > 1) as with_duplicates, "
        "count(*) filter (where sources > 1) as multi_source "
        "from customers",
    )
    histogram = rows(
        session,
        f"with customers as ({customers}) "
        f"select least(records, {LARGEST_BUCKET}) as records, count(*) as customers "
        "from customers group by 1 order by records",
    )
    [review] = rows(session, f"select count(*) as pairs from {REVIEW}")
    bands = rows(
        session,
        f"select floor(match_probability / {REVIEW_BAND}) * {REVIEW_BAND} as band_from, "
        f"count(*) as pairs from {REVIEW} group by 1 order by band_from",
    )
    return {
        **totals,
        "histogram": with_bars(histogram, "customers"),
        "largest_bucket": LARGEST_BUCKET,
        "review_pairs": review["pairs"],
        "review_bands": [
            {**band, "band_to": band["band_from"] + REVIEW_BAND}
            for band in with_bars(bands, "pairs")
        ],
    }
