"""docs/file-source.md lists each file's columns as the raw contracts define them: the
block between the ``columns`` markers is the generated one. Regenerate it after changing
a contract: ``.venv/bin/python -m platform_assets.domains.dora.file_columns``."""

from __future__ import annotations

from platform_assets.domains.dora.file_columns import DOC, current, render, write
from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS


def test_the_page_shows_the_columns_the_contracts_define() -> None:
    assert current() == render(), (
        f"{DOC}'s columns block differs from the contracts; regenerate it with "
        "`.venv/bin/python -m platform_assets.domains.dora.file_columns`"
    )


def test_every_file_and_column_is_listed() -> None:
    block = render()
    for entity, contract in RAW_CONTRACTS.items():
        assert f"### `{entity}`" in block
        for column in contract.columns:
            assert f"| `{column.name}` |" in block


def test_regenerating_replaces_only_the_block(tmp_path) -> None:
    page = tmp_path / "page.md"
    page.write_text("before\n<!-- columns:begin -->\nstale\n<!-- columns:end -->\nafter\n")
    write(page)
    assert page.read_text() == f"before\n{render()}\nafter\n"
