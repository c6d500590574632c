from __future__ import annotations

import pytest

from platform_assets.integrations.dbt.pii_key import KEY_FILE_NAME, PII_HMAC_KEY_ENV, PiiKeyError
from platform_assets.privacy.key_policy import require_pii_key_for_stage
from platform_assets.stages import DeliveryStage

CONFIGURED_KEY = "a" * 64


@pytest.mark.parametrize("stage", [DeliveryStage.BETA, DeliveryStage.GA])
def test_beta_and_ga_refuse_to_run_without_the_key_in_the_environment(
    stage, tmp_path, monkeypatch
) -> None:
    monkeypatch.delenv(PII_HMAC_KEY_ENV, raising=False)

    with pytest.raises(PiiKeyError, match=PII_HMAC_KEY_ENV):
        require_pii_key_for_stage(stage, tmp_path)

    assert not (tmp_path / KEY_FILE_NAME).exists(), "no key may be generated on refusal"


def test_a_blank_variable_counts_as_not_set(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(PII_HMAC_KEY_ENV, "   ")

    with pytest.raises(PiiKeyError, match="not set"):
        require_pii_key_for_stage(DeliveryStage.GA, tmp_path)


@pytest.mark.parametrize("stage", [DeliveryStage.BETA, DeliveryStage.GA])
def test_beta_and_ga_run_with_the_configured_key(stage, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(PII_HMAC_KEY_ENV, CONFIGURED_KEY)

    assert require_pii_key_for_stage(stage, tmp_path) == CONFIGURED_KEY.encode()


@pytest.mark.parametrize("stage", [DeliveryStage.POC, DeliveryStage.ALPHA])
def test_below_beta_the_generated_key_file_is_accepted(stage, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(PII_HMAC_KEY_ENV, raising=False)

    key = require_pii_key_for_stage(stage, tmp_path)

    assert key == (tmp_path / KEY_FILE_NAME).read_text().strip().encode()
