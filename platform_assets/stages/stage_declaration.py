"""Where an asset's stage is declared, and how to change it.

Promotion is a one-word change. Where the stage is data (a dbt model's ``meta.stage`` in
YAML) ``platform-assets promote`` edits it in place, line-wise so comments and layout
survive; where it is code (``staged_asset(stage=...)``) it names the file, the line and
the replacement, because rewriting Python source is the author's call.
"""

from __future__ import annotations

import inspect
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import dagster as dg

from platform_assets.stages.delivery_stage import DeliveryStage

_DBT_UNIQUE_ID_KEY = "dagster_dbt/unique_id"
_YAML_STAGE = re.compile(r"^(\s*stage:\s*)([A-Za-z]+)(\s*(#.*)?)$")
_PYTHON_STAGE = re.compile(r"stage\s*=\s*(DeliveryStage\.[A-Z]+|['\"][A-Za-z]+['\"])")


@dataclass(frozen=True)
class StageDeclaration:
    kind: Literal["dbt_yaml", "python"]
    path: Path
    line: int
    """1-based line number of the declaration."""
    text: str

    def replacement(self, stage: DeliveryStage) -> str:
        if self.kind == "dbt_yaml":
            return _YAML_STAGE.sub(lambda m: f"{m[1]}{stage.tag_value}{m[3]}", self.text)
        return _PYTHON_STAGE.sub(f"stage=DeliveryStage.{stage.name}", self.text, count=1)

    def apply(self, stage: DeliveryStage) -> None:
        lines = self.path.read_text().splitlines(keepends=True)
        ending = "\n" if lines[self.line - 1].endswith("\n") else ""
        lines[self.line - 1] = self.replacement(stage) + ending
        self.path.write_text("".join(lines))


def _dbt_declaration(
    unique_id: str, manifest_path: Path, project_dir: Path
) -> StageDeclaration | None:
    manifest = json.loads(manifest_path.read_text())
    node = manifest["nodes"].get(unique_id) or {}
    patch_path = node.get("patch_path")
    if not patch_path:
        return None
    path = project_dir / patch_path.split("://", 1)[-1]
    lines = path.read_text().splitlines()
    in_model = False
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("- name:"):
            in_model = stripped.removeprefix("- name:").strip().strip("'\"") == node["name"]
        elif in_model and _YAML_STAGE.match(line):
            return StageDeclaration("dbt_yaml", path, number, line)
    return None


def _python_declaration(assets_def: dg.AssetsDefinition) -> StageDeclaration | None:
    compute = getattr(assets_def.op.compute_fn, "decorated_fn", None)
    if compute is None:
        return None
    function = inspect.unwrap(compute)
    try:
        source_lines, start = inspect.getsourcelines(function)
        path = Path(inspect.getsourcefile(function) or "")
    except (OSError, TypeError):
        return None
    for offset, line in enumerate(source_lines):
        if _PYTHON_STAGE.search(line):
            return StageDeclaration("python", path, start + offset, line.rstrip("\n"))
    return None


def find_stage_declaration(
    assets_def: dg.AssetsDefinition,
    key: dg.AssetKey,
    *,
    manifest_path: Path | None = None,
    project_dir: Path | None = None,
) -> StageDeclaration | None:
    unique_id = assets_def.specs_by_key[key].metadata.get(_DBT_UNIQUE_ID_KEY)
    if unique_id and manifest_path and project_dir and manifest_path.exists():
        return _dbt_declaration(str(unique_id), manifest_path, project_dir)
    return _python_declaration(assets_def)
