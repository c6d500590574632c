"""Authors in staging are keyed pseudonyms, not reversible hashes (issue 10, item 13).

An unsalted ``sha256(lower(name))`` of the authors was reversed for 48 of 48 names by
hashing a list of names. Here the staging models that hold people are built by real dbt
on a real DuckDB file from the DORA scenario's raw tables (tests/dora_metrics), under
explicit keys and under the generated local key, and attacked the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.dora_metrics.scenario import (
    COMMITS,
    PULL_REQUEST_REVIEWS,
    PULL_REQUESTS,
    land_raw_tables,
    run_dbt,
)

KEY_ENV = "PLATFORM_PII_HMAC_KEY"
KEY_FILE = "pii_hmac.key"
#: Two keys on either side of SHA-256's 64-byte block, which HMAC handles differently.
SHORT_KEY = "0123456789abcdef0123456789abcdef"
LONG_KEY = "a long pass phrase, longer than one SHA-256 block of sixty-four bytes" * 2

#: Each staging model that holds people: its pseudonym column, its natural key, and the
#: raw table and natural key its person comes from.
PEOPLE = {
    "stg_dora__commits": ("author_hash", "repo || '@' || sha", "commits", "repo || '@' || sha"),
    "stg_dora__pull_requests": ("author_hash", "pr_id", "pull_requests", "pr_id"),
    "stg_dora__pull_request_reviews": (
        "reviewer_hash",
        "review_id",
        "pull_request_reviews",
        "review_id",
    ),
}
AUTHORS = sorted(
    {row[2] for row in COMMITS}
    | {row[3] for row in PULL_REQUESTS}
    | {row[2] for row in PULL_REQUEST_REVIEWS}
)


@dataclass(frozen=True)
class StagingBuild:
    directory: Path
    completed: subprocess.CompletedProcess

    @property
    def warehouse(self) -> Path:
        return self.directory / "warehouse.duckdb"

    def pseudonyms(self) -> dict[tuple[str, str], tuple[str, str | None]]:
        """(model, row) -> (the raw name, its pseudonym in staging)."""
        found = {}
        with duckdb.connect(str(self.warehouse), read_only=True) as connection:
            for model, (column, key, raw_table, raw_key) in PEOPLE.items():
                for row, name, pseudonym in connection.execute(
                    f"select staged.row_key, raw.author, staged.{column} "
                    f"from (select lower(trim({key})) as row_key, {column} from staging.{model}) "
                    f"as staged "
                    f"join (select lower(trim({raw_key})) as row_key, author "
                    f"      from raw.{raw_table}) as raw using (row_key)"
                ).fetchall():
                    found[(model, row)] = (name, pseudonym)
        return found


def build_staging(directory: Path, key: str | None) -> StagingBuild:
    """`dbt build` of the staging models that hold people (and their tests), with ``key``
    as PLATFORM_PII_HMAC_KEY (None: unset); the raw tables are landed on first use."""
    directory.mkdir(parents=True, exist_ok=True)
    warehouse = directory / "warehouse.duckdb"
    if not warehouse.exists():
        land_raw_tables(warehouse)
    with pytest.MonkeyPatch.context() as environment:
        if key is None:
            environment.delenv(KEY_ENV, raising=False)
        else:
            environment.setenv(KEY_ENV, key)
        # cautious: not the tests of other models that merely refer to these
        arguments = ["build", "--select", *PEOPLE, "--indirect-selection", "cautious"]
        completed = run_dbt([*arguments, "--threads", "1"], directory, warehouse)
    return StagingBuild(directory, completed)


def built(build: StagingBuild) -> StagingBuild:
    assert build.completed.returncode == 0, build.completed.stdout[-3000:]
    return build


def keyed_hmac(key: str, name: str) -> str:
    return hmac.new(key.encode(), name.strip().lower().encode(), hashlib.sha256).hexdigest()


@pytest.fixture(scope="module")
def short_key_build(tmp_path_factory: pytest.TempPathFactory) -> StagingBuild:
    return built(build_staging(tmp_path_factory.mktemp("short_key"), SHORT_KEY))


@pytest.fixture(scope="module")
def long_key_build(tmp_path_factory: pytest.TempPathFactory) -> StagingBuild:
    return built(build_staging(tmp_path_factory.mktemp("long_key"), LONG_KEY))


def test_a_dictionary_of_the_authors_names_reverses_no_pseudonym(short_key_build: StagingBuild):
    spellings = {spelling for name in AUTHORS for spelling in (name, name.strip().lower())}
    dictionary = {hashlib.sha256(spelling.encode()).hexdigest() for spelling in spellings}
    pseudonyms = short_key_build.pseudonyms()
    assert len(pseudonyms) == len(COMMITS) + len(PULL_REQUESTS) + len(PULL_REQUEST_REVIEWS)
    reversed_rows = {row for row, (_, pseudonym) in pseudonyms.items() if pseudonym in dictionary}
    assert reversed_rows == set()


@pytest.mark.parametrize(
    ("build_name", "key"), [("short", SHORT_KEY), ("long", LONG_KEY)], ids=["short", "long"]
)
def test_each_pseudonym_is_the_hmac_sha256_of_the_normalised_name_under_the_key(
    build_name: str, key: str, request: pytest.FixtureRequest
):
    build: StagingBuild = request.getfixturevalue(f"{build_name}_key_build")
    pseudonyms = build.pseudonyms()
    assert pseudonyms
    wrong = {
        row: pseudonym
        for row, (name, pseudonym) in pseudonyms.items()
        if pseudonym != keyed_hmac(key, name)
    }
    assert wrong == {}


def test_one_name_one_pseudonym_within_a_key_and_another_under_another_key(
    short_key_build: StagingBuild, long_key_build: StagingBuild
):
    under_short: dict[str, set[str | None]] = {}
    for name, pseudonym in short_key_build.pseudonyms().values():
        under_short.setdefault(name.strip().lower(), set()).add(pseudonym)
    # alice, bob and carol author commits and pull requests and review; "Bob" is bob
    assert {"alice", "bob", "carol"} <= under_short.keys()
    assert all(len(pseudonyms) == 1 for pseudonyms in under_short.values()), under_short
    under_long = {
        name.strip().lower(): pseudonym for name, pseudonym in long_key_build.pseudonyms().values()
    }
    shared = {name for name, pseudonyms in under_short.items() if under_long[name] in pseudonyms}
    assert shared == set()


def test_the_key_never_reaches_the_warehouse_nor_dbts_files(short_key_build: StagingBuild):
    secrets = [SHORT_KEY.encode(), SHORT_KEY.encode().hex().encode()]
    written = [short_key_build.warehouse, *short_key_build.directory.rglob("*")]
    holding_the_key = [
        str(path)
        for path in written
        if path.is_file() and any(secret in path.read_bytes() for secret in secrets)
    ]
    assert holding_the_key == []


def test_without_a_configured_key_a_random_local_key_is_kept_beside_the_warehouse(
    tmp_path: Path,
):
    first = built(build_staging(tmp_path / "machine_a", None))
    key_file = first.directory / KEY_FILE
    key = key_file.read_text().strip()
    assert len(key) >= 32
    assert oct(stat.S_IMODE(key_file.stat().st_mode)) == "0o600"
    pseudonyms = first.pseudonyms()
    assert all(pseudonym == keyed_hmac(key, name) for name, pseudonym in pseudonyms.values())

    rerun = built(build_staging(first.directory, None))
    assert rerun.pseudonyms() == pseudonyms

    elsewhere = built(build_staging(tmp_path / "machine_b", None))
    assert (elsewhere.directory / KEY_FILE).read_text().strip() != key
    assert set(elsewhere.pseudonyms().values()).isdisjoint(pseudonyms.values())


def test_an_empty_key_fails_the_build_with_what_to_do_and_writes_no_pseudonym(tmp_path: Path):
    """A deployment that means to pass a key but passes an empty one must not silently
    fall back to a key of its own."""
    failed = build_staging(tmp_path, "")
    assert failed.completed.returncode != 0
    assert f"{KEY_ENV} is empty" in failed.completed.stdout
    assert not (tmp_path / KEY_FILE).exists()
    with duckdb.connect(str(failed.warehouse), read_only=True) as connection:
        staged = connection.execute(
            "select table_name from information_schema.tables where table_schema = 'staging'"
        ).fetchall()
    assert staged == []
