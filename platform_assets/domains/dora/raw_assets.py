"""The raw DORA tables: which tables, at which stage, owned by whom, and read through the
``dora_source`` resource. The platform's raw-asset builder
(``platform_assets.ingestion.raw_asset``) makes each one a staged asset."""

from __future__ import annotations

from typing import Final

import dagster as dg

from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS, RAW_TABLE_MODELS
from platform_assets.ingestion.parents import ParentLink
from platform_assets.ingestion.raw_asset import RawLanding, raw_table_asset
from platform_assets.stages import DeliveryStage, Sla

_DEPLOYMENT: Final = ParentLink("deployments", "deployment_id", "deployment")
_PULL_REQUEST: Final = ParentLink("pull_requests", "pr_id", "pull request")

DORA_LANDING: Final = RawLanding(
    domain="dora",
    owners=["team:dora-metrics"],
    version="1.0.0",
    sla=Sla(freshness_hours=24),
    runbook="docs/runbooks/dora.md",
    source_key="dora_source",
    parents={
        "deployment_commits": (_DEPLOYMENT,),
        "deployment_change_sets": (_DEPLOYMENT,),
        "pull_request_commits": (_PULL_REQUEST,),
        "pull_request_reviews": (_PULL_REQUEST,),
    },
)

#: The tables the delivery metrics cannot be computed without are GA; the others Beta.
RAW_TABLES: Final = {
    "deployments": (
        DeliveryStage.GA,
        "Deployments of every service and environment with result, timing and trigger.",
    ),
    "deployment_commits": (
        DeliveryStage.GA,
        "The commit each deployment put live, per repository it spans.",
    ),
    "deployment_change_sets": (
        DeliveryStage.GA,
        "Commits each successful production deployment shipped, where the source knows "
        "them (empty otherwise; the models then derive them).",
    ),
    "commits": (DeliveryStage.BETA, "Commits of the deployed branches and of pull requests."),
    "pull_requests": (DeliveryStage.BETA, "Merged pull requests with their timing."),
    "pull_request_commits": (DeliveryStage.BETA, "The commits of each pull request."),
    "pull_request_reviews": (
        DeliveryStage.BETA,
        "Review events on pull requests: comments, reviews, approvals, change requests.",
    ),
    "incidents": (
        DeliveryStage.BETA,
        "Incidents with their timing and, where known, the deployment or commit at fault.",
    ),
}


def dora_raw_asset(table: str, stage: DeliveryStage, description: str) -> dg.AssetsDefinition:
    """The raw DORA ``table`` at ``stage``."""
    return raw_table_asset(
        DORA_LANDING, RAW_CONTRACTS[table], RAW_TABLE_MODELS[table], stage, description
    )


raw_assets: list[dg.AssetsDefinition] = [
    dora_raw_asset(table, stage, description) for table, (stage, description) in RAW_TABLES.items()
]
