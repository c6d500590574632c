"""The environments (dev, staging, prod) of config/environments.yaml, chosen by
``PLATFORM_ENV``: which warehouse, Dagster instance storage, dbt target and alert routes a
process uses, and which delivery stages its code location deploys (docs/environments.md).

Secrets never live in the file: an environment says whether PostgreSQL is optional or
required, and the URL comes from the environment variable, so the same file serves a
laptop and a deployment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, cast

import dagster as dg
import yaml

from platform_assets.settings import (
    ALERT_ROUTES_ENV,
    DAGSTER_POSTGRES_URL_ENV,
    ENVIRONMENT_ENV,
    POSTGRES_URL_ENV,
    WAREHOUSE_ENV,
    environment_name,
    environments_file,
    resolve_path,
)
from platform_assets.stages.delivery_stage import DeliveryStage

PostgresUse = Literal["optional", "required"]
DbtTarget = Literal["local", "postgres"]

_POSTGRES_USES: Final = ("optional", "required")
_ENVIRONMENT_KEYS: Final = frozenset(
    {"postgres", "instance_postgres", "alert_routes", "deploys", "production"}
)
_DIALECTS: Final = ("duckdb", "postgres")


class EnvironmentConfigError(ValueError):
    """The environments file, or the environment's variables, cannot be used; the message
    says what to set or fix."""


@dataclass(frozen=True)
class Environment:
    name: str
    postgres: PostgresUse
    instance_postgres: PostgresUse
    alert_routes: Path
    deploys: frozenset[DeliveryStage]
    dbt_targets: dict[str, DbtTarget]
    production: bool = False

    def deploys_stage(self, stage: DeliveryStage) -> bool:
        return stage in self.deploys

    @property
    def deployed_labels(self) -> str:
        return ", ".join(stage.tag_value for stage in sorted(self.deploys))

    def warehouse_postgres_url(self) -> str:
        """The warehouse's PostgreSQL URL; empty selects the DuckDB file."""
        url = os.environ.get(POSTGRES_URL_ENV, "")
        if not url and self.postgres == "required":
            raise EnvironmentConfigError(
                f"environment {self.name!r} requires a PostgreSQL warehouse: set "
                f"{POSTGRES_URL_ENV} (postgresql://user:password@host:port/database), or "
                f"run as {ENVIRONMENT_ENV}=dev for the local DuckDB file"
            )
        return url

    def warehouse_settings(self) -> tuple[str | dg.EnvVar, str | dg.EnvVar]:
        """``(database, postgres_url)`` for the ``Warehouse`` and ``WarehouseIOManager``
        resources: ``dg.EnvVar`` where a variable is set, so the URL (a secret) is read
        when a run starts and the UI shows where each value came from."""
        # empty: the resource resolves the data root's file when it connects
        database: str | dg.EnvVar = (
            dg.EnvVar(WAREHOUSE_ENV) if os.environ.get(WAREHOUSE_ENV) else ""
        )
        postgres_url: str | dg.EnvVar = (
            dg.EnvVar(POSTGRES_URL_ENV) if self.warehouse_postgres_url() else ""
        )
        return database, postgres_url

    @property
    def dbt_target(self) -> DbtTarget:
        """The dbt profile's target for this environment's warehouse."""
        return self.dbt_targets["postgres" if self.warehouse_postgres_url() else "duckdb"]

    def instance_postgres_variable(self) -> str | None:
        """The variable holding the Dagster instance's PostgreSQL URL, or None for the
        SQLite default. The instance's own variable wins over the warehouse's."""
        for variable in (DAGSTER_POSTGRES_URL_ENV, POSTGRES_URL_ENV):
            if os.environ.get(variable):
                return variable
        if self.instance_postgres == "required":
            raise EnvironmentConfigError(
                f"environment {self.name!r} keeps the Dagster instance on PostgreSQL: set "
                f"{DAGSTER_POSTGRES_URL_ENV} (or {POSTGRES_URL_ENV}, which it defaults to)"
            )
        return None


def _postgres_use(name: str, key: str, value: object) -> PostgresUse:
    if value not in _POSTGRES_USES:
        raise EnvironmentConfigError(
            f"environment {name!r}: {key} is {value!r}: expected optional or required"
        )
    return cast(PostgresUse, value)


def _stages(name: str, value: object) -> frozenset[DeliveryStage]:
    if not isinstance(value, list) or not value:
        raise EnvironmentConfigError(
            f"environment {name!r}: deploys must list stages (poc, alpha, beta, ga)"
        )
    try:
        return frozenset(DeliveryStage.parse(str(stage)) for stage in value)
    except ValueError as error:
        raise EnvironmentConfigError(f"environment {name!r}: deploys: {error}") from error


def _parse_environment(
    name: str, spec: object, dbt_targets: dict[str, DbtTarget], source: Path
) -> Environment:
    if not isinstance(spec, dict):
        raise EnvironmentConfigError(f"{source}: environment {name!r} must be a mapping")
    unknown = sorted(set(spec) - _ENVIRONMENT_KEYS)
    if unknown:
        raise EnvironmentConfigError(
            f"{source}: environment {name!r} has unknown keys {unknown}: expected "
            f"{sorted(_ENVIRONMENT_KEYS)}"
        )
    missing = sorted(_ENVIRONMENT_KEYS - {"production"} - set(spec))
    if missing:
        raise EnvironmentConfigError(f"{source}: environment {name!r} does not set {missing}")
    production = spec.get("production", False)
    if not isinstance(production, bool):
        raise EnvironmentConfigError(f"environment {name!r}: production must be true or false")
    deploys = _stages(name, spec["deploys"])
    if production and DeliveryStage.POC in deploys:
        raise EnvironmentConfigError(
            f"environment {name!r} is production and deploys POC assets: a POC asset is not "
            "deployed to production (seed 000); remove poc from its deploys"
        )
    if production and DeliveryStage.GA not in deploys:
        raise EnvironmentConfigError(
            f"environment {name!r} is production and does not deploy GA assets: a GA asset "
            "is deployed to production (seed 000); add ga to its deploys"
        )
    return Environment(
        name=name,
        postgres=_postgres_use(name, "postgres", spec["postgres"]),
        instance_postgres=_postgres_use(name, "instance_postgres", spec["instance_postgres"]),
        alert_routes=resolve_path(str(spec["alert_routes"])),
        deploys=deploys,
        dbt_targets=dbt_targets,
        production=production,
    )


def _dbt_targets(document: dict[str, Any], source: Path) -> dict[str, DbtTarget]:
    targets = document.get("dbt_targets")
    if not isinstance(targets, dict) or set(targets) != set(_DIALECTS):
        raise EnvironmentConfigError(
            f"{source}: dbt_targets must name the dbt target for duckdb and for postgres "
            "(the outputs of dbt_project/profiles.yml)"
        )
    return {dialect: cast(DbtTarget, str(target)) for dialect, target in targets.items()}


def load_environments(path: Path | None = None) -> dict[str, Environment]:
    """Every environment of the file (default: ``PLATFORM_ENVIRONMENTS_FILE``, else
    config/environments.yaml), validated."""
    source = path or environments_file()
    try:
        document = yaml.safe_load(source.read_text())
    except OSError as error:
        raise EnvironmentConfigError(f"cannot read environments file {source}: {error}") from error
    except yaml.YAMLError as error:
        raise EnvironmentConfigError(f"{source} is not valid YAML: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("environments"), dict):
        raise EnvironmentConfigError(f"{source} must map `environments` to their settings")
    dbt_targets = _dbt_targets(document, source)
    return {
        str(name): _parse_environment(str(name), spec, dbt_targets, source)
        for name, spec in document["environments"].items()
    }


def environment(name: str, path: Path | None = None) -> Environment:
    environments = load_environments(path)
    if name not in environments:
        raise EnvironmentConfigError(
            f"unknown environment {name!r} ({ENVIRONMENT_ENV}): expected one of "
            f"{', '.join(sorted(environments))} (config/environments.yaml)"
        )
    return environments[name]


def current_environment() -> Environment:
    """The environment ``PLATFORM_ENV`` names (default dev)."""
    return environment(environment_name())


def current_alert_routes() -> Path:
    """``PLATFORM_ALERT_ROUTES``, else the routes file of the current environment."""
    configured = os.environ.get(ALERT_ROUTES_ENV)
    return resolve_path(configured) if configured else current_environment().alert_routes
