"""The demo's people and their source records, with every planted difference.

A person has one to four source records (``RECORD_COUNT_SHARES``); each record lives in
the CRM or in a workbook, so a person may sit in both or twice in one. The first record
is the person as they are (still missing what people leave out); every later one is a
duplicate corrupted at the ``DUPLICATE_RATES``. Invalid values are planted in any record
at the ``INVALID_RATES``. Every rate is documented in docs/customer-demo-data.md, and
tests/customer/test_demo_source.py measures them.

Values are drawn from ``RandomStreams`` keyed by the person (``person_id``) or the record
(``record_key`` = person_id * RECORD_SLOTS + slot), so person 7 is the same whatever the
population size, and a record is the same in every run until an update changes it.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Final

import polars as pl

from platform_assets.domains.customer.demo_source import vocabulary as words
from platform_assets.domains.customer.demo_source.corruption import (
    TYPO_KINDS,
    by_case,
    email_case_noise,
    malformed_email,
    pick,
    typos,
)
from platform_assets.domains.customer.postal_areas import load_postal_areas
from platform_assets.ingestion.random_streams import RandomStreams, hex_digits

DEFAULT_SEED: Final = 12
RECORD_SLOTS: Final = 4
#: Share of people with 1, 2, 3 and 4 source records (mean 1.64 records per person).
RECORD_COUNT_SHARES: Final = (0.55, 0.30, 0.11, 0.04)
MEAN_RECORDS_PER_PERSON: Final = sum(
    count * share for count, share in enumerate(RECORD_COUNT_SHARES, start=1)
)
#: A person's first record is in the CRM at this rate, every later one at the second.
CRM_SHARE_FIRST, CRM_SHARE_DUPLICATE = 0.6, 0.5
#: People who never gave an email or a phone: only name, birth date and address link them.
NO_CONTACT_SHARE: Final = 0.12
BORN_FROM, BORN_UNTIL = date(1940, 1, 1), date(2005, 12, 31)

#: Missing values in any record, duplicate or not (people leave fields out).
BASELINE_MISSING: Final = {"email": 0.08, "phone": 0.08, "birth_date": 0.04}
#: What a duplicate record does differently from its person, each drawn independently.
DUPLICATE_RATES: Final = {
    "nickname": 0.15,  # of duplicates whose first name has a nickname
    "first_name_typo": 0.15,
    "last_name_typo": 0.15,
    "swapped_names": 0.05,
    "email_missing": 0.25,
    "email_changed": 0.10,
    "phone_missing": 0.25,
    "phone_changed": 0.10,
    "moved": 0.15,
    "birth_date_missing": 0.10,
}
#: Invalid values planted in any record (of the records that hold such a value).
INVALID_RATES: Final = {
    "malformed_email": 0.02,
    "impossible_phone": 0.02,
    "unknown_postal_code": 0.02,
    "unknown_country": 0.01,
    "unparseable_birth_date": 0.03,  # workbooks only: Dataverse types its dates
}
#: How a phone number is written: national with spaces or dashes, international, digits.
PHONE_STYLES: Final = ("national_spaced", "national_dashed", "international", "national_digits")
INTERNATIONAL_STYLE: Final = PHONE_STYLES.index("international")
#: Case and spacing noise (valid values written differently).
EMAIL_CASE_NOISE: Final = 0.15
POSTAL_CODE_LOWER_CASE: Final = 0.05


@dataclass(frozen=True)
class Population:
    seed: int
    people: int


def people_for(source_records: int) -> int:
    """How many people make about ``source_records`` records (the benchmarks' sizes)."""
    return max(1, round(source_records / MEAN_RECORDS_PER_PERSON))


def _zipf(count: int, offset: int) -> list[float]:
    """Cumulative Zipf-like weights 1/(rank + offset), normalised to end at 1."""
    cumulative = list(itertools.accumulate(1.0 / (rank + offset) for rank in range(count)))
    return [value / cumulative[-1] for value in cumulative]


def _weighted(frame: pl.DataFrame, draw: str, cumulative: Sequence[float]) -> pl.Series:
    """Index into a list by the cumulative weights, per row's uniform ``draw`` column."""
    index = pl.Series(cumulative).search_sorted(frame[draw], side="right")
    return index.cast(pl.Int64).clip(0, len(cumulative) - 1)


@lru_cache(maxsize=1)
def area_columns() -> pl.DataFrame:
    """The reference's postal areas by ``area_idx`` (their order in the seed, which is
    sorted by country), with where their country's areas start and how many it has."""
    return (
        pl.DataFrame(
            [(a.country_code, a.postal_code, a.area_name) for a in load_postal_areas()],
            schema=["country_code", "postal_code", "city"],
            orient="row",
        )
        .with_row_index("area_idx")
        .with_columns(
            country_start=pl.col("area_idx").min().over("country_code").cast(pl.Int64),
            country_size=pl.len().over("country_code").cast(pl.Int64),
        )
    )


_AREA_COLUMNS: Final = ("country_code", "postal_code", "city", "country_start", "country_size")


def with_area(frame: pl.DataFrame) -> pl.DataFrame:
    """Country, postal code and city of each row's ``area_idx``."""
    return frame.drop(*_AREA_COLUMNS, strict=False).join(area_columns(), on="area_idx", how="left")


def moved_area(draw: pl.Expr) -> pl.Expr:
    """Another area of the same country (a move abroad would strand the phone number's
    country): ``draw`` is any non-negative integer per row."""
    local = pl.col("area_idx").cast(pl.Int64) - pl.col("country_start")
    step = 1 + draw % (pl.col("country_size") - 1)
    return (pl.col("country_start") + (local + step) % pl.col("country_size")).cast(pl.UInt32)


def by_country(options: Mapping[str, Sequence[str]], draw: pl.Expr) -> pl.Expr:
    """One of the row's country's ``options`` per row, chosen by ``draw`` (a
    non-negative integer): one lookup into all countries' options laid end to end."""
    countries = list(options)
    sizes = [len(options[country]) for country in countries]
    starts = [0, *itertools.accumulate(sizes)][:-1]
    flat = [value for country in countries for value in options[country]]

    def per_country(values: Sequence[int]) -> pl.Expr:
        return pl.col("country_code").replace_strict(countries, values, return_dtype=pl.Int64)

    return pick(flat, per_country(starts) + draw % per_country(sizes))


def _plan(attribute: str) -> pl.Expr:
    """A NumberingPlan attribute of the row's country."""
    plans = words.NUMBERING_PLANS
    values = [getattr(plan, attribute) for plan in plans.values()]
    return pl.col("country_code").replace_strict(list(plans), values)


def with_address(
    frame: pl.DataFrame, streams: RandomStreams, stream: str, column: str, key: pl.Expr
) -> pl.DataFrame:
    """Adds ``column``: a street address in the row's country's style (the house number
    before or after the street)."""
    frame = frame.with_columns(
        _street=by_country(words.STREETS, streams.integers(stream, 0, 840, key)),
        _number=streams.integers(f"{stream}_number", 1, 200, key).cast(pl.String),
    )
    return frame.with_columns(
        pl.when(pl.col("country_code").is_in(list(words.NUMBER_FIRST)))
        .then(pl.concat_str("_number", pl.lit(" "), "_street"))
        .otherwise(pl.concat_str("_street", pl.lit(" "), "_number"))
        .alias(column)
    ).drop("_street", "_number")


def with_phone_number(
    frame: pl.DataFrame, streams: RandomStreams, stream: str, column: str, key: pl.Expr
) -> pl.DataFrame:
    """Adds ``column``: a national significant number under the row's country's mobile
    numbering plan. The first random digit is never 0 or 1 (a US exchange)."""
    leading = {country: plan.leading for country, plan in words.NUMBERING_PLANS.items()}
    rest = streams.integers(stream, 0, 10**8, key).cast(pl.String).str.zfill(8)
    number = pl.concat_str(
        by_country(leading, streams.integers(f"{stream}_lead", 0, 840, key)),
        streams.integers(f"{stream}_first", 2, 10, key).cast(pl.String),
        rest.str.slice(0, _plan("random_digits") - 1),
    )
    return frame.with_columns(number.alias(column))


def email_address(
    first: pl.Expr, last: pl.Expr, style: pl.Expr, number: pl.Expr, domain: pl.Expr
) -> pl.Expr:
    """``first.last12@``, ``flast12@`` or ``last_first12@`` (by ``style``) at the
    ``domain``-th of EMAIL_DOMAINS: lower case, ASCII letters only."""
    ascii_map = {"ü": "ue", "ö": "oe", "ä": "ae", "é": "e", "è": "e", "ç": "c", "ß": "ss"}

    def clean(name: pl.Expr) -> pl.Expr:
        return name.str.to_lowercase().str.replace_many(ascii_map).str.replace_all(r"[^a-z]", "")

    local = (
        pl.when(style == 0)
        .then(pl.concat_str(clean(first), pl.lit("."), clean(last)))
        .when(style == 1)
        .then(pl.concat_str(clean(first).str.slice(0, 1), clean(last)))
        .otherwise(pl.concat_str(clean(last), pl.lit("_"), clean(first)))
    )
    return pl.concat_str(
        local, number.cast(pl.String), pl.lit("@"), pick(words.EMAIL_DOMAINS, domain)
    )


def persons(population: Population) -> pl.DataFrame:
    """One row per person: who they are, where they live, how to reach them."""
    streams = RandomStreams(population.seed)
    person = pl.col("person_id")
    frame = pl.DataFrame(
        {"person_id": pl.int_range(population.people, dtype=pl.Int64, eager=True)}
    ).with_columns(
        u_first=streams.uniform("first_name", person),
        u_last=streams.uniform("last_name", person),
        u_count=streams.uniform("record_count", person),
        tail=streams.uniform("tail_surname", person) < words.TAIL_SURNAME_SHARE,
        tail_prefix=streams.integers("tail_prefix", 0, len(words.SURNAME_PREFIXES), person),
        tail_suffix=streams.integers("tail_suffix", 0, len(words.SURNAME_SUFFIXES), person),
        area_idx=streams.integers("area", 0, area_columns().height, person).cast(pl.UInt32),
        born_offset=streams.integers("birth_date", 0, (BORN_UNTIL - BORN_FROM).days + 1, person),
        no_contact=streams.uniform("no_contact", person) < NO_CONTACT_SHARE,
        email_style=streams.integers("email_style", 0, 3, person),
        email_number=streams.integers("email_number", 1, 100, person) + person % 9973 * 100,
        email_domain=streams.integers("email_domain", 0, len(words.EMAIL_DOMAINS), person),
    )
    counts = list(itertools.accumulate(RECORD_COUNT_SHARES))
    frame = frame.with_columns(
        first_name=pick(
            words.FIRST_NAMES, _weighted(frame, "u_first", _zipf(len(words.FIRST_NAMES), 10))
        ),
        last_name=pl.when(pl.col("tail"))
        .then(
            pl.concat_str(
                pick(words.SURNAME_PREFIXES, pl.col("tail_prefix")),
                pick(words.SURNAME_SUFFIXES, pl.col("tail_suffix")),
            )
        )
        .otherwise(
            pick(words.SURNAMES, _weighted(frame, "u_last", _zipf(len(words.SURNAMES), 10)))
        ),
        birth_date=pl.lit(BORN_FROM) + pl.duration(days=pl.col("born_offset")),
        record_count=1 + _weighted(frame, "u_count", counts),
    )
    frame = with_area(frame)
    frame = with_address(frame, streams, "address", "address_line1", person)
    frame = with_phone_number(frame, streams, "phone", "phone_number", person)
    return frame.with_columns(
        email=email_address(
            pl.col("first_name"),
            pl.col("last_name"),
            pl.col("email_style"),
            pl.col("email_number"),
            pl.col("email_domain"),
        ),
    ).select(
        "person_id", "first_name", "last_name", "birth_date", "area_idx", *_AREA_COLUMNS,
        "address_line1", "email", "phone_number", "no_contact", "record_count",
    )  # fmt: skip


def source_records(population: Population) -> pl.DataFrame:
    """Every source record of the population as of the first run, clean values still
    unformatted (phones as national significant numbers, countries as codes), with
    ``source_system`` and the truth ``person_id``."""
    streams = RandomStreams(population.seed)
    key = pl.col("record_key")
    records = (
        persons(population)
        .with_columns(slot=pl.int_ranges(0, pl.col("record_count")))
        .explode("slot")
        .with_columns(record_key=pl.col("person_id") * RECORD_SLOTS + pl.col("slot"))
    )
    duplicate = pl.col("slot") > 0
    draws = {
        name: duplicate & (streams.uniform(name, key) < rate)
        for name, rate in DUPLICATE_RATES.items()
    }
    baseline = {
        name: streams.uniform(f"baseline_{name}_missing", key) < rate
        for name, rate in BASELINE_MISSING.items()
    }
    crm_share = pl.when(duplicate).then(CRM_SHARE_DUPLICATE).otherwise(CRM_SHARE_FIRST)
    records = records.with_columns(
        **draws,
        **{f"baseline_{name}": draw for name, draw in baseline.items()},
        source_system=pl.when(streams.uniform("source", key) < crm_share)
        .then(pl.lit("crm"))
        .otherwise(pl.lit("spreadsheet")),
    )
    records = with_phone_number(records, streams, "changed_phone", "changed_phone", key)
    nickname = pl.col("first_name").replace_strict(
        words.NICKNAMES, default=None, return_dtype=pl.String
    )

    records = records.with_columns(
        first_name=pl.when(pl.col("nickname") & nickname.is_not_null())
        .then(nickname)
        .otherwise(pl.col("first_name"))
    )
    for name in ("first_name", "last_name"):
        unchanged = len(TYPO_KINDS)
        kind = pl.when(pl.col(f"{name}_typo")).then(
            streams.integers(f"{name}_typo_kind", 0, len(TYPO_KINDS), key)
        )
        edits = typos(
            pl.col(name),
            streams.uniform(f"{name}_typo_at", key),
            streams.uniform(f"{name}_typo_letter", key),
        )
        records = by_case(
            records, kind.fill_null(unchanged), name, (*edits, pl.col(name)), "record_key"
        )
    swapped = pl.col("swapped_names")
    changed_email = email_address(
        pl.col("first_name"),
        pl.col("last_name"),
        streams.integers("changed_email_style", 0, 3, key),
        streams.integers("changed_email_number", 100, 10**6, key),
        streams.integers("changed_email_domain", 0, len(words.EMAIL_DOMAINS), key),
    )
    records = records.with_columns(
        first_name=pl.when(swapped).then(pl.col("last_name")).otherwise(pl.col("first_name")),
        last_name=pl.when(swapped).then(pl.col("first_name")).otherwise(pl.col("last_name")),
        email=pl.when(pl.col("no_contact") | pl.col("baseline_email") | pl.col("email_missing"))
        .then(None)
        .when(pl.col("email_changed"))
        .then(changed_email)
        .otherwise(pl.col("email")),
        phone_number=pl.when(
            pl.col("no_contact") | pl.col("baseline_phone") | pl.col("phone_missing")
        )
        .then(None)
        .when(pl.col("phone_changed"))
        .then(pl.col("changed_phone"))
        .otherwise(pl.col("phone_number")),
        birth_date=pl.when(pl.col("baseline_birth_date") | pl.col("birth_date_missing"))
        .then(None)
        .otherwise(pl.col("birth_date")),
        area_idx=pl.when(pl.col("moved"))
        .then(moved_area(streams.integers("moved_area", 0, 10**6, key)))
        .otherwise(pl.col("area_idx")),
    )
    records = with_address(with_area(records), streams, "moved_address", "moved_address", key)
    return records.with_columns(
        address_line1=pl.when(pl.col("moved"))
        .then(pl.col("moved_address"))
        .otherwise(pl.col("address_line1"))
    ).select(
        "person_id", "record_key", "slot", "source_system", "first_name", "last_name",
        "birth_date", "area_idx", *_AREA_COLUMNS, "address_line1", "email", "phone_number",
        *DUPLICATE_RATES,
    )  # fmt: skip


def with_invalid_values(records: pl.DataFrame, seed: int) -> pl.DataFrame:
    """Plant the INVALID_RATES and write the valid values as people type them: phones in
    one of four national or international styles, emails with case noise, countries
    by name or code, a few postal codes in lower case. Adds ``birth_date_text``."""
    streams = RandomStreams(seed)
    key = pl.col("record_key")

    def u(stream: str) -> pl.Expr:
        return streams.uniform(stream, key)

    email = email_case_noise(
        pl.col("email"),
        pl.when(u("email_case") < EMAIL_CASE_NOISE)
        .then(streams.integers("email_case_style", 0, 2, key))
        .otherwise(2),
    )
    spreadsheet = pl.col("source_system") == "spreadsheet"
    phone_case = (
        pl.when(pl.col("phone_number").is_null())
        .then(0)
        .when(u("impossible_phone") < INVALID_RATES["impossible_phone"])
        .then(1)
        .otherwise(2 + streams.integers("phone_style", 0, len(PHONE_STYLES), key))
    )
    impossible = pick(words.IMPOSSIBLE_PHONES, streams.integers("impossible", 0, 97, key))
    records = by_case(
        records,
        phone_case,
        "phone",
        (pl.lit(None, dtype=pl.String), impossible, *phone_styles()),
        "record_key",
    )
    return records.with_columns(
        email=pl.when(u("malformed_email") < INVALID_RATES["malformed_email"])
        .then(
            malformed_email(
                pl.col("email"),
                streams.integers("malformed_pattern", 0, len(words.MALFORMED_EMAIL_PATTERNS), key),
            )
        )
        .otherwise(email),
        postal_code=pl.when(u("unknown_postal") < INVALID_RATES["unknown_postal_code"])
        .then(
            by_country(
                words.UNKNOWN_POSTAL_CODES, streams.integers("unknown_postal_pick", 0, 97, key)
            )
        )
        .when(u("postal_lower") < POSTAL_CODE_LOWER_CASE)
        .then(pl.col("postal_code").str.to_lowercase())
        .otherwise(pl.col("postal_code")),
        country=pl.when(u("unknown_country") < INVALID_RATES["unknown_country"])
        .then(pick(words.UNKNOWN_COUNTRIES, streams.integers("unknown_country_pick", 0, 97, key)))
        .otherwise(
            by_country(words.COUNTRY_SPELLINGS, streams.integers("country_spelling", 0, 840, key))
        ),
        birth_date_text=pl.when(
            spreadsheet
            & pl.col("birth_date").is_not_null()
            & (u("unparseable_date") < INVALID_RATES["unparseable_birth_date"])
        )
        .then(pick(words.UNPARSEABLE_DATES, streams.integers("unparseable_pick", 0, 97, key)))
        .otherwise(pl.col("birth_date").dt.strftime("%Y-%m-%d")),
    )


def phone_styles() -> tuple[pl.Expr, ...]:
    """The national significant number in ``phone_number`` written in each of the
    PHONE_STYLES: split into its country's groups (a missing group is null, which
    ``concat_str`` skips with its separator)."""
    plans = words.NUMBERING_PLANS
    most = max(len(plan.groups) for plan in plans.values())
    groups = []
    start: pl.Expr = pl.lit(0, dtype=pl.Int64)
    for length in (_plan_group(index) for index in range(most)):
        groups.append(pl.when(length > 0).then(pl.col("phone_number").str.slice(start, length)))
        start = start + length
    trunk = _plan("trunk")
    national = [pl.concat_str(trunk, groups[0]), *groups[1:]]
    international = [pl.concat_str(pl.lit("+"), _plan("calling_code")), *groups]
    return (
        pl.concat_str(national, separator=" ", ignore_nulls=True),
        pl.concat_str(national, separator="-", ignore_nulls=True),
        pl.concat_str(international, separator=" ", ignore_nulls=True),
        pl.concat_str(trunk, pl.col("phone_number")),
    )


def _plan_group(index: int) -> pl.Expr:
    """Length of the row's country's ``index``-th national group (0 past the last)."""
    plans = words.NUMBERING_PLANS
    lengths = [plan.groups[index] if index < len(plan.groups) else 0 for plan in plans.values()]
    return pl.col("country_code").replace_strict(list(plans), lengths, return_dtype=pl.Int64)


def guid(streams: RandomStreams, stream: str, key: pl.Expr, frame: pl.DataFrame) -> pl.Series:
    """A Dataverse-style GUID (8-4-4-4-12 lowercase hex) per row of ``frame``."""
    bits = frame.select(a=streams.bits(f"{stream}_a", key), b=streams.bits(f"{stream}_b", key))
    hex32 = pl.DataFrame([hex_digits(bits["a"]), hex_digits(bits["b"])]).select(
        pl.concat_str("a", "b").alias("hex")
    )
    return hex32.select(
        pl.concat_str(
            [pl.col("hex").str.slice(start, length) for start, length in _GUID_GROUPS],
            separator="-",
        )
    ).to_series()


_GUID_GROUPS: Final = ((0, 8), (8, 4), (12, 4), (16, 4), (20, 12))
