"""What an environment deploys: the code location built for it carries the assets whose
delivery stage the environment deploys (config/environments.yaml, ``deploys``) and leaves
the others out, recording which, so the audit can tell a POC asset that slipped into
prod from a GA asset that went missing there (seed 000: POC stays local or in dev, GA is
in production).

dbt models are members of one multi-asset, which Dagster cannot split after the fact:
the dbt assets leave out the stages an environment does not deploy with
``dbt_exclusion`` as their ``exclude`` selection, and ``deployed`` refuses a multi-asset
that still mixes deployed and left-out stages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

import dagster as dg

from platform_assets.environments import Environment
from platform_assets.stages.delivery_stage import DeliveryStage

#: Definitions metadata: the environment a location was built for and the assets it left
#: out, ``{"environment": name, "left_out": {asset key: stage}}``.
DEPLOYMENT_METADATA_KEY: Final = "platform/deployment"


class DeploymentError(ValueError):
    """The code location cannot be cut down to what an environment deploys."""


def _stages_by_key(assets_def: dg.AssetsDefinition) -> dict[dg.AssetKey, DeliveryStage | None]:
    tags = assets_def.tags_by_key
    return {key: DeliveryStage.from_tags(dict(tags.get(key) or {})) for key in assets_def.keys}


def _deploys(environment: Environment, stage: DeliveryStage | None) -> bool:
    # An asset without a stage stays: the audit reports it (PLATFORM.STAGE) wherever it is.
    return stage is None or environment.deploys_stage(stage)


def dbt_exclusion(environment: Environment) -> str | None:
    """The dbt selection of the models ``environment`` does not deploy (``exclude=`` of
    ``@dbt_assets``), or None when it deploys every stage. Models declare their stage as
    ``meta: {stage: ...}`` in their config."""
    left_out = [stage for stage in DeliveryStage if not environment.deploys_stage(stage)]
    if not left_out:
        return None
    return " ".join(f"config.meta.stage:{stage.tag_value}" for stage in left_out)


def deployed(defs: dg.Definitions, environment: Environment) -> dg.Definitions:
    """``defs`` with only the assets ``environment`` deploys (and the checks on them)."""
    kept: list = []
    left_out: dict[str, str] = {}
    for assets_def in defs.assets or ():
        if not isinstance(assets_def, dg.AssetsDefinition):
            kept.append(assets_def)
            continue
        stages = _stages_by_key(assets_def)
        going = {key: stage for key, stage in stages.items() if not _deploys(environment, stage)}
        if not going:
            kept.append(assets_def)
        elif len(going) == len(stages):
            left_out.update(
                {key.to_user_string(): stage.tag_value for key, stage in going.items() if stage}
            )
        else:
            raise DeploymentError(
                f"{assets_def.node_def.name} computes assets {environment.name!r} deploys and "
                f"assets it does not ({', '.join(sorted(k.to_user_string() for k in going))}): "
                "select those out where the multi-asset is built (dbt: "
                f"exclude={dbt_exclusion(environment)!r})"
            )
    gone = {dg.AssetKey.from_user_string(key) for key in left_out}
    return dg.Definitions(
        assets=kept,
        asset_checks=[c for c in defs.asset_checks or () if not _targets_only(c, gone)],
        schedules=defs.schedules,
        sensors=defs.sensors,
        jobs=defs.jobs,
        resources=defs.resources,
        executor=defs.executor,
        loggers=defs.loggers,
        metadata={
            **(defs.metadata or {}),
            DEPLOYMENT_METADATA_KEY: dg.MetadataValue.json(
                {"environment": environment.name, "left_out": left_out}
            ),
        },
    )


def _targets_only(checks: dg.AssetsDefinition, gone: Iterable[dg.AssetKey]) -> bool:
    targets = {check_key.asset_key for check_key in checks.check_keys}
    return bool(targets) and targets <= set(gone)


def left_out_assets(defs: dg.Definitions) -> Mapping[str, DeliveryStage]:
    """The assets ``deployed`` left out of ``defs``, by stage (none when ``deployed`` did
    not build it)."""
    recorded = (defs.metadata or {}).get(DEPLOYMENT_METADATA_KEY)
    if not isinstance(recorded, dg.JsonMetadataValue) or not isinstance(recorded.data, dict):
        return {}
    left_out = recorded.data["left_out"]
    return {key: DeliveryStage.parse(stage) for key, stage in left_out.items()}
