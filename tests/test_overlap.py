"""Source overlap: shared copy outside quotations makes articles one source; quotes never do."""

from __future__ import annotations

import random
import re

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from pipeline.reconcile import overlap as overlap_module
from pipeline.reconcile.overlap import COLUMNS, OverlapSettings, independent_groups, source_overlap
from tests.conftest import SeedRun

WIRE = (
    "Rebel fighters seized the northern city of Maarat on Saturday after a lightning offensive that caught "
    "government forces by surprise, a war monitor and residents who fled the fighting said.\n"
    "The advance is the biggest shift in the front lines in four years, and aid groups warned that tens of "
    "thousands of people could be forced from their homes before the winter sets in.\n"
    "Government aircraft struck roads leading out of the city overnight, the monitor's director added."
)
INTRO_A = "Fighting raged across the north for a third day.\n"
INTRO_B = "In a dramatic turn for the long-stalled conflict, the map changed overnight.\n"
QUOTE = (
    "We will not stand by while civilians are bombed in their homes, and we call on every party to "
    "respect the ceasefire and let aid convoys through without delay"
)
UNRELATED = (
    "The city council approved a new budget for public libraries on Tuesday, adding funds for longer "
    "opening hours and a mobile reading van that will visit schools in outlying districts."
)


def frames(*articles: tuple[str, str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """`articles`, `sentences` and `quotes` for `(article_id, text)`: each line a body sentence,
    each “...” or "..." a quotation."""
    rows, sentences, quotes = [], [], []
    for article_id, text in articles:
        rows.append(
            {"article_id": article_id, "text": text, "body_start": 0, "body_end": len(text), "furniture": []}
        )
        for line in re.finditer(r"[^\n]+", text):
            sentences.append(
                {
                    "article_id": article_id,
                    "start_char": line.start(),
                    "end_char": line.end(),
                    "text": line.group(),
                    "kind": "body",
                }
            )
        for quote in re.finditer(r"[“\"]([^”\"]+)[”\"]", text):
            quotes.append({"article_id": article_id, "start_char": quote.start(1), "end_char": quote.end(1)})
    return (
        pd.DataFrame(rows),
        pd.DataFrame(sentences, columns=["article_id", "start_char", "end_char", "text", "kind"]),
        pd.DataFrame(quotes, columns=["article_id", "start_char", "end_char"]),
    )


def overlap_of(
    *articles: tuple[str, str],
    settings: OverlapSettings | None = None,
    stories: list[list[str]] | None = None,
) -> pd.DataFrame:
    grouped = None if stories is None else pd.DataFrame({"article_ids": stories})
    return source_overlap(*frames(*articles), grouped, settings=settings)


def test_syndicated_copy_with_a_different_intro_overlaps() -> None:
    found = overlap_of(("b", INTRO_B + WIRE), ("a", INTRO_A + WIRE))
    assert list(found.columns) == COLUMNS
    [row] = found.itertuples(index=False)
    assert (row.article_id, row.other_article_id, row.passages) == ("a", "b", 1)
    assert row.shared_share > 0.85
    assert row.shared_chars == len(" ".join(re.findall(r"[\w']+", WIRE.lower()))), "words joined by spaces"


def test_case_typography_and_line_breaks_do_not_hide_copy() -> None:
    retyped = WIRE.replace("Rebel", "REBEL").replace("\n", "\n\n").replace(", a war", " – a war")
    retyped = retyped.replace("'", "’").replace("the city", "the  city")
    found = overlap_of(("a", INTRO_A + WIRE), ("b", INTRO_B + retyped))
    assert found["passages"].tolist() == [1]


def test_two_articles_sharing_only_a_long_quotation_do_not_overlap() -> None:
    first = ("a", f"The foreign minister spoke after the vote.\n“{QUOTE},” she said at the podium.")
    second = ("b", f'Aid agencies welcomed the statement.\n"{QUOTE}," the minister told reporters.')
    assert overlap_of(first, second).empty
    articles, sentences, quotes = frames(first, second)
    assert len(source_overlap(articles, sentences, quotes.iloc[0:0])) == 1, "the quote alone is long enough"


def test_unrelated_articles_do_not_overlap() -> None:
    assert overlap_of(("a", WIRE), ("b", UNRELATED)).empty


def test_a_passage_shorter_than_the_threshold_is_not_copy() -> None:
    shared = "the ministry said the convoy reached the border crossing late on"  # 11 words
    first, second = (
        ("a", f"Officials confirmed {shared} Sunday."),
        ("b", f"Residents watched as {shared} Monday."),
    )
    assert overlap_of(first, second).empty
    assert overlap_of(first, second, settings=OverlapSettings(min_passage_words=8))["passages"].tolist() == [
        1
    ]


def test_separate_shared_passages_are_counted_apart() -> None:
    lines = WIRE.split("\n")
    first = ("a", "\n".join([lines[0], "Our reporter saw it.", lines[1]]))
    second = ("b", "\n".join([lines[0], "A different sentence in between here.", lines[1]]))
    assert overlap_of(first, second)["passages"].tolist() == [2]


def test_pairs_are_found_through_shared_shingles_not_by_comparing_all_pairs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    words = [f"w{n}" for n in range(400)]
    rng = random.Random(0)
    articles = [(f"x{n:02}", " ".join(rng.choices(words, k=200))) for n in range(40)]
    articles += [("a", INTRO_A + WIRE), ("b", INTRO_B + WIRE)]
    measured = []
    match = overlap_module._story_matches
    monkeypatch.setattr(
        overlap_module, "_story_matches", lambda bodies, pairs: measured.extend(pairs) or match(bodies, pairs)
    )
    found = overlap_of(*articles)
    assert found[["article_id", "other_article_id"]].values.tolist() == [["a", "b"]]
    assert len(measured) == 1, "only the one candidate pair is measured, not 42 * 41 / 2"


def test_colliding_shingle_hashes_are_checked_word_by_word(monkeypatch: pytest.MonkeyPatch) -> None:
    words = [f"w{n}" for n in range(50)]
    rng = random.Random(1)
    articles = [(f"x{n}", " ".join(rng.choices(words, k=300))) for n in range(3)]
    articles += [("a", INTRO_A + WIRE), ("b", INTRO_B + "Rebel fighters seized the north.\n" + WIRE)]
    expected = overlap_of(*articles)
    monkeypatch.setattr(overlap_module, "_BASE", np.uint64(0))  # a shingle's hash is now its last word
    assert_frame_equal(overlap_of(*articles), expected)
    assert expected[["article_id", "other_article_id"]].values.tolist() == [["a", "b"]]


def test_a_story_too_large_to_join_at_once_is_joined_in_parts_with_the_same_pairs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines = WIRE.split("\n")
    articles = [("a", INTRO_A + WIRE), ("b", INTRO_B + WIRE), ("c", "\n".join([lines[0], QUOTE, lines[2]]))]
    articles += [("d", UNRELATED + "\n" + lines[1]), ("e", UNRELATED)]
    whole = overlap_of(*articles)
    monkeypatch.setattr(overlap_module, "_MAX_JOINED", 1)
    assert_frame_equal(overlap_of(*articles), whole)
    assert len(whole) == 6, "a, b, c share lines 0 and 2; a, b, d share line 1; d, e one paragraph"


def test_boilerplate_in_many_articles_does_not_make_candidates() -> None:
    footer = "\nThis story has been published from a wire agency feed without modifications to the text."
    articles = [("a", INTRO_A + footer), ("b", INTRO_B + footer), ("c", UNRELATED + footer)]
    pruned = OverlapSettings(max_shingle_articles=2)
    assert len(overlap_of(*articles)) == 3
    assert overlap_of(*articles, settings=pruned).empty
    copied = overlap_of(
        ("a", WIRE + footer), ("b", WIRE + footer), ("c", UNRELATED + footer), settings=pruned
    )
    assert copied[["article_id", "other_article_id"]].values.tolist() == [["a", "b"]]


def test_copy_shared_by_articles_of_different_stories_is_not_looked_for() -> None:
    articles = [("a", INTRO_A + WIRE), ("b", INTRO_B + WIRE), ("c", UNRELATED + "\n" + WIRE)]
    found = overlap_of(*articles, stories=[["a", "b"], ["c"]])
    assert found[["article_id", "other_article_id"]].values.tolist() == [["a", "b"]]


def test_boilerplate_is_counted_over_the_whole_corpus_not_one_story() -> None:
    footer = "\nThis story has been published from a wire agency feed without modifications to the text."
    articles = [("a", INTRO_A + footer), ("b", INTRO_B + footer), ("c", UNRELATED + footer)]
    pruned = OverlapSettings(max_shingle_articles=2)
    assert overlap_of(*articles, stories=[["a", "b"], ["c"]], settings=pruned).empty


def test_articles_linked_by_overlap_are_one_source() -> None:
    overlap = pd.DataFrame(
        [("a", "b", 500, 0.5, 1), ("b", "c", 300, 0.3, 1), ("c", "z", 300, 0.3, 1)], columns=COLUMNS
    )
    assert independent_groups(["d", "c", "b", "a"], overlap) == [{"a", "b", "c"}, {"d"}]
    assert independent_groups(["a", "c"], overlap) == [{"a"}, {"c"}], "links run only through given articles"


def test_the_seeds_are_five_independent_sources(seed_run: SeedRun) -> None:
    """No two seed outlets share 12 words outside quotations, though all of them quote Miller at length."""
    articles, sentences, quotes = (seed_run.tables[t] for t in ("articles", "sentences", "quotes"))
    found = source_overlap(articles, sentences, quotes)
    assert found.empty
    assert independent_groups(list(articles["article_id"]), found) == [
        {a} for a in sorted(articles["article_id"])
    ]
    with_quotes = source_overlap(articles, sentences, quotes.iloc[0:0])
    assert len(with_quotes) == 10, "counting quoted speech, every pair would look copied"
