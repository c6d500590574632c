"""The customer demo source and the postal-area reference it places people in."""

from __future__ import annotations

import re

from platform_assets.domains.customer.postal_areas import load_postal_areas

_CODE_FORMATS = {
    "GB": re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}$"),
    "DE": re.compile(r"^[0-9]{5}$"),
    "FR": re.compile(r"^[0-9]{5}$"),
    "NL": re.compile(r"^[0-9]{4} [A-Z]{2}$"),
    "US": re.compile(r"^[0-9]{5}$"),
}
#: Generous bounding boxes of the countries (mainland US, Northern Ireland in GB).
_BOUNDS = {
    "GB": ((49.8, 60.9), (-8.2, 1.8)),
    "DE": ((47.2, 55.1), (5.8, 15.1)),
    "FR": ((41.3, 51.1), (-5.2, 9.6)),
    "NL": ((50.7, 53.6), (3.3, 7.3)),
    "US": ((24.5, 49.4), (-124.8, -66.9)),
}


def test_postal_areas_are_a_few_hundred_real_looking_codes_inside_their_country() -> None:
    areas = load_postal_areas()
    assert len(areas) >= 300
    assert {area.country_code for area in areas} == set(_CODE_FORMATS)
    assert len({(a.country_code, a.postal_code) for a in areas}) == len(areas)
    for area in areas:
        assert _CODE_FORMATS[area.country_code].match(area.postal_code), area
        (lat_low, lat_high), (lon_low, lon_high) = _BOUNDS[area.country_code]
        assert lat_low <= area.latitude <= lat_high, area
        assert lon_low <= area.longitude <= lon_high, area
        assert area.area_name


def test_postal_codes_keep_their_leading_zeros() -> None:
    codes = {(a.country_code, a.postal_code) for a in load_postal_areas()}
    assert ("DE", "01067") in codes
    assert ("US", "02108") in codes
