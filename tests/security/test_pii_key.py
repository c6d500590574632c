"""Where the pseudonym key comes from, and the errors that say what to do when it is
missing or unusable (issue 10, item 13). The dbt builds of test_pii_pseudonyms.py show
the key at work; these are the rules, on real files."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from platform_assets.integrations.dbt.pii_key import (
    KEY_FILE_NAME,
    PII_HMAC_KEY_ENV,
    PiiKeyError,
    pii_hmac_key,
)


@pytest.fixture(autouse=True)
def no_configured_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PII_HMAC_KEY_ENV, raising=False)


@pytest.mark.usefixtures("umask_022")
def test_the_local_key_is_generated_once_owner_only_and_reused(tmp_path: Path):
    data = tmp_path / "data"
    key = pii_hmac_key(data)
    assert pii_hmac_key(data) == key
    assert len(key) == 64
    modes = {oct(stat.S_IMODE(p.stat().st_mode)) for p in (data, data / KEY_FILE_NAME)}
    assert modes == {"0o700", "0o600"}
    assert [p.name for p in data.iterdir()] == [KEY_FILE_NAME], "no draft left behind"
    assert pii_hmac_key(tmp_path / "elsewhere") != key


def test_the_environment_key_wins_over_the_local_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv(PII_HMAC_KEY_ENV, "k" * 40 + "\n")
    assert pii_hmac_key(tmp_path) == b"k" * 40
    assert not (tmp_path / KEY_FILE_NAME).exists()


def test_a_short_key_is_refused_with_how_to_make_one(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(PII_HMAC_KEY_ENV, "password")
    with pytest.raises(PiiKeyError, match=r"8 characters, fewer than the 32 .*secrets\.token_hex"):
        pii_hmac_key(None)


def test_a_warehouse_that_is_no_local_file_needs_the_environment_key():
    with pytest.raises(PiiKeyError, match=f"{PII_HMAC_KEY_ENV} is not set"):
        pii_hmac_key(None)


def test_an_emptied_key_file_is_not_silently_replaced(tmp_path: Path):
    """A new key would change every pseudonym: the user decides."""
    (tmp_path / KEY_FILE_NAME).write_text("\n")
    with pytest.raises(PiiKeyError, match="is empty: restore it from a backup, or delete it"):
        pii_hmac_key(tmp_path)
    assert (tmp_path / KEY_FILE_NAME).read_text() == "\n"
