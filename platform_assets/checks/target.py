"""The asset a check guards: its key, its delivery stage and its warehouse table.

A check reads the stage from the asset's ``stage`` tag instead of taking it as an
argument, so promoting an asset changes its checks' severity and blocking with it and the
stage cannot be declared twice and disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import dagster as dg

from platform_assets.stages.delivery_stage import STAGE_TAG, DeliveryStage
from platform_assets.warehouse.io_manager import qualified, table_for

AssetLike = dg.AssetsDefinition | dg.AssetSpec


@dataclass(frozen=True)
class CheckTarget:
    asset_key: dg.AssetKey
    stage: DeliveryStage

    @property
    def table(self) -> str:
        """The quoted ``<schema>.<table>`` the asset is stored in, as the IO manager and
        dbt name it."""
        return qualified(*table_for(self.asset_key))

    @classmethod
    def of(cls, asset: AssetLike, asset_key: dg.AssetKey | None = None) -> CheckTarget:
        spec = asset_spec(asset, asset_key)
        raw_stage = spec.tags.get(STAGE_TAG)
        name = spec.key.to_user_string()
        if raw_stage is None:
            raise dg.DagsterInvalidDefinitionError(
                f"{name} has no `{STAGE_TAG}` tag, so its checks cannot tell whether to warn "
                "or to block. Declare the stage first (staged_asset(stage=...), or "
                f"`meta: {{{STAGE_TAG}: ...}}` on a dbt model)."
            )
        try:
            stage = DeliveryStage.parse(raw_stage)
        except ValueError as error:
            raise dg.DagsterInvalidDefinitionError(f"{name}: {error}") from error
        return cls(spec.key, stage)


def asset_spec(asset: AssetLike, asset_key: dg.AssetKey | None = None) -> dg.AssetSpec:
    """The spec of ``asset``; ``asset_key`` picks one when a definition has several keys
    (a dbt project is one definition with a key per model)."""
    if isinstance(asset, dg.AssetSpec):
        if asset_key is not None and asset_key != asset.key:
            raise dg.DagsterInvalidDefinitionError(
                f"asset_key {asset_key.to_user_string()} is not the spec's key "
                f"{asset.key.to_user_string()}"
            )
        return asset
    if asset_key is None:
        if len(asset.keys) != 1:
            keys = ", ".join(sorted(key.to_user_string() for key in asset.keys))
            raise dg.DagsterInvalidDefinitionError(
                f"this definition has {len(asset.keys)} assets ({keys}): pass asset_key= to "
                "say which one the check guards"
            )
        asset_key = asset.key
    if asset_key not in asset.keys:
        raise dg.DagsterInvalidDefinitionError(
            f"{asset_key.to_user_string()} is not an asset of this definition"
        )
    return asset.get_asset_spec(asset_key)


def check_name(*parts: str) -> str:
    """A valid check name from parts that may hold any column name."""
    return re.sub(r"[^A-Za-z0-9_]+", "_", "_".join(parts)).strip("_")
