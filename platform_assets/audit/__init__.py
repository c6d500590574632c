"""The stage audit: does every asset meet the requirements of the stage it claims?"""

from platform_assets.audit.code_location import CodeLocationLoadError, load_definitions
from platform_assets.audit.report import report_as_json, report_as_table
from platform_assets.audit.runner import (
    AssetAudit,
    AuditReport,
    RequirementResult,
    audit_definitions,
    audit_facts,
    evaluate_asset,
)

__all__ = [
    "AssetAudit",
    "AuditReport",
    "CodeLocationLoadError",
    "RequirementResult",
    "audit_definitions",
    "audit_facts",
    "evaluate_asset",
    "load_definitions",
    "report_as_json",
    "report_as_table",
]
