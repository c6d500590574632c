"""The weather connector over real HTTP on loopback: a fake Open-Meteo archive as the
primary and another (another port) as the fallback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import polars as pl
import pytest

from platform_assets.ingestion import (
    ColumnKind,
    FailureCategory,
    RecordBatch,
    ResilientHttpClient,
    SourceError,
    TableContract,
    ingest,
)
from platform_assets.ingestion.contract import ColumnSpec
from platform_assets.ingestion.source_environment import http_client_from_env
from platform_assets.integrations.weather import (
    OpenMeteoArchiveClient,
    PostalArea,
    WeatherConnector,
    WeatherCoverage,
    WeatherWindow,
    weather_connector,
    weather_settings_from_env,
)
from platform_assets.integrations.weather.settings import DEFAULT_PRIMARY_URL
from tests.connectors.conftest import FAST_RETRY, rows
from tests.connectors.fakes.weather_api import FakeOpenMeteo, observation

LONDON = PostalArea("GB", "SW1A 1AA", 51.501, -0.142)
BERLIN = PostalArea("DE", "10117", 52.517, 13.389)
WINDOW = WeatherWindow(end=date(2026, 11, 5), days=5)
DAYS = [date(2026, 11, day) for day in range(1, 6)]
FALLBACK_OFFSET = 0.3


@pytest.fixture
def primary() -> Iterator[FakeOpenMeteo]:
    fake = FakeOpenMeteo()
    with fake.running():
        yield fake


@pytest.fixture
def fallback() -> Iterator[FakeOpenMeteo]:
    fake = FakeOpenMeteo(offset=FALLBACK_OFFSET)
    with fake.running():
        yield fake


def provider(fake: FakeOpenMeteo, name: str, timeout: float = 5.0) -> OpenMeteoArchiveClient:
    client = ResilientHttpClient(base_url=fake.base_url, retry=FAST_RETRY, timeout_seconds=timeout)
    return OpenMeteoArchiveClient(client, name)


def connector(
    primary: FakeOpenMeteo, fallback: FakeOpenMeteo | None, timeout: float = 5.0
) -> WeatherConnector:
    return WeatherConnector(
        [LONDON, BERLIN],
        WINDOW,
        provider(primary, "open-meteo", timeout),
        provider(fallback, "mirror") if fallback else None,
    )


def extract(weather: WeatherConnector) -> list[RecordBatch]:
    return list(weather.extract("weather_daily", None))


def point(area: PostalArea) -> tuple[float, float]:
    return (area.latitude, area.longitude)


def expected(area: PostalArea, day: date, source: str) -> dict[str, Any]:
    offset = FALLBACK_OFFSET if source.startswith("fallback:") else 0.0
    maximum, minimum, precipitation = observation(point(area), day, offset)
    return {
        "country_code": area.country_code,
        "postal_code": area.postal_code,
        "observed_on": day,
        "temperature_max_c": maximum,
        "temperature_min_c": minimum,
        "precipitation_mm": precipitation,
        "weather_source": source,
    }


def landed(batches: list[RecordBatch]) -> list[dict[str, Any]]:
    frames = [batch.records for batch in batches]
    assert all(isinstance(frame, pl.DataFrame) for frame in frames)
    assert all(batch.cursor is None for batch in batches)
    return [row for frame in frames if isinstance(frame, pl.DataFrame) for row in frame.to_dicts()]


def test_every_day_of_every_area_from_a_healthy_primary(primary, fallback) -> None:
    weather = connector(primary, fallback)

    batches = extract(weather)

    assert landed(batches) == [
        expected(area, day, "open-meteo") for area in (LONDON, BERLIN) for day in DAYS
    ]
    assert primary.points_asked() == [
        ("51.501", "-0.142", "2026-11-01", "2026-11-05"),
        ("52.517", "13.389", "2026-11-01", "2026-11-05"),
    ]
    assert fallback.requests == []
    assert weather.coverage == WeatherCoverage(primary_days=10)
    assert weather.request_stats.requests == 2


def test_an_area_the_primary_fails_for_comes_from_the_fallback(primary, fallback) -> None:
    primary.failing.add(point(LONDON))
    weather = connector(primary, fallback)

    rows_ = landed(extract(weather))

    assert rows_ == [expected(LONDON, day, "fallback:mirror") for day in DAYS] + [
        expected(BERLIN, day, "open-meteo") for day in DAYS
    ]
    # Retried as the platform's client does (four attempts), then the fallback.
    assert primary.points_asked().count(("51.501", "-0.142", "2026-11-01", "2026-11-05")) == 4
    assert fallback.points_asked() == [("51.501", "-0.142", "2026-11-01", "2026-11-05")]
    assert weather.coverage == WeatherCoverage(
        primary_days=5, fallback_days=5, primary_failed_areas=1
    )
    assert weather.request_stats.requests == 4 + 1 + 1
    assert weather.request_stats.retries_by_reason == {"server_error": 3}


def test_a_primary_that_times_out_is_replaced_by_the_fallback(primary, fallback) -> None:
    primary.fail_next("/v1/archive", times=FAST_RETRY.max_attempts, delay_seconds=0.5)
    weather = connector(primary, fallback, timeout=0.05)

    rows_ = landed(extract(weather))

    assert [row["weather_source"] for row in rows_] == ["fallback:mirror"] * 5 + ["open-meteo"] * 5
    assert weather.request_stats.retries_by_reason == {"timeout": 3}


def test_gaps_in_the_primary_are_filled_from_the_fallback(primary, fallback) -> None:
    primary.absent[point(LONDON)] = {date(2026, 11, 2)}
    primary.nulls[point(LONDON)] = {date(2026, 11, 4)}
    weather = connector(primary, fallback)

    rows_ = landed(extract(weather))

    london = [
        expected(LONDON, day, "open-meteo")
        for day in (date(2026, 11, 1), date(2026, 11, 3), date(2026, 11, 5))
    ] + [expected(LONDON, day, "fallback:mirror") for day in (date(2026, 11, 2), date(2026, 11, 4))]
    assert rows_[:5] == sorted(london, key=lambda row: row["observed_on"])
    assert rows_[5:] == [expected(BERLIN, day, "open-meteo") for day in DAYS]
    # The fallback is asked for the span of the gaps only.
    assert fallback.points_asked() == [("51.501", "-0.142", "2026-11-02", "2026-11-04")]
    assert weather.coverage == WeatherCoverage(primary_days=8, fallback_days=2)


def test_days_missing_from_both_are_absent_and_counted(primary, fallback, caplog) -> None:
    primary.absent[point(LONDON)] = {date(2026, 11, 4), date(2026, 11, 5)}
    fallback.absent[point(LONDON)] = {date(2026, 11, 5)}
    fallback.nulls[point(BERLIN)] = set(DAYS)
    primary.failing.add(point(BERLIN))
    weather = connector(primary, fallback)

    with caplog.at_level("WARNING"):
        rows_ = landed(extract(weather))

    assert [
        (row["postal_code"], row["observed_on"].day, row["weather_source"]) for row in rows_
    ] == [
        ("SW1A 1AA", 1, "open-meteo"),
        ("SW1A 1AA", 2, "open-meteo"),
        ("SW1A 1AA", 3, "open-meteo"),
        ("SW1A 1AA", 4, "fallback:mirror"),
    ]
    assert weather.coverage == WeatherCoverage(
        primary_days=3, fallback_days=1, missing_days=1 + 5, primary_failed_areas=1
    )
    assert "weather for GB SW1A 1AA: 1 of 5 days missing after the fallback" in caplog.text
    assert "weather for DE 10117: 5 of 5 days missing after the fallback" in caplog.text


def test_without_a_fallback_the_gaps_stay_and_are_counted(primary) -> None:
    primary.absent[point(BERLIN)] = {date(2026, 11, 1)}
    weather = connector(primary, None)

    rows_ = landed(extract(weather))

    assert len(rows_) == 9
    assert weather.coverage == WeatherCoverage(primary_days=9, missing_days=1)


def test_an_outage_of_both_providers_fails_the_extract(primary, fallback) -> None:
    primary.failing.update({point(LONDON), point(BERLIN)})
    fallback.failing.update({point(LONDON), point(BERLIN)})

    with pytest.raises(
        SourceError, match="no weather at all: the primary open-meteo failed"
    ) as raised:
        extract(connector(primary, fallback))

    assert raised.value.category is FailureCategory.SERVER_ERROR


def test_an_answer_out_of_shape_is_a_failure_of_that_provider(primary, fallback) -> None:
    primary.failing.add(point(LONDON))
    fallback.fail_next("/v1/archive", times=1, status=200, body=b'{"daily": {"time": ["x"]}}')
    weather = connector(primary, fallback)

    rows_ = landed(extract(weather))

    assert {row["postal_code"] for row in rows_} == {"10117"}
    assert weather.coverage.fallback_failed_areas == 1


def test_lands_through_the_ingestion_machinery(primary, fallback, warehouse, log) -> None:
    primary.failing.add(point(LONDON))
    kinds = {
        "observed_on": ColumnKind.DATE,
        "temperature_max_c": ColumnKind.FLOAT,
        "temperature_min_c": ColumnKind.FLOAT,
        "precipitation_mm": ColumnKind.FLOAT,
    }
    contract = TableContract(
        schema="bronze",
        table="weather_daily",
        key=("country_code", "postal_code", "observed_on"),
        columns=tuple(
            ColumnSpec(name, kinds.get(name, ColumnKind.TEXT), nullable=name not in kinds)
            for name in ("country_code", "postal_code", *kinds, "weather_source")
        ),
    )

    report, _ = ingest(connector(primary, fallback), contract, warehouse, run_id="r1", log=log)
    again, _ = ingest(connector(primary, fallback), contract, warehouse, run_id="r2", log=log)

    assert (report.inserted, again.inserted, again.updated) == (10, 0, 0)
    assert rows(
        warehouse,
        "select postal_code, weather_source, count(*) from bronze.weather_daily "
        "group by all order by 1",
    ) == [("10117", "open-meteo", 5), ("SW1A 1AA", "fallback:mirror", 5)]


def test_settings_and_connector_from_the_environment(monkeypatch, primary, fallback) -> None:
    for name in (
        "PLATFORM_WEATHER_AS_OF",
        "PLATFORM_WEATHER_DAYS",
        "PLATFORM_WEATHER_FALLBACK_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    defaults = weather_settings_from_env(today=date(2026, 12, 7))
    assert defaults.window == WeatherWindow(end=date(2026, 12, 6), days=35)
    assert defaults.window.start == date(2026, 12, 6) - timedelta(days=34)
    assert not defaults.has_fallback

    monkeypatch.setenv("PLATFORM_WEATHER_AS_OF", "2026-11-05")
    monkeypatch.setenv("PLATFORM_WEATHER_DAYS", "5")
    monkeypatch.setenv("PLATFORM_WEATHER_PRIMARY_URL", primary.base_url)
    monkeypatch.setenv("PLATFORM_WEATHER_FALLBACK_URL", fallback.base_url)
    monkeypatch.setenv("PLATFORM_WEATHER_FALLBACK_NAME", "mirror")
    monkeypatch.setenv("PLATFORM_HTTP_MAX_ATTEMPTS", "1")
    primary.failing.add(point(LONDON))
    settings = weather_settings_from_env()
    assert settings.window == WINDOW

    with weather_connector([LONDON], settings) as weather:
        rows_ = landed(extract(weather))

    assert rows_ == [expected(LONDON, day, "fallback:mirror") for day in DAYS]


def test_a_bad_window_setting_names_the_variable(monkeypatch) -> None:
    monkeypatch.setenv("PLATFORM_WEATHER_AS_OF", "yesterday")
    with pytest.raises(SourceError, match="PLATFORM_WEATHER_AS_OF='yesterday' is not a date"):
        weather_settings_from_env()
    monkeypatch.delenv("PLATFORM_WEATHER_AS_OF")
    monkeypatch.setenv("PLATFORM_WEATHER_DAYS", "0")
    with pytest.raises(SourceError, match="PLATFORM_WEATHER_DAYS=0 must be at least 1"):
        weather_settings_from_env()


def test_an_unset_primary_url_means_the_public_archive(monkeypatch) -> None:
    monkeypatch.delenv("PLATFORM_WEATHER_PRIMARY_URL", raising=False)
    client = http_client_from_env("PLATFORM_WEATHER_PRIMARY_URL", {}, DEFAULT_PRIMARY_URL)
    assert str(client.resolve("/v1/archive")) == "https://archive-api.open-meteo.com/v1/archive"
    # A source with no public default still fails at once, naming its variable.
    monkeypatch.delenv("PLATFORM_WEATHER_FALLBACK_URL", raising=False)
    with pytest.raises(SourceError, match="PLATFORM_WEATHER_FALLBACK_URL is not set"):
        http_client_from_env("PLATFORM_WEATHER_FALLBACK_URL", {})
