"""Prints the laptop's pseudonym key, for ``make run`` and ``make dev`` to configure it as
``PLATFORM_PII_HMAC_KEY`` the way a deployment configures its own from a secret store.

The Beta and GA customer assets refuse a key they were not given in the environment
(``key_policy``): that is what a deployment must not forget. On a laptop the embedded
default is the key generated once beside the warehouse (``data/pii_hmac.key``, owner-only),
so ``make`` hands that one over; nothing else reads it this way.

    PLATFORM_PII_HMAC_KEY="$(python -m platform_assets.privacy.local_key)" dagster dev
"""

from __future__ import annotations

import sys

from platform_assets.integrations.dbt.pii_key import pii_hmac_key
from platform_assets.settings import warehouse_path


def main() -> None:
    sys.stdout.write(pii_hmac_key(warehouse_path().parent).decode("utf-8"))


if __name__ == "__main__":
    main()
