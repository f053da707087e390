"""Acceptance, section 1 (parsing): what an analyst must find in `articles` for the seeds."""

import datetime as dt

import pandas as pd
import pytest

from tests.conftest import SAMPLE, SeedRun


def test_all_five_seed_files_become_articles(seed_run: SeedRun) -> None:
    assert sorted(seed_run.tables["articles"]["source_path"]) == sorted(p.name for p in SAMPLE.iterdir())


def test_no_seed_file_is_quarantined(seed_run: SeedRun) -> None:
    assert seed_run.tables["quarantine"].empty


@pytest.mark.parametrize(
    ("seed", "expected"),
    [("000", dt.date(2024, 12, 3)), ("001", dt.date(2024, 12, 3)), ("003", dt.date(2024, 12, 2))],
)
def test_publication_date_comes_from_the_page(seed_run: SeedRun, seed: str, expected: dt.date) -> None:
    assert seed_run.article(seed)["published_date"] == expected


@pytest.mark.parametrize("seed", ["002", "004"])
def test_publication_date_is_null_when_the_article_does_not_say(seed_run: SeedRun, seed: str) -> None:
    assert pd.isna(seed_run.article(seed)["published_date"])


@pytest.mark.parametrize(
    "furniture",
    ["Your browser doesn’t support HTML5", "Contact Us", "Subscribe", "Anadolu Agency WORLD"],
)
def test_page_furniture_is_not_in_any_sentence(seed_run: SeedRun, furniture: str) -> None:
    sentences = seed_run.tables["sentences"]
    assert not sentences["text"].str.contains(furniture, regex=False).any()


def test_line_markers_are_not_in_any_sentence(seed_run: SeedRun) -> None:
    assert not seed_run.tables["sentences"]["text"].str.contains("::", regex=False).any()


def test_furniture_stays_in_the_stored_text(seed_run: SeedRun) -> None:
    article = seed_run.article("003")
    furniture_texts = {
        article["text"][span["start_char"] : span["end_char"]] for span in article["furniture"]
    }
    assert {"Contact Us", "Subscribe", "Anadolu Agency WORLD"} <= furniture_texts
    assert article["text"] == (SAMPLE / article["source_path"]).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("seed", "title"),
    [
        ("003", "US urges 'de-escalation' in Syria as anti-regime groups take ground"),
        ("004", "Washington urges Türkiye's role in Syrian de-escalation as rebel offensive rages"),
        (
            "000",
            "The US says it wants to see a 'political process' to end Syria's civil war"
            " as rebel fighters make gains",
        ),
    ],
)
def test_title(seed_run: SeedRun, seed: str, title: str) -> None:
    assert seed_run.article(seed)["title"] == title


def test_outlet_from_the_masthead(seed_run: SeedRun) -> None:
    assert seed_run.article("003")["outlet"] == "Anadolu Agency"


def test_author_from_the_byline(seed_run: SeedRun) -> None:
    assert seed_run.article("004")["author"] == "Khagan Isayev"


@pytest.mark.parametrize("seed", ["000", "001"])
def test_dateline(seed_run: SeedRun, seed: str) -> None:
    assert seed_run.article(seed)["dateline"] == "Washington"


def test_a_headline_that_starts_with_a_city_is_no_dateline(seed_run: SeedRun) -> None:
    assert pd.isna(seed_run.article("004")["dateline"])
