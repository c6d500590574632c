"""The source registry: a kind is registered once, for the entities it may supply, and a
kind that is not registered for an entity is a configuration error that names the
variable to change and the kinds to choose from. The DORA domain's registrations keep the
choices docs/sources.md lists."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.domains.dora.sources import DORA_SOURCES, DoraSource, dora_source_from_env
from platform_assets.ingestion import FailureCategory, SourceError
from platform_assets.ingestion.source_registry import SourceChoice, SourceRegistry
from platform_assets.integrations.file_source import FileSourceConnector


def test_a_kind_is_registered_once() -> None:
    registry = SourceRegistry()
    registry.register("files", lambda: pytest.fail("not opened"))
    with pytest.raises(ValueError, match="'files' is registered twice"):
        registry.register("files", lambda: pytest.fail("not opened"))


def test_the_dora_kinds_per_entity_are_the_documented_ones() -> None:
    assert DORA_SOURCES.kinds_for("deployments") == ("demo", "files", "devlake", "github")
    assert DORA_SOURCES.kinds_for("incidents") == (
        "demo",
        "files",
        "devlake",
        "github_issues",
        "pagerduty",
    )


@pytest.mark.parametrize(
    ("source", "entity", "message"),
    [
        (
            DoraSource(kind="pagerduty"),
            "deployments",
            "PLATFORM_DORA_SOURCE='pagerduty' is not a source; "
            "expected one of demo, files, devlake, github",
        ),
        (
            DoraSource(kind="demo", incident_kind="github"),
            "incidents",
            "PLATFORM_DORA_INCIDENT_SOURCE='github' is not a source; "
            "expected one of demo, files, devlake, github_issues, pagerduty",
        ),
    ],
)
def test_an_unknown_kind_names_the_variable_and_the_choices(
    source: DoraSource, entity: str, message: str
) -> None:
    with pytest.raises(SourceError) as error, source.open_connector(entity):
        pytest.fail("no connector opens for a kind that cannot supply the entity")
    assert error.value.category is FailureCategory.CONFIGURATION
    assert str(error.value) == message


def test_github_deployments_mean_github_issues_for_incidents() -> None:
    source = DoraSource(kind="github")
    assert source.choice("incidents") == SourceChoice(
        "github_issues", "PLATFORM_DORA_INCIDENT_SOURCE"
    )
    assert source.choice("deployments") == SourceChoice("github", "PLATFORM_DORA_SOURCE")
    assert (
        DoraSource(kind="github", incident_kind="pagerduty").choice("incidents").kind == "pagerduty"
    )


def test_the_factory_reads_its_settings_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "incidents.csv").write_text(
        "incident_id,service,title,created_at,resolved_at,severity,source\n"
        "i-1,checkout,Down,2026-10-01T10:00:00Z,2026-10-01T11:00:00Z,SEV1,opsgenie\n"
    )
    monkeypatch.setenv("PLATFORM_DORA_SOURCE", "files")
    monkeypatch.setenv("PLATFORM_DORA_FILES_DIR", str(tmp_path))
    with (
        dg.build_resources({"dora_source": dora_source_from_env()}) as resources,
        resources.dora_source.open_connector("incidents") as connector,
    ):
        assert isinstance(connector, FileSourceConnector)
        [batch] = list(connector.extract("incidents", None))
    assert len(batch.records) == 1
    assert set(RAW_CONTRACTS) >= connector.entities


def test_an_api_source_without_its_url_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLATFORM_PAGERDUTY_API_URL", raising=False)
    with (
        pytest.raises(SourceError) as error,
        DoraSource(incident_kind="pagerduty").open_connector("incidents"),
    ):
        pytest.fail("no connector opens without its API URL")
    assert error.value.category is FailureCategory.CONFIGURATION
    assert str(error.value).startswith("PLATFORM_PAGERDUTY_API_URL is not set")


def test_a_setting_that_is_not_a_number_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLATFORM_DORA_DEMO_DAYS", "ninety")
    with (
        pytest.raises(SourceError, match=r"PLATFORM_DORA_DEMO_DAYS='ninety' is not a number"),
        DoraSource().open_connector("deployments"),
    ):
        pytest.fail("no connector opens with a malformed setting")
