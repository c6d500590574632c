"""Waivers: owned, reasoned, time-boxed exceptions to one requirement, scoped to the code
location they belong to.

A waiver file is a promise to fix something by a date. An expired waiver is itself a
violation (the promise lapsed); a waiver of the audited code location naming an unknown
asset or requirement is a configuration error, because a typo would otherwise silently
waive nothing. A waiver of another code location is not applied and, where it names an
asset the audited location does not have, is only a warning: one waivers file may serve
several code locations, and a team auditing its own code with the platform's default file
must not be stopped by the platform's own waivers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

import yaml

from platform_assets.stages.requirements import REQUIREMENTS_BY_ID

REQUIRED_FIELDS = ("assets", "requirement", "owner", "reason", "expires")
#: The field naming the code location a waiver belongs to: at the top of the file for all
#: its waivers, or on one waiver. A waiver naming none belongs to whichever is audited.
LOCATION_FIELD: Final = "code_location"


class WaiverError(ValueError):
    """The waiver file cannot be applied; the message names the waiver and the fault."""


@dataclass(frozen=True)
class Waiver:
    assets: tuple[str, ...]
    requirement: str
    owner: str
    reason: str
    expires: date
    code_location: str | None = None

    def expired(self, today: date) -> bool:
        return self.expires < today

    def selects(self, asset_key: str, group: str | None) -> bool:
        return asset_key in self.assets or (group is not None and f"group:{group}" in self.assets)

    def belongs_to(self, code_location: str) -> bool:
        return self.code_location is None or self.code_location == code_location

    def as_record(self) -> dict[str, Any]:
        record = {
            "assets": list(self.assets),
            "requirement": self.requirement,
            "owner": self.owner,
            "reason": self.reason,
            "expires": self.expires.isoformat(),
        }
        if self.code_location is not None:
            record[LOCATION_FIELD] = self.code_location
        return record


@dataclass(frozen=True)
class ScopedWaivers:
    """The waivers of the audited code location, and what the file says that is wrong
    (errors: the audit cannot run) or only worth a look (warnings)."""

    waivers: tuple[Waiver, ...]
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def _location(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise WaiverError(f"{where} has {LOCATION_FIELD} {value!r}: name a code location")
    return value


def _parse(index: int, raw: Any, origin: str, file_location: str | None) -> Waiver:
    where = f"{origin}: waiver #{index + 1}"
    if not isinstance(raw, dict):
        raise WaiverError(f"{where} must be a mapping with {', '.join(REQUIRED_FIELDS)}")
    missing = [name for name in REQUIRED_FIELDS if not raw.get(name)]
    if missing:
        raise WaiverError(f"{where} is missing {', '.join(missing)}")
    assets = raw["assets"]
    assets = (assets,) if isinstance(assets, str) else tuple(assets)
    expires = raw["expires"]
    if not isinstance(expires, date):
        try:
            expires = date.fromisoformat(str(expires))
        except ValueError as error:
            raise WaiverError(f"{where} has expires {expires!r}: use YYYY-MM-DD") from error
    location = _location(raw.get(LOCATION_FIELD), where) or file_location
    return Waiver(
        assets, str(raw["requirement"]), str(raw["owner"]), str(raw["reason"]), expires, location
    )


def load_waivers(path: Path | None) -> list[Waiver]:
    if path is None or not path.exists():
        return []
    try:
        document = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as error:
        raise WaiverError(f"{path} is not valid YAML: {error}") from error
    entries = document.get("waivers") or [] if isinstance(document, dict) else None
    if entries is None:
        raise WaiverError(f"{path} must hold a mapping with a `waivers:` list")
    file_location = _location(document.get(LOCATION_FIELD), str(path))
    return [_parse(index, raw, str(path), file_location) for index, raw in enumerate(entries)]


def _unknown_selections(waiver: Waiver, asset_keys: set[str], groups: set[str]) -> list[str]:
    return [
        selection
        for selection in waiver.assets
        if not (
            selection.removeprefix("group:") in groups
            if selection.startswith("group:")
            else selection in asset_keys
        )
    ]


def scope_waivers(
    waivers: Iterable[Waiver], code_location: str, asset_keys: set[str], groups: set[str]
) -> ScopedWaivers:
    """Keeps the waivers of ``code_location``; an unknown requirement is an error in any
    waiver (requirement ids are the platform's, whatever the location), an unknown asset
    is an error in the location's own waivers and a warning in another's."""
    own: list[Waiver] = []
    errors: list[str] = []
    warnings: list[str] = []
    for waiver in waivers:
        if waiver.requirement not in REQUIREMENTS_BY_ID:
            errors.append(
                f"waiver for {list(waiver.assets)} names unknown requirement {waiver.requirement!r}"
            )
        unknown = _unknown_selections(waiver, asset_keys, groups)
        if waiver.belongs_to(code_location):
            own.append(waiver)
            errors += [
                f"waiver of {waiver.requirement} names unknown asset {selection!r}"
                for selection in unknown
            ]
            continue
        warnings += [
            f"waiver of {waiver.requirement} for code location {waiver.code_location!r} names "
            f"{selection!r}, which code location {code_location!r} does not have: not applied"
            for selection in unknown
        ]
    return ScopedWaivers(tuple(own), tuple(errors), tuple(warnings))
