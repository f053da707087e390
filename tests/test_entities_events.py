"""Entity resolution inside events, on untagged names, and for capitals that act for their government."""

from __future__ import annotations

import pandas as pd

from pipeline.extract.mentions import MentionCandidate, extract_mentions
from pipeline.extract.sentences import SentenceSpan
from pipeline.nlp import cached_pipeline
from pipeline.reconcile.entities import resolve_entities
from tests.conftest import SeedRun


def candidates(*rows: tuple) -> pd.DataFrame:
    """Rows of `(article_id, text, ner_label[, candidate])`, laid out one after another."""
    records = []
    for position, (article_id, text, label, *rest) in enumerate(rows):
        start = position * 100
        candidate = rest[0] if rest else False
        records.append(
            MentionCandidate(article_id, 0, start, start + len(text), text, label, None, candidate)
        )
    return pd.DataFrame([record.__dict__ for record in records])


def entity_of(mentions: pd.DataFrame, article_id: str, text: str) -> set[str]:
    return set(mentions[(mentions["article_id"] == article_id) & (mentions["text"] == text)]["entity_id"])


# Two reports of one match: they share the teams' full names, so they are one event.
MATCH = [
    ("a", "Indianapolis Colts", "ORG"),
    ("a", "Kansas City Chiefs", "ORG"),
    ("a", "Andrew Luck", "PERSON"),
    ("b", "Indianapolis Colts", "ORG"),
    ("b", "Kansas City Chiefs", "ORG"),
    ("b", "Colts", "ORG"),
    ("b", "Chiefs", "NORP"),
]


def test_a_teams_last_word_joins_its_full_name_in_the_same_event() -> None:
    mentions, _ = resolve_entities(candidates(*MATCH))
    assert entity_of(mentions, "b", "Colts") == entity_of(mentions, "a", "Indianapolis Colts")
    assert entity_of(mentions, "b", "Chiefs") == entity_of(mentions, "a", "Kansas City Chiefs")
    assert entity_of(mentions, "b", "Colts") != entity_of(mentions, "b", "Chiefs")


def test_one_name_with_different_model_labels_is_one_entity() -> None:
    mentions, entities = resolve_entities(
        candidates(("a", "Wladimir Klitschko", "PERSON"), ("b", "Wladimir Klitschko", "GPE"))
    )
    assert mentions["entity_id"].nunique() == 1
    assert entities["label"].tolist() == ["PERSON"]


def test_an_untagged_headline_is_narrowed_to_the_name_it_contains() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Lindsay Lohan", "PERSON"),
            ("b", "Lindsay Lohan Checks Into Rehab", "ORG", True),
        )
    )
    narrowed = mentions[mentions["article_id"] == "b"]
    assert narrowed["text"].tolist() == ["Lindsay Lohan"]
    assert narrowed["end_char"].iloc[0] - narrowed["start_char"].iloc[0] == len("Lindsay Lohan")
    assert mentions["entity_id"].nunique() == 1


def test_an_untagged_run_that_names_nothing_known_is_dropped() -> None:
    mentions, _ = resolve_entities(
        candidates(("a", "Angela Merkel", "PERSON"), ("b", "Clinch Playoff Berth", "ORG", True))
    )
    assert set(mentions["text"]) == {"Angela Merkel"}


def test_father_and_son_of_one_name_stay_apart() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "W. Mark Felt Sr.", "PERSON"),
            ("a", "Mark Felt Jr.", "PERSON"),
            ("b", "W. Mark Felt Sr.", "PERSON"),
            ("b", "W. Mark Felt", "PERSON"),
        )
    )
    assert entity_of(mentions, "b", "W. Mark Felt") == entity_of(mentions, "a", "W. Mark Felt Sr.")
    assert entity_of(mentions, "a", "Mark Felt Jr.") != entity_of(mentions, "a", "W. Mark Felt Sr.")


def test_a_surname_shared_in_its_article_is_the_person_introduced_first() -> None:
    mentions, _ = resolve_entities(
        candidates(("a", "Mark Felt", "PERSON"), ("a", "Joan Felt", "PERSON"), ("a", "Felt", "PERSON"))
    )
    assert entity_of(mentions, "a", "Felt") == entity_of(mentions, "a", "Mark Felt")


def test_a_legal_form_does_not_make_another_company() -> None:
    mentions, _ = resolve_entities(candidates(("a", "Microsoft Corp.", "ORG"), ("b", "Microsoft", "ORG")))
    assert mentions["entity_id"].nunique() == 1


def test_a_capital_that_acts_is_its_government_and_a_dateline_is_the_city() -> None:
    text = "WASHINGTON\nWashington warned Moscow on Monday, the United States said in a statement.\n"
    doc = cached_pipeline()(text)
    sentences = [SentenceSpan(i, s.start_char, s.end_char, "body") for i, s in enumerate(doc.sents)]
    found = pd.DataFrame([m.__dict__ for m in extract_mentions("a", text, doc, sentences)])
    mentions, _ = resolve_entities(found)
    dateline = mentions[mentions["start_char"] == 0]["entity_id"]
    acting = mentions[mentions["text"] == "Washington"]["entity_id"]
    country = mentions[mentions["text"] == "United States"]["entity_id"]
    assert set(acting) == set(country)
    assert set(dateline).isdisjoint(set(acting))


def test_the_seed_dateline_washington_is_not_the_us_government(seed_run: SeedRun) -> None:
    mentions = seed_run.tables["mentions"]
    us = mentions[mentions["text"].isin(["US", "U.S.", "United States"])]["entity_id"]
    assert us.nunique() == 1
    dateline = seed_run.article("000")
    start = dateline["text"].index("Washington, D.C.")
    in_dateline = mentions[
        (mentions["article_id"] == dateline["article_id"]) & (mentions["start_char"] == start)
    ]
    assert not in_dateline.empty
    assert set(in_dateline["entity_id"]).isdisjoint(set(us))
