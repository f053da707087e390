"""Quotations: marks paired in every style, speakers and cues found, on text written apart from the seeds."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.articles import build_articles
from pipeline.extract.mentions import mention_candidates
from pipeline.extract.quotes import find_quote_spans, quote_candidates_table, quotes_table
from pipeline.extract.sentences import sentences_table
from pipeline.ingest import discover_inputs, ingest
from pipeline.nlp import cached_pipeline, iter_docs, parse_articles
from pipeline.reconcile.entities import resolve_entities
from pipeline.storage import to_arrow
from tests.conftest import SAMPLE


def inner(text: str) -> list[str]:
    spans, _ = find_quote_spans(text)
    return [text[span.start_char : span.end_char] for span in spans]


def quotes_of(text: str, sections: list[tuple[int, int, str]] = ()) -> pd.DataFrame:
    """The `quotes` rows the library produces for one article (no Dagster involved)."""
    articles = pd.DataFrame(
        [
            {
                "article_id": "a",
                "text": text,
                "furniture": [],
                "sections": [{"start_char": s, "end_char": e, "kind": k} for s, e, k in sections],
            }
        ]
    )
    docs = list(iter_docs(parse_articles(cached_pipeline(), articles)))
    sentences = sentences_table(articles, docs)
    mentions, entities = resolve_entities(mention_candidates(articles, sentences, docs))
    table, _ = quotes_table(articles, sentences, mentions, entities, docs)
    return table


# --- pairing the marks -------------------------------------------------------------------------


def test_straight_marks_pair_in_turn() -> None:
    assert inner('He said "one thing" and then "another one".') == ["one thing", "another one"]


def test_curly_marks_pair_by_direction() -> None:
    assert inner("“It’s over,” she said. “We go home now.”") == ["It’s over,", "We go home now."]


def test_doubled_backticks_and_apostrophes_pair() -> None:
    assert inner("`` We appreciate your respect , '' her rep told People .") == [
        "We appreciate your respect ,"
    ]


def test_a_backtick_pair_used_as_closing_mark_still_closes() -> None:
    assert inner("`` I feel sorry for the young , `` said the worker .") == ["I feel sorry for the young ,"]


def test_a_quote_over_several_paragraphs_opens_each_and_closes_once() -> None:
    text = "“First paragraph of the statement.\n\n“Second paragraph, which ends it.”\n\nThen prose."
    [quote] = inner(text)
    assert quote.startswith("First paragraph") and quote.endswith("ends it.")


def test_a_quote_broken_over_lines_without_a_new_mark_continues() -> None:
    assert inner("`` First sentence .\nSecond sentence . '' he said .") == [
        "First sentence .\nSecond sentence ."
    ]


def test_an_unclosed_mark_is_skipped_with_a_reason() -> None:
    spans, skipped = find_quote_spans("He said “this never ends.\n\nA new paragraph without marks.")
    assert spans == []
    assert skipped == [(8, "opening mark never closed")]


def test_a_stray_closing_mark_is_skipped_and_the_rest_still_pairs() -> None:
    spans, skipped = find_quote_spans("Nothing” here. She said “yes, we will.”")
    assert [reason for _, reason in skipped] == ["closing mark without an opening mark"]
    assert len(spans) == 1


def test_bracketed_alterations_and_ellipses_stay_in_the_quote() -> None:
    assert inner("She blamed “[t]he regime ... and its allies.”") == ["[t]he regime ... and its allies."]


# --- speakers and cues ---------------------------------------------------------------------------


def test_speaker_after_the_quote() -> None:
    [row] = quotes_of(
        '"We will rebuild the bridge by spring," Mayor Jane Holloway said on Tuesday.'
    ).itertuples()
    assert (row.speaker_name, row.cue, row.kind) == ("Jane Holloway", "said", "direct")


def test_speaker_before_the_quote() -> None:
    [row] = quotes_of('Fire chief Tom Alvarez said, "The blaze is contained."').itertuples()
    assert (row.speaker_name, row.cue) == ("Tom Alvarez", "said")


def test_inverted_cue_names_the_speaker() -> None:
    [row] = quotes_of('"It was a sudden attack," said Sheriff Lee Baca.').itertuples()
    assert row.speaker_name == "Lee Baca"


def test_a_pronoun_refers_to_the_last_named_speaker() -> None:
    text = (
        '"The river rose overnight," Governor Ana Ruiz told reporters.\n\n'
        '"We evacuated two towns before dawn," she added.'
    )
    rows = quotes_of(text)
    assert rows["speaker_name"].tolist() == ["Ana Ruiz", "Ana Ruiz"]
    assert rows["cue"].tolist() == ["told reporters", "added"]


def test_a_role_refers_to_the_last_named_speaker() -> None:
    text = (
        '"No decision has been taken," said ministry spokesman Karl Becker.\n\n'
        '"We are studying every option," the spokesman further said.'
    )
    assert quotes_of(text)["speaker_name"].tolist() == ["Karl Becker", "Karl Becker"]


def test_two_speakers_in_one_article_are_kept_apart() -> None:
    text = (
        'Senator Maria Lopez said the bill was "a disgrace to this chamber."\n\n'
        'Representative Omar Haddad said, "The bill will pass next week."'
    )
    assert quotes_of(text)["speaker_name"].tolist() == ["Maria Lopez", "Omar Haddad"]


def test_a_fragment_inside_reported_speech_is_partial() -> None:
    [row] = quotes_of(
        "Chancellor Petra Vogel said the plan was “dead on arrival” in its current form."
    ).itertuples()
    assert (row.kind, row.speaker_name) == ("partial", "Petra Vogel")


def test_according_to_names_the_source() -> None:
    [row] = quotes_of('The storm was "the worst in a century," according to Mark Dunn.').itertuples()
    assert (row.cue, row.speaker_name) == ("according to", "Mark Dunn")


def test_a_block_quote_under_a_label_line_is_spoken_by_the_person_named_there() -> None:
    label = "Helen Ortiz, county health director"
    text = f"{label}\n\n“Vaccination clinics open on Monday in every district. Bring your card.”"
    [row] = quotes_of(text, sections=[(0, len(label), "heading")]).itertuples()
    assert (row.kind, row.speaker_name) == ("block", "Helen Ortiz")


def test_titles_and_scare_quotes_are_not_speech() -> None:
    text = 'Her credits include "American Pie" and she called it a "comeback" before filming began.'
    assert quotes_of(text).empty


@pytest.mark.parametrize("text", ["", '"', '""', "“”", "A text with no quotes at all."])
def test_texts_without_quotes_give_no_rows(text: str) -> None:
    spans, _ = find_quote_spans(text)
    assert spans == []


# --- in several processes ----------------------------------------------------------------------


def test_quote_candidates_found_in_two_processes_equal_those_found_in_one() -> None:
    articles = build_articles(ingest(SAMPLE, discover_inputs(SAMPLE)).raw_articles)
    doc_bin = parse_articles(cached_pipeline(), articles)
    docs = list(iter_docs(doc_bin))
    sentences = sentences_table(articles, docs)
    candidates = mention_candidates(articles, sentences, docs)
    one, skipped_in_one = quote_candidates_table(articles, sentences, candidates, doc_bin, n_process=1)
    two, skipped_in_two = quote_candidates_table(articles, sentences, candidates, doc_bin, n_process=2)
    assert len(one) > len(articles)
    assert to_arrow("quote_candidates", two).equals(to_arrow("quote_candidates", one))
    assert skipped_in_two == skipped_in_one
