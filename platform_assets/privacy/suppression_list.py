"""``ops.erasure_suppression``: the keyed digests of erased people's source records.

The erasure writes it, every load reads it (``ingestion/suppression.py``) and drops the
records it lists. Its name lives here, beside the erasure, so both sides share it: the
ingestion imports this package, never the other way round. The table itself is created
by the baseline migration (``platform_assets/warehouse/migrations``).
"""

from __future__ import annotations

from typing import Final

SUPPRESSION_TABLE: Final = "ops.erasure_suppression"
