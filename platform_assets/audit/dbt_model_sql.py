"""The SQL a dbt model is written in, for rules that judge what the SQL does.

dagster-dbt records on every dbt asset spec the project (``dagster_dbt/project``, a
``DbtProject``, whose ``manifest_path`` is public) and the model's ``dagster_dbt/unique_id``;
the model's raw SQL (``raw_code``) is in that manifest. Raw, not compiled, because the
compiled SQL has the macros expanded, and which macro produces a column is the fact the
PII rule needs. A manifest is read once per version of the file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

PROJECT_METADATA_KEY: Final = "dagster_dbt/project"
UNIQUE_ID_METADATA_KEY: Final = "dagster_dbt/unique_id"


def dbt_model_sql(metadata: Mapping[str, Any]) -> str | None:
    """The raw SQL of the dbt model these asset metadata describe; None for an asset that
    is not a dbt model, or whose manifest is not built."""
    project = metadata.get(PROJECT_METADATA_KEY)
    unique_id = metadata.get(UNIQUE_ID_METADATA_KEY)
    manifest_path = getattr(project, "manifest_path", None)
    unique_id = getattr(unique_id, "value", unique_id)
    if manifest_path is None or not isinstance(unique_id, str):
        return None
    path = Path(manifest_path)
    if not path.is_file():
        return None
    return _raw_code_by_node(str(path), path.stat().st_mtime_ns).get(unique_id)


@lru_cache(maxsize=8)
def _raw_code_by_node(path: str, modified_ns: int) -> dict[str, str]:
    """The modification time is part of the key, so a rebuilt manifest is read again."""
    nodes = json.loads(Path(path).read_text(encoding="utf-8")).get("nodes", {})
    return {
        unique_id: node["raw_code"]
        for unique_id, node in nodes.items()
        if isinstance(node.get("raw_code"), str)
    }
