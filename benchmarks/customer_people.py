"""Seeded synthetic customer records with known duplicates, shaped like
``silver.customer_records``: what the linkage model is trained and measured on.

Why not the demo source: the demo generator of the customer domain was not yet in the
tree when the model was trained (issue 12); this generator plants the same kinds of
corruption, at rates stated here and in docs/identity-resolution.md, so the figures are
comparable and reproducible. Each person has 1 to 4 records across the CRM and
spreadsheets; every record after the first is a corrupted copy.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from itertools import combinations
from typing import Any, Final

import pyarrow as pa

from platform_assets.domains.customer.postal_areas import load_postal_areas

FIRST_NAMES: Final = [
    "james",
    "mary",
    "john",
    "patricia",
    "robert",
    "jennifer",
    "michael",
    "linda",
    "william",
    "elizabeth",
    "david",
    "barbara",
    "richard",
    "susan",
    "joseph",
    "jessica",
    "thomas",
    "sarah",
    "charles",
    "karen",
    "christopher",
    "nancy",
    "daniel",
    "lisa",
    "matthew",
    "betty",
    "anthony",
    "margaret",
    "mark",
    "sandra",
    "donald",
    "ashley",
    "steven",
    "kimberly",
    "paul",
    "emily",
    "andrew",
    "donna",
    "joshua",
    "michelle",
    "kenneth",
    "carol",
    "kevin",
    "amanda",
    "brian",
    "melissa",
    "george",
    "deborah",
    "timothy",
    "stephanie",
    "ronald",
    "rebecca",
    "edward",
    "sharon",
    "jason",
    "laura",
    "jeffrey",
    "cynthia",
    "ryan",
    "kathleen",
    "jacob",
    "amy",
    "gary",
    "angela",
    "nicholas",
    "shirley",
    "eric",
    "anna",
    "jonathan",
    "brenda",
    "stephen",
    "pamela",
    "larry",
    "emma",
    "justin",
    "nicole",
    "scott",
    "helen",
    "brandon",
    "samantha",
    "benjamin",
    "katherine",
    "samuel",
    "christine",
    "lukas",
    "leon",
    "finn",
    "jonas",
    "noah",
    "elias",
    "paul",
    "ben",
    "luis",
    "felix",
    "hannah",
    "lea",
    "lena",
    "mia",
    "sophie",
    "marie",
    "louis",
    "gabriel",
    "jules",
    "adam",
    "hugo",
    "arthur",
    "chloe",
    "camille",
    "ines",
    "manon",
    "sem",
    "daan",
    "lucas",
    "levi",
    "tess",
    "julia",
    "zoe",
    "sanne",
    "fenna",
]
#: Nicknames a person gives instead of their first name (about one duplicate in ten).
NICKNAMES: Final = {
    "william": "bill",
    "robert": "bob",
    "richard": "dick",
    "james": "jim",
    "john": "jack",
    "elizabeth": "liz",
    "margaret": "maggie",
    "katherine": "kate",
    "michael": "mike",
    "thomas": "tom",
    "joseph": "joe",
    "christopher": "chris",
    "daniel": "dan",
    "matthew": "matt",
    "anthony": "tony",
    "jennifer": "jen",
    "patricia": "pat",
    "samantha": "sam",
    "benjamin": "ben",
    "nicholas": "nick",
    "jonathan": "jon",
    "stephanie": "steph",
    "rebecca": "becky",
    "deborah": "debbie",
    "kimberly": "kim",
}
_SYLLABLES: Final = [
    "ber",
    "mann",
    "son",
    "ner",
    "ker",
    "ter",
    "ton",
    "ley",
    "field",
    "wood",
    "ing",
    "sch",
    "mid",
    "hof",
    "bach",
    "stein",
    "berg",
    "ard",
    "eau",
    "ier",
    "van",
    "den",
    "dijk",
    "veld",
    "smit",
    "jan",
    "sen",
    "bro",
    "wn",
    "tay",
    "lor",
    "mar",
    "tin",
    "gar",
    "cia",
    "mul",
    "ler",
    "fis",
    "her",
    "wag",
    "kel",
    "lin",
    "rich",
    "ard",
    "wil",
    "kins",
    "hol",
    "land",
]
STREETS: Final = [
    "high street",
    "main street",
    "church road",
    "station road",
    "park avenue",
    "mill lane",
    "hauptstrasse",
    "bahnhofstrasse",
    "schulstrasse",
    "rue de la paix",
    "rue victor hugo",
    "kerkstraat",
    "dorpsstraat",
    "maple avenue",
    "oak street",
    "elm street",
    "cedar lane",
    "lake view",
    "king street",
    "queen street",
]
EMAIL_DOMAINS: Final = ("example.com", "example.org", "mail.example", "post.example")

#: Corruption rates of a duplicate record (each applied independently).
RATES: Final = {
    "typo_in_name": 0.25,
    "nickname": 0.10,
    "swapped_names": 0.05,
    "email_missing": 0.35,
    "email_changed": 0.10,
    "phone_missing": 0.40,
    "phone_changed": 0.10,
    "moved_address": 0.15,
    "birth_date_typo": 0.05,
    "birth_date_missing": 0.05,
}
#: How many records a person has: 1 (60 %), 2 (25 %), 3 (10 %), 4 (5 %).
RECORDS_PER_PERSON: Final = ((1, 0.60), (2, 0.25), (3, 0.10), (4, 0.05))

SCHEMA: Final = pa.schema(
    [
        ("source_record_id", pa.string()),
        ("source_system", pa.string()),
        ("first_name", pa.string()),
        ("last_name", pa.string()),
        ("email", pa.string()),
        ("phone", pa.string()),
        ("birth_date", pa.date32()),
        ("address_line1", pa.string()),
        ("city", pa.string()),
        ("postal_code", pa.string()),
        ("country_code", pa.string()),
        ("source_updated_at", pa.timestamp("us", tz="UTC")),
        ("source_priority", pa.int32()),
        ("person_id", pa.int64()),
    ]
)
_COUNTRY_PHONE_PREFIX: Final = {
    "GB": "+447",
    "DE": "+4915",
    "FR": "+336",
    "NL": "+316",
    "US": "+1212",
}


def _surname(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 2, 3))))


def _typo(rng: random.Random, value: str) -> str:
    if len(value) < 3:
        return value
    position = rng.randrange(1, len(value) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return value[:position] + value[position + 1 :]
    if kind == 1:
        return value[:position] + value[position + 1] + value[position] + value[position + 2 :]
    return value[:position] + rng.choice("aeiounrst") + value[position + 1 :]


def _person(rng: random.Random, person_id: int, areas: list[Any]) -> dict[str, Any]:
    first, last = rng.choice(FIRST_NAMES), _surname(rng)
    area = rng.choice(areas)
    return {
        "first_name": first,
        "last_name": last,
        "email": f"{first}.{last}{rng.randrange(100)}@{rng.choice(EMAIL_DOMAINS)}",
        "phone": _COUNTRY_PHONE_PREFIX[area.country_code] + f"{rng.randrange(10**7):07d}",
        "birth_date": dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(24_000)),
        "address_line1": f"{rng.randrange(1, 200)} {rng.choice(STREETS)}",
        "city": area.area_name,
        "postal_code": area.postal_code,
        "country_code": area.country_code,
        "person_id": person_id,
    }


def _duplicate(rng: random.Random, person: dict[str, Any], areas: list[Any]) -> dict[str, Any]:
    record = dict(person)
    if rng.random() < RATES["nickname"] and record["first_name"] in NICKNAMES:
        record["first_name"] = NICKNAMES[record["first_name"]]
    if rng.random() < RATES["typo_in_name"]:
        field = rng.choice(("first_name", "last_name"))
        record[field] = _typo(rng, record[field])
    if rng.random() < RATES["swapped_names"]:
        record["first_name"], record["last_name"] = record["last_name"], record["first_name"]
    if rng.random() < RATES["email_changed"]:
        record["email"] = f"{record['last_name']}{rng.randrange(1000)}@{rng.choice(EMAIL_DOMAINS)}"
    if rng.random() < RATES["email_missing"]:
        record["email"] = None
    if rng.random() < RATES["phone_changed"]:
        record["phone"] = record["phone"][:-4] + f"{rng.randrange(10**4):04d}"
    if rng.random() < RATES["phone_missing"]:
        record["phone"] = None
    if rng.random() < RATES["moved_address"]:
        area = rng.choice([a for a in areas if a.country_code == record["country_code"]])
        record["address_line1"] = f"{rng.randrange(1, 200)} {rng.choice(STREETS)}"
        record["city"], record["postal_code"] = area.area_name, area.postal_code
    if rng.random() < RATES["birth_date_typo"]:
        born = record["birth_date"]
        record["birth_date"] = (
            born.replace(day=born.month, month=born.day)
            if born.day <= 12
            else born + dt.timedelta(days=rng.choice((-1, 1, 365, -365)))
        )
    if rng.random() < RATES["birth_date_missing"]:
        record["birth_date"] = None
    return record


def _records(count: int, seed: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    areas = load_postal_areas()
    sizes, weights = zip(*RECORDS_PER_PERSON, strict=True)
    updated = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    person_id = produced = 0
    while produced < count:
        person = _person(rng, person_id, areas)
        for copy in range(min(rng.choices(sizes, weights)[0], count - produced)):
            record = person if copy == 0 else _duplicate(rng, person, areas)
            system = "crm" if rng.random() < 0.6 else "spreadsheet"
            yield {
                **record,
                "first_name": record["first_name"].title() if record["first_name"] else None,
                "last_name": record["last_name"].title() if record["last_name"] else None,
                "source_record_id": f"{system}:p{person_id:08d}-{copy}",
                "source_system": system,
                "source_updated_at": updated - dt.timedelta(days=rng.randrange(2000)),
                "source_priority": 1 if system == "crm" else 2,
            }
            produced += 1
        person_id += 1


def synthetic_records(count: int, seed: int = 12) -> pa.Table:
    """``count`` records (with a ``person_id`` truth column), the same for the same seed."""
    return pa.Table.from_pylist(list(_records(count, seed)), schema=SCHEMA)


def true_pairs(records: pa.Table) -> set[tuple[str, str]]:
    """Every pair of records of one person, (smaller id, larger id)."""
    by_person: dict[int, list[str]] = {}
    for record_id, person in zip(
        records.column("source_record_id").to_pylist(),
        records.column("person_id").to_pylist(),
        strict=True,
    ):
        by_person.setdefault(person, []).append(record_id)
    return {pair for ids in by_person.values() for pair in combinations(sorted(ids), 2)}
