"""The gold query at a million customers: one customer, their source records and the last
30 days of weather where they live.

Building gold at that scale through the connectors, silver and the resolution takes many
minutes (the end-to-end benchmark measures that); the query only needs the four tables
it reads in their real shapes and sizes, so they are synthesised here with SQL:
``gold.dim_customer`` (one row per customer), ``gold.customer_source_xref`` and
``silver.customer_records`` (1.64 source records per customer on average, the demo's
shares 55/30/11/4 % of one to four records), ``silver.customer_weather_daily`` (every
reference postal area by 45 days, the demo's window) and ``gold.fct_customer_weather``
(each customer by the 30 days of the window, as its model builds it). No table has an
index. Two variants of the same rows:

- ``random_order``: every table in a random order of its keys, as the models' group-bys
  and hash joins leave them; what the project builds today.
- ``ordered_by_key``: every table sorted by the key it is looked up by, so DuckDB's zone
  maps skip the row groups that cannot hold the key (what an ``order by`` in the models
  would buy).

The consumer's query is one statement (``CONSUMER_QUERY``) with the customer key as its
parameter. Each variant is timed in a fresh process: the first query after opening the
warehouse (cold: DuckDB's buffer cache empty; the operating system's file cache may hold
the file), then ``lookups`` random customer keys; the variants alternate ``rounds`` times.
"""

from __future__ import annotations

import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Final

import duckdb

from benchmarks.bench_dora import ROOT
from benchmarks.customer_end_to_end import AS_OF

POSTAL_AREAS: Final = ROOT / "dbt_project" / "seeds" / "customer" / "postal_areas.csv"
WEATHER_DAYS: Final = 45
WINDOW_DAYS: Final = 30
TARGET_SECONDS: Final = 1.0

#: The customer row, its source records through the xref, and its weather of the last 30
#: days from the gold fact table (the window is the fact table's: its model keeps only the
#: window's days).
CONSUMER_QUERY: Final = """
with
customer as (
    select * from gold.dim_customer where customer_key = $customer_key
),
sources as (
    select list(records order by records.source_record_id) as source_records
    from gold.customer_source_xref as xref
    inner join silver.customer_records as records
        on records.source_record_id = xref.source_record_id
    where xref.customer_key = $customer_key
),
weather as (
    select list(
        struct_pack(observed_on, temperature_max_c, temperature_min_c, precipitation_mm,
                    weather_source)
        order by observed_on
    ) as weather
    from gold.fct_customer_weather
    where customer_key = $customer_key
)
select customer.*, sources.source_records, weather.weather
from customer, sources, weather
"""

_BUILD: Final = """
create schema gold;
create schema silver;
create temp table areas as
select row_number() over (order by country_code, postal_code) - 1 as area, *
from read_csv('{areas}', header = true, all_varchar = true);

create temp table customers as
select
    i,
    'cust_' || left(sha256('customer' || i), 16) as customer_key,
    hash(i, 'area') % (select count(*) from areas) as area,
    -- the demo's shares of people with one to four source records: 55, 30, 11, 4 %
    case
        when hash(i, 'records') % 100 < 55 then 1
        when hash(i, 'records') % 100 < 85 then 2
        when hash(i, 'records') % 100 < 96 then 3
        else 4
    end as records
from range({customers}) as customers (i);

create table silver.customer_records as
select
    case when r = 0 or hash(i, r) % 3 = 0
        then 'crm:' || regexp_replace(md5('contact' || i || ':' || r),
            '^(.{{8}})(.{{4}})(.{{4}})(.{{4}})(.{{12}})$', '\\1-\\2-\\3-\\4-\\5')
        else 'spreadsheet:customers_' || (i % 40) || '.xlsx:Customers:' || (i * 4 + r + 2)
    end as source_record_id,
    split_part(source_record_id, ':', 1) as source_system,
    'First' || (hash(i, 'first') % 400) as first_name,
    'Last' || (hash(i, 'last') % 5000) as last_name,
    'person' || i || '@example.com' as email,
    '+4477' || lpad(cast(i as varchar), 8, '0') as phone,
    date '1940-01-01' + cast(hash(i, 'born') % 24000 as integer) as birth_date,
    (hash(i, 'house') % 200 + 1) || ' High Street' as address_line1,
    areas.area_name as city,
    areas.postal_code,
    areas.country_code,
    timestamptz '2020-01-01 00:00:00+00' + to_seconds(cast(hash(i, r, 'c') % 150000000 as bigint))
        as source_created_at,
    timestamptz '2025-01-01 00:00:00+00' + to_seconds(cast(hash(i, r, 'u') % 50000000 as bigint))
        as source_updated_at,
    case when source_system = 'crm' then 1 else 2 end as source_priority,
    customer_key
from customers
cross join lateral (select unnest(range(customers.records)) as r)
inner join areas on areas.area = customers.area
order by hash(source_record_id);

create table gold.customer_source_xref as
select
    source_record_id,
    source_system,
    customer_key,
    0.99 as match_probability,
    count(*) over (partition by customer_key) as cluster_size
from silver.customer_records
order by hash(source_record_id, 'xref');

create table gold.dim_customer as
select
    customer_key,
    min(first_name) as first_name,
    min(last_name) as last_name,
    min(email) as email,
    min(phone) as phone,
    min(birth_date) as birth_date,
    min(address_line1) as address_line1,
    min(city) as city,
    min(postal_code) as postal_code,
    min(country_code) as country_code,
    count(*) as source_record_count,
    string_agg(distinct source_system, ',' order by source_system) as source_systems,
    min(source_created_at) as first_seen_at,
    max(source_updated_at) as last_updated_at
from silver.customer_records
group by customer_key
order by hash(customer_key);

alter table silver.customer_records drop column customer_key;

create table silver.customer_weather_daily as
select
    areas.country_code,
    areas.postal_code,
    cast(day as date) as observed_on,
    round(5 + (hash(area, day, 'max') % 200) / 10, 1) as temperature_max_c,
    round(-5 + (hash(area, day, 'min') % 150) / 10, 1) as temperature_min_c,
    round((hash(area, day, 'rain') % 300) / 10, 1) as precipitation_mm,
    case when hash(area, day, 'source') % 50 = 0 then 'fallback:met-norway' else 'open-meteo' end
        as weather_source,
    timestamptz '{as_of} 01:00:00+00' as loaded_at
from areas
cross join range(date '{as_of}' - {weather_days}, date '{as_of}', interval 1 day) as days (day)
order by hash(area, day);

create table gold.fct_customer_weather as
select
    customers.customer_key,
    observations.observed_on,
    customers.country_code,
    customers.postal_code,
    observations.temperature_max_c,
    observations.temperature_min_c,
    observations.precipitation_mm,
    observations.weather_source
from gold.dim_customer as customers
inner join silver.customer_weather_daily as observations
    on customers.country_code = observations.country_code
    and customers.postal_code = observations.postal_code
where observations.observed_on >= date '{as_of}' - {window_days};
"""


#: Each table the query reads, with the columns a consumer looks it up by.
TABLE_KEYS: Final = (
    ("gold.dim_customer", "customer_key"),
    ("gold.customer_source_xref", "customer_key"),
    ("silver.customer_records", "source_record_id"),
    ("silver.customer_weather_daily", "country_code, postal_code, observed_on"),
    ("gold.fct_customer_weather", "customer_key, observed_on"),
)
VARIANTS: Final = ("random_order", "ordered_by_key")


def build_gold(database: Path, customers: int) -> dict[str, Any]:
    started = time.perf_counter()
    with duckdb.connect(str(database)) as connection:
        connection.execute("set enable_progress_bar = false")
        connection.execute(
            _BUILD.format(
                areas=POSTAL_AREAS,
                customers=customers,
                as_of=AS_OF.isoformat(),
                weather_days=WEATHER_DAYS,
                window_days=WINDOW_DAYS,
            )
        )
        rows = {
            table: connection.execute(f"select count(*) from {table}").fetchone()[0]  # type: ignore[index]
            for table, _ in TABLE_KEYS
        }
    return {
        "build_seconds": round(time.perf_counter() - started, 1),
        "rows": rows,
        "database_mib": round(database.stat().st_size / 2**20),
    }


def ordered_copy(source: Path, target: Path) -> None:
    """The same tables written in the order of their lookup keys, so DuckDB's zone maps
    (each row group's min and max) let a lookup skip almost every row group."""
    with duckdb.connect(str(target)) as connection:
        connection.execute("set enable_progress_bar = false")
        connection.execute(f"attach '{source}' as source (read_only)")
        connection.execute("create schema gold; create schema silver")
        for table, key in TABLE_KEYS:
            connection.execute(
                f"create table {table} as select * from source.{table} order by {key}"
            )


def time_lookups(database: Path, lookups: int, seed: int) -> dict[str, Any]:
    """Runs in a fresh process: the cold first query, then ``lookups`` random keys."""
    with duckdb.connect(str(database), read_only=True) as connection:
        keys = [
            row[0]
            for row in connection.execute(
                "select customer_key from gold.dim_customer order by hash(customer_key, $seed) "
                "limit $count",
                {"seed": seed, "count": lookups + 1},
            ).fetchall()
        ]
    # the key sample above warmed DuckDB's cache of dim_customer: reopen for the cold query
    with duckdb.connect(str(database), read_only=True) as connection:
        seconds, answers = [], []
        for key in keys:
            started = time.perf_counter()
            answer = connection.execute(CONSUMER_QUERY, {"customer_key": key}).fetchall()
            seconds.append(time.perf_counter() - started)
            answers.append(answer)
    return {
        "cold_first_seconds": seconds[0],
        "warm_seconds": seconds[1:],
        "every_answer_complete": all(
            len(rows) == 1 and len(rows[0][-2]) >= 1 and len(rows[0][-1]) == WINDOW_DAYS
            for rows in answers
        ),
    }


def _summary(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    warm = sorted(second for timed in rounds for second in timed["warm_seconds"])
    return {
        "lookups": len(warm),
        "cold_first_seconds_median": round(
            statistics.median(timed["cold_first_seconds"] for timed in rounds), 4
        ),
        "cold_first_seconds_rounds": [round(timed["cold_first_seconds"], 4) for timed in rounds],
        "median_seconds": round(statistics.median(warm), 4),
        "p95_seconds": round(warm[math.ceil(0.95 * len(warm)) - 1], 4),
        "max_seconds": round(warm[-1], 4),
        "median_seconds_rounds": [
            round(statistics.median(timed["warm_seconds"]), 4) for timed in rounds
        ],
        "every_answer_complete": all(timed["every_answer_complete"] for timed in rounds),
    }


def measure_gold_query(
    customers: int, lookups: int = 50, rounds: int = 3, seed: int = 12
) -> dict[str, Any]:
    """Both variants, alternated ``rounds`` times (the machine is shared: one round of
    either varies from the next), each round in a fresh process per variant."""
    with tempfile.TemporaryDirectory(prefix="bench_customer_gold_") as directory:
        databases = {
            variant: Path(directory) / variant / "warehouse.duckdb" for variant in VARIANTS
        }
        for database in databases.values():
            database.parent.mkdir()
        print(f"-- gold query: building {customers} customers", flush=True)
        built = build_gold(databases["random_order"], customers)
        ordered_copy(databases["random_order"], databases["ordered_by_key"])
        timed: dict[str, list[dict[str, Any]]] = {variant: [] for variant in VARIANTS}
        for round_number in range(rounds):
            for variant, database in databases.items():
                child = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "benchmarks.customer_gold_query",
                        str(database),
                        str(lookups),
                        str(seed + round_number),
                    ],
                    cwd=ROOT,
                    check=True,
                    capture_output=True,
                    text=True,
                )
                timed[variant].append(json.loads(child.stdout.strip().splitlines()[-1]))
    summaries = {variant: _summary(timed[variant]) for variant in VARIANTS}
    return {
        "customers": customers,
        **built,
        "target_seconds": TARGET_SECONDS,
        "rounds": rounds,
        **summaries,
        "ordered_vs_random_median_ratio": round(
            summaries["ordered_by_key"]["median_seconds"]
            / summaries["random_order"]["median_seconds"],
            3,
        ),
    }


if __name__ == "__main__":
    print(json.dumps(time_lookups(Path(sys.argv[1]), int(sys.argv[2]), seed=int(sys.argv[3]))))
