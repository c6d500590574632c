"""docs/delivery-stages.md is generated from the requirement matrix; it must not drift."""

from platform_assets.stages.requirements import REQUIREMENTS
from platform_assets.stages.stage_docs import DOC_PATH, render_delivery_stages_doc


def test_the_committed_doc_is_current():
    assert DOC_PATH.read_text() == render_delivery_stages_doc(), (
        "docs/delivery-stages.md is stale: run `make docs` and commit it"
    )


def test_every_requirement_id_is_documented():
    text = DOC_PATH.read_text()
    assert all(f"`{requirement.id}`" in text for requirement in REQUIREMENTS)
