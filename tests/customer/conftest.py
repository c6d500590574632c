"""The customer domain's Beta and GA assets refuse to run without a configured pseudonym
key (docs/personal-data.md): every test here runs with one, as a deployment does, unless
it removes it to see the refusal (test_pii_key_required.py)."""

from __future__ import annotations

import pytest

from platform_assets.integrations.dbt.pii_key import PII_HMAC_KEY_ENV

TEST_PII_KEY = "0123456789abcdef" * 4


@pytest.fixture(autouse=True)
def configured_pii_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PII_HMAC_KEY_ENV, TEST_PII_KEY)
