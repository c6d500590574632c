"""The requirement matrix: what each delivery stage demands, as data, in one place.

Derived from seed 000 ("Delivery Characteristics"). Every requirement has a stable id,
used in audit messages, waivers, ``platform-assets promote`` and docs. An id names the
stage from which the requirement applies; it applies to every stage above it too, so
promoting an asset only ever adds requirements.

``docs/delivery-stages.md`` is generated from this module (``platform-assets docs``);
a test fails when it is stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cache

from platform_assets.stages.delivery_stage import DeliveryStage


class Evaluation(Enum):
    """How the audit decides a requirement."""

    DEFINITION = "definition"
    """From the code location's definitions alone."""
    EVIDENCE = "evidence"
    """From the instance's run history; the audit reports it as 'needs evidence' and
    the stage scorecard (audit/scorecard.py) evaluates it."""


@dataclass(frozen=True)
class Requirement:
    id: str
    title: str
    applies_from: DeliveryStage
    how_to_meet: str
    seed_basis: str
    evaluation: Evaluation = Evaluation.DEFINITION
    cells: tuple[str, str, str, str] | None = None
    """What the matrix shows per stage (POC, Alpha, Beta, GA) when 'yes' is not enough."""

    def applies_to(self, stage: DeliveryStage) -> bool:
        return stage >= self.applies_from

    def cell(self, stage: DeliveryStage) -> str:
        if self.cells is not None:
            return self.cells[stage]
        return "yes" if self.applies_to(stage) else "-"


_A, _B, _G, _P = DeliveryStage.ALPHA, DeliveryStage.BETA, DeliveryStage.GA, DeliveryStage.POC

REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement(
        "PLATFORM.STAGE",
        "stage declared",
        _P,
        "Tag the asset `stage` = poc, alpha, beta or ga (`staged_asset(stage=...)`, or "
        "`meta: {stage: ...}` on a dbt model).",
        "Every asset has a delivery stage.",
    ),
    Requirement(
        "PLATFORM.LINEAGE",
        "stage-monotonic lineage",
        _P,
        "Depend only on assets of the same or a higher stage: promote the upstream asset "
        "first, or waive with a reason and an expiry.",
        "A consumer cannot rely on an asset more than on what it is built from.",
    ),
    Requirement(
        "PLATFORM.ENVIRONMENT",
        "deployed only where its stage belongs",
        _P,
        "Deploy the asset only to environments whose `deploys` list its stage "
        "(config/environments.yaml; `platform-assets audit --environment NAME`): build the "
        "environment's code location with `deployed()`, which leaves POC assets out of prod "
        "and keeps GA assets in.",
        "POC: local or dev environment; GA: prod environment.",
        cells=("not in prod", "yes", "yes", "yes, in prod"),
    ),
    Requirement(
        "ALPHA.OWNER",
        "owner",
        _A,
        "Set `owners` to a `team:name` or an email.",
        "Alpha collects feedback from stakeholders: someone must own the answer.",
    ),
    Requirement(
        "ALPHA.DESCRIPTION",
        "description",
        _A,
        "Give the asset a description (docstring, or `description:` on the dbt model).",
        "Docs for all consumption models; a description is the least of it.",
    ),
    Requirement(
        "ALPHA.CODE_VERSION",
        "code version",
        _A,
        "Set a SemVer `version` (`staged_asset(version=...)`, or `meta: {version: ...}` "
        "on a dbt model).",
        "Stable release versioning from Alpha on.",
    ),
    Requirement(
        "ALPHA.SCHEMA_CHECKS",
        "schema checks, boundaries asserted",
        _A,
        "Declare the primary key and attach checks asserting it unique and not null "
        "(a Pandera schema, or dbt `unique`/`not_null` tests).",
        "Alpha: schema tests for all prep and consumption models (boundaries asserted).",
        cells=("optional", "yes, may warn", "yes", "yes"),
    ),
    Requirement(
        "BETA.BLOCKING_CHECKS",
        "schema checks error and block",
        _B,
        "Make the primary-key checks blocking with error severity (the default for a "
        "staged asset at Beta; dbt tests with severity `error`).",
        "Beta: the asset can be used with caution, so a broken key must stop downstream.",
        cells=("-", "-", "yes, error and blocking", "yes, error and blocking"),
    ),
    Requirement(
        "ALPHA.CONSUMPTION_COLUMN_DOCS",
        "column docs (consumption assets)",
        _A,
        "Describe every column of marts and gold assets.",
        "Alpha: docs for all consumption models.",
        cells=(
            "-",
            "consumption assets (marts, gold)",
            "(see BETA.COLUMN_DOCS)",
            "(see BETA.COLUMN_DOCS)",
        ),
    ),
    Requirement(
        "BETA.COLUMN_DOCS",
        "column docs (every asset)",
        _B,
        "Describe every column of the asset's column schema.",
        "Beta: documentation required.",
    ),
    Requirement(
        "ALPHA.SLA_DEFINED",
        "SLA defined",
        _A,
        "Declare an `Sla` (freshness and success-rate targets) in the asset's metadata.",
        "Alpha: defining SLAs.",
    ),
    Requirement(
        "ALPHA.SECURITY_DEFINED",
        "security defined",
        _A,
        "Classify every column `pii` true or false (Pandera `metadata={'pii': ...}`, or "
        "`meta: {pii: ...}` on a dbt column).",
        "Alpha: defining security requirements.",
    ),
    Requirement(
        "BETA.FRESHNESS",
        "freshness policy",
        _B,
        "Attach a FreshnessPolicy (a staged asset derives it from its Sla).",
        "Beta: monitoring required, implement SLAs.",
    ),
    Requirement(
        "BETA.ALERTING",
        "alerting",
        _B,
        "Make an alert route in config/alert_routes.yaml cover the asset's stage and owner.",
        "Beta: monitoring and alerting required.",
        cells=("-", "-", "yes", "(see GA.PAGING)"),
    ),
    Requirement(
        "GA.PAGING",
        "alerting pages",
        _G,
        "Route the asset's alerts to a paging sink as well as the team channel.",
        "GA: relied upon for business-critical activities.",
        cells=("-", "-", "-", "yes, paging"),
    ),
    Requirement(
        "BETA.COLUMN_STABILITY",
        "column names stable",
        _B,
        "Attach the column-stability check (a staged asset gets it at Beta; dbt models "
        "get it from the translator).",
        "Beta and GA: column naming stable.",
    ),
    Requirement(
        "BETA.SECURITY_IMPLEMENTED",
        "security implemented",
        _B,
        "Give every pii column a `pii_protection` (masked, hashed, dropped, or restricted "
        "with the asset tagged `access: restricted`).",
        "Beta: implement security requirements.",
    ),
    Requirement(
        "BETA.PII_PROTECTED",
        "pii protected, not only tagged",
        _B,
        "In an asset tagged `access: consumer`, make every pii column `pii_protection` "
        "masked or hashed and prove it: produce it through `mask_email()`, `mask_phone()` "
        "or `pii_hmac()` in the model's SQL, or test it with the dbt test "
        "`no_raw_pii_values` (asset check `no_raw_pii_values_<model>_<column>`).",
        "Beta: implement security requirements; a consumer view holds no personal data in "
        "clear (issue 12).",
    ),
    Requirement(
        "BETA.RETRY_POLICY",
        "retry policy with backoff",
        _B,
        "Give the asset's op a RetryPolicy with backoff (a staged asset gets one at Beta).",
        "Seed 001 §3: retry policies with appropriate backoff and limits.",
    ),
    Requirement(
        "BETA.INTEGRATION_TESTED",
        "integration-tested",
        _B,
        "Cover the asset with a test marked `@pytest.mark.integration(covers=[...])` that CI runs.",
        "Beta and GA: pipeline integration tests in CI.",
    ),
    Requirement(
        "BETA.RUNBOOK",
        "runbook linked",
        _B,
        "Link a runbook (`platform/runbook`) that has Lineage, SLA and Troubleshooting sections.",
        "Seed 001 §5: a runbook that lets a newcomer operate the pipeline.",
    ),
    Requirement(
        "GA.SLA_MET",
        "SLA met",
        _G,
        "Meet the Sla over its trailing window; the scorecard and `platform-assets promote` "
        "evaluate it from the instance's history.",
        "GA: meets SLAs.",
        evaluation=Evaluation.EVIDENCE,
    ),
)

REQUIREMENTS_BY_ID: dict[str, Requirement] = {r.id: r for r in REQUIREMENTS}


@cache
def requirements_for(stage: DeliveryStage) -> tuple[Requirement, ...]:
    return tuple(r for r in REQUIREMENTS if r.applies_to(stage))
