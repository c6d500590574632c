"""The fictional organisation the demo source describes: services, repositories, people.

Services are named after a small catalog, then numbered once the catalog is used up
(``checkout``, ..., ``checkout-1``...), so a larger scale is more services of the same
kind. Every fourth service spans two repositories (an API and a web front end) and
deploys both together: the multi-repository deployments of the raw contract.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from platform_assets.ingestion.random_streams import RandomStreams

ORGANISATION: Final = "acme-demo"
BASE_SERVICES: Final = (
    "checkout",
    "payments",
    "search",
    "catalog",
    "accounts",
    "notifications",
    "inventory",
    "shipping",
)
TEAM_SIZE: Final = 6
_FIRST_NAMES: Final = (
    "Ada", "Alan", "Barbara", "Brian", "Claude", "Donald", "Edsger", "Frances", "Grace",
    "Guido", "Hedy", "Ivan", "John", "Ken", "Leslie", "Margaret", "Niklaus", "Radia",
    "Shafi", "Tim",
)  # fmt: skip
_LAST_NAMES: Final = (
    "Allen", "Backus", "Cerf", "Dijkstra", "Engelbart", "Floyd", "Goldberg", "Hopper",
    "Iverson", "Kay", "Lamport", "Liskov", "McCarthy", "Perlman", "Ritchie", "Sutherland",
    "Thompson", "Wirth", "Yao", "Zuse",
)  # fmt: skip


def services(count: int, streams: RandomStreams) -> pl.DataFrame:
    """One row per service: its index, name, repositories and release propensity (the
    chance that a given weekday release slot is used)."""
    base = len(BASE_SERVICES)
    index = pl.int_range(count, dtype=pl.Int64, eager=True).alias("service_idx")
    frame = pl.DataFrame(index).with_columns(
        service=pl.concat_str(
            pl.lit(pl.Series(BASE_SERVICES)).gather(pl.col("service_idx") % base),
            pl.when(pl.col("service_idx") >= base)
            .then(pl.concat_str(pl.lit("-"), pl.col("service_idx") // base))
            .otherwise(pl.lit("")),
        ),
        release_rate=0.15 + 0.4 * streams.uniform("release_rate", pl.col("service_idx")),
    )
    primary = pl.concat_str(pl.lit(ORGANISATION), pl.lit("/"), pl.col("service"))
    web = pl.concat_str(pl.lit(ORGANISATION), pl.lit("/"), pl.col("service"), pl.lit("-web"))
    return frame.with_columns(
        repos=pl.when(pl.col("service_idx") % 4 == 1)
        .then(pl.concat_list(primary, web))
        .otherwise(pl.concat_list(primary))
    )


def person_name(person_idx: pl.Expr) -> pl.Expr:
    """A stable, made-up full name per person index (numbered past 400 people)."""
    first, last = len(_FIRST_NAMES), len(_LAST_NAMES)
    generation = person_idx // (first * last)
    return pl.concat_str(
        pl.lit(pl.Series(_FIRST_NAMES)).gather(person_idx % first),
        pl.lit(" "),
        pl.lit(pl.Series(_LAST_NAMES)).gather((person_idx // first) % last),
        pl.when(generation > 0).then(pl.concat_str(pl.lit(" "), generation)).otherwise(pl.lit("")),
    )
