"""The dashboards folder and the page writer, on real files in a temp directory: pages
and their folder are owner-only, a rewrite replaces the page whole and leaves nothing
beside it, and the row a page gets in its asset's table is what is on disk."""

from __future__ import annotations

import stat
from pathlib import Path

import polars as pl
import pytest

from platform_assets.dashboards.files import (
    DASHBOARDS_DIR_ENV,
    DEFAULT_DASHBOARDS_DIR,
    PAGE_COLUMNS,
    dashboards_dir,
    write_page,
)
from platform_assets.settings import PROJECT_ROOT


def test_a_page_and_the_folder_it_creates_are_owner_only(tmp_path: Path) -> None:
    directory = tmp_path / "dashboards" / "domain"
    page = write_page(directory, "quality", "<p>ok</p>")
    assert page.path == directory / "quality.html"
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE(page.path.stat().st_mode) == 0o600


def test_an_existing_folder_is_tightened_to_the_owner(tmp_path: Path) -> None:
    directory = tmp_path / "shared"
    directory.mkdir(mode=0o755)
    write_page(directory, "quality", "<p>ok</p>")
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700


def test_a_rewrite_replaces_the_page_and_leaves_no_partial_file(tmp_path: Path) -> None:
    write_page(tmp_path, "quality", "<p>first, and longer than the second</p>")
    page = write_page(tmp_path, "quality", "<p>second · é</p>")
    assert page.path.read_text(encoding="utf-8") == "<p>second · é</p>"
    assert page.size == len("<p>second · é</p>".encode()) == page.path.stat().st_size
    assert [path.name for path in tmp_path.iterdir()] == ["quality.html"]


def test_the_row_of_a_page_fits_the_page_columns(tmp_path: Path) -> None:
    page = write_page(tmp_path, "quality", "<p>ok</p>")
    frame = pl.DataFrame([page.row()], schema=PAGE_COLUMNS)
    assert frame.rows() == [("quality", str(tmp_path / "quality.html"), 9)]


def test_the_dashboards_folder_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DASHBOARDS_DIR_ENV, str(tmp_path))
    assert dashboards_dir() == tmp_path
    monkeypatch.setenv(DASHBOARDS_DIR_ENV, "elsewhere/pages")
    assert dashboards_dir() == PROJECT_ROOT / "elsewhere" / "pages"
    monkeypatch.delenv(DASHBOARDS_DIR_ENV)
    monkeypatch.setenv("PLATFORM_DATA_DIR", str(tmp_path / "root"))
    assert dashboards_dir() == tmp_path / "root" / DEFAULT_DASHBOARDS_DIR
