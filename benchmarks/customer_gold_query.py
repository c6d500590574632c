"""The gold query at a million customers: one customer, their source records and the last
30 days of weather where they live.

Building gold at that scale through the connectors, silver and the resolution takes many
minutes (the end-to-end benchmark measures that); the query only needs the four tables
it reads in their real shapes and sizes, so they are synthesised here with SQL:
``gold.dim_customer`` (one row per customer), ``gold.customer_source_xref`` and
``silver.customer_records`` (1.64 source records per customer on average, the demo's
shares 55/30/11/4 % of one to four records), ``silver.customer_weather_daily`` (every
reference postal area by 45 days, the demo's window) and ``gold.fct_customer_weather``
(each customer by the 30 days of the window, as its model builds it). Every table is
written in a random order of its keys, as the models' group-bys and hash joins leave
them, and has no index: what is measured is DuckDB scanning with its zone maps, not an
ordering the real build does not give.

The consumer's query is one statement (``CONSUMER_QUERY``) with the customer key as its
parameter. Timed in a fresh process: the first query after opening the warehouse (cold:
DuckDB's buffer cache empty; the operating system's file cache may hold the file), then
``lookups`` random customer keys.
"""

from __future__ import annotations

import json
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


def build_gold(database: Path, customers: int) -> dict[str, Any]:
    started = time.perf_counter()
    with duckdb.connect(str(database)) as connection:
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
            for table in (
                "gold.dim_customer",
                "gold.customer_source_xref",
                "silver.customer_records",
                "silver.customer_weather_daily",
                "gold.fct_customer_weather",
            )
        }
    return {
        "build_seconds": round(time.perf_counter() - started, 1),
        "rows": rows,
        "database_mib": round(database.stat().st_size / 2**20),
    }


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
    complete = [
        len(rows) == 1 and len(rows[0][-2]) >= 1 and len(rows[0][-1]) == WINDOW_DAYS
        for rows in answers
    ]
    warm = sorted(seconds[1:])
    return {
        "lookups": len(warm),
        "cold_first_seconds": round(seconds[0], 4),
        "median_seconds": round(statistics.median(warm), 4),
        "p95_seconds": round(warm[max(0, round(0.95 * len(warm)) - 1)], 4),
        "max_seconds": round(warm[-1], 4),
        "every_answer_complete": all(complete),
        "source_records_per_answer_max": max(len(rows[0][-2]) for rows in answers),
    }


def measure_gold_query(customers: int, lookups: int = 50, seed: int = 12) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench_customer_gold_") as directory:
        database = Path(directory) / "warehouse.duckdb"
        print(f"-- gold query: building {customers} customers", flush=True)
        built = build_gold(database, customers)
        child = subprocess.run(
            [sys.executable, "-m", "benchmarks.customer_gold_query", str(database), str(lookups)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        timed = json.loads(child.stdout.strip().splitlines()[-1])
    return {
        "customers": customers,
        **built,
        **timed,
        "target_seconds": TARGET_SECONDS,
        "index_or_ordering": "none: tables in random key order, no index",
    }


if __name__ == "__main__":
    print(json.dumps(time_lookups(Path(sys.argv[1]), int(sys.argv[2]), seed=12)))
