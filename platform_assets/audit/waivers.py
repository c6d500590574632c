"""Waivers: owned, reasoned, time-boxed exceptions to one requirement.

A waiver file is a promise to fix something by a date. An expired waiver is itself a
violation (the promise lapsed); a waiver naming an unknown asset or requirement is a
configuration error, because a typo would otherwise silently waive nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from platform_assets.stages.requirements import REQUIREMENTS_BY_ID

REQUIRED_FIELDS = ("assets", "requirement", "owner", "reason", "expires")


class WaiverError(ValueError):
    """The waiver file cannot be applied; the message names the waiver and the fault."""


@dataclass(frozen=True)
class Waiver:
    assets: tuple[str, ...]
    requirement: str
    owner: str
    reason: str
    expires: date

    def expired(self, today: date) -> bool:
        return self.expires < today

    def selects(self, asset_key: str, group: str | None) -> bool:
        return asset_key in self.assets or (group is not None and f"group:{group}" in self.assets)

    def as_record(self) -> dict[str, Any]:
        return {
            "assets": list(self.assets),
            "requirement": self.requirement,
            "owner": self.owner,
            "reason": self.reason,
            "expires": self.expires.isoformat(),
        }


def _parse(index: int, raw: Any, origin: str) -> Waiver:
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
    return Waiver(assets, str(raw["requirement"]), str(raw["owner"]), str(raw["reason"]), expires)


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
    return [_parse(index, raw, str(path)) for index, raw in enumerate(entries)]


def validate_waivers(
    waivers: Iterable[Waiver], asset_keys: set[str], groups: set[str]
) -> list[str]:
    """The configuration errors: unknown requirements and selections that match nothing."""
    errors = []
    for waiver in waivers:
        if waiver.requirement not in REQUIREMENTS_BY_ID:
            errors.append(
                f"waiver for {list(waiver.assets)} names unknown requirement {waiver.requirement!r}"
            )
        for selection in waiver.assets:
            if selection.startswith("group:"):
                known = selection.removeprefix("group:") in groups
            else:
                known = selection in asset_keys
            if not known:
                errors.append(f"waiver of {waiver.requirement} names unknown asset {selection!r}")
    return errors
