"""Name keys and acronyms: spelling variants fold together, different names do not."""

import pytest

from pipeline.gazetteer import capital_country, country_code
from pipeline.text import (
    given_names_compatible,
    initials,
    looks_like_acronym,
    matches_acronym,
    name_key,
    strip_legal_form,
    strip_titles,
    surname,
)


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("Hay’at Tahrir al-Sham", "Hayat Tahrir al-Sham"),
        ("U.S.", "US"),
        ("Bashar al-Assad's", "Bashar al Assad"),
        ("the Syrian Observatory for Human Rights", "Syrian Observatory for Human Rights"),
        ("São Paulo", "Sao Paulo"),
        ("Kyiv\u2019s", "Kyiv"),
    ],
)
def test_spelling_variants_share_a_key(variant: str, canonical: str) -> None:
    assert name_key(variant) == name_key(canonical)


@pytest.mark.parametrize(
    ("first", "second"), [("Austria", "Australia"), ("Georgia", "George"), ("Hama", "Hamas")]
)
def test_different_names_keep_different_keys(first: str, second: str) -> None:
    assert name_key(first) != name_key(second)


def test_titles_are_stripped_from_person_keys() -> None:
    assert strip_titles(name_key("U.S. National Security Council Spokesperson Sean Savett")) == "sean savett"


def test_a_person_key_is_never_stripped_to_nothing() -> None:
    assert strip_titles("president") == "president"


def test_surname_skips_name_particles() -> None:
    assert surname("bashar al assad") == "assad"
    assert surname("ludwig van beethoven") == "beethoven"


@pytest.mark.parametrize(
    ("acronym", "long_form"),
    [
        ("HTS", "Hayat Tahrir al-Sham"),
        ("UNSCR", "United Nations Security Council Resolution"),
        ("UNSCR", "UN Security Council Resolution"),
        ("NATO", "North Atlantic Treaty Organization"),
        ("SOHR", "Syrian Observatory for Human Rights"),
        ("FBI", "Federal Bureau of Investigation"),
        ("U.N.", "United Nations"),
    ],
)
def test_acronyms_match_their_long_forms(acronym: str, long_form: str) -> None:
    assert matches_acronym(acronym, long_form)


@pytest.mark.parametrize(
    ("acronym", "long_form"), [("HTS", "Hezbollah"), ("UN", "United States"), ("I", "Iran")]
)
def test_acronyms_do_not_match_other_names(acronym: str, long_form: str) -> None:
    assert not matches_acronym(acronym, long_form)


def test_initials_of_an_already_abbreviated_word_keep_all_its_letters() -> None:
    assert initials("UN Security Council") == "UNSC"


@pytest.mark.parametrize(("text", "expected"), [("HTS", True), ("U.S.", True), ("Hts", False), ("A", False)])
def test_looks_like_acronym(text: str, expected: bool) -> None:
    assert looks_like_acronym(text) is expected


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("Russia", "RUS"),
        ("Russian Federation", "RUS"),
        ("U.S.", "USA"),
    ],
)
def test_country_names_in_every_spelling_share_a_code(name: str, code: str) -> None:
    assert country_code(name_key(name)) == code


@pytest.mark.parametrize("name", ["Washington", "Aleppo", "Hezbollah"])
def test_non_countries_have_no_country_code(name: str) -> None:
    assert country_code(name_key(name)) is None


@pytest.mark.parametrize(
    ("first", "second"),
    [("w mark felt", "mark felt"), ("fred larue", "frederick c larue"), ("mark felt sr", "w mark felt")],
)
def test_one_persons_names_with_initials_or_short_forms_are_compatible(first: str, second: str) -> None:
    assert given_names_compatible(first, second)


@pytest.mark.parametrize(
    ("first", "second"),
    [("jane miller", "matthew miller"), ("mark felt jr", "mark felt sr"), ("mark felt", "mark miller")],
)
def test_different_people_are_not_compatible(first: str, second: str) -> None:
    assert not given_names_compatible(first, second)


def test_surname_skips_generational_suffixes() -> None:
    assert surname("arcade joseph comeaux jr") == "comeaux"


def test_a_legal_form_is_stripped_from_an_organisation_key() -> None:
    assert strip_legal_form(name_key("Microsoft Corp.")) == "microsoft"
    assert strip_legal_form("co") == "co"


def test_a_capital_names_its_country_and_a_shared_capital_name_names_none() -> None:
    assert capital_country(name_key("Washington")) == "USA"
    assert capital_country(name_key("Ankara")) == "TUR"
    assert capital_country(name_key("Kingston")) is None
