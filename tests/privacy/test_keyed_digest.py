from __future__ import annotations

import hashlib
import hmac

from platform_assets.privacy.keyed_digest import email_digest, record_key_digest

KEY = b"0123456789abcdef0123456789abcdef"


def test_record_key_digest_is_the_hmac_of_source_entity_and_key() -> None:
    expected = hmac.new(KEY, b"crm|contacts|c-42", hashlib.sha256).hexdigest()

    assert record_key_digest(KEY, "crm", "contacts", "c-42") == expected


def test_record_key_digest_depends_on_the_key_and_the_source() -> None:
    digest = record_key_digest(KEY, "crm", "contacts", "c-42")

    assert (
        record_key_digest(b"another-key-another-key-another-k", "crm", "contacts", "c-42") != digest
    )
    assert record_key_digest(KEY, "spreadsheet", "contacts", "c-42") != digest


def test_email_digest_ignores_case_and_surrounding_spaces() -> None:
    expected = hmac.new(KEY, b"jane.doe@example.com", hashlib.sha256).hexdigest()

    assert email_digest(KEY, "  Jane.Doe@Example.COM ") == expected
