"""The ECB+ entity scorer computes the standard metrics and follows the corpus's protocol."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.evaluation.coref import (
    GoldMention,
    b_cubed,
    baseline_labels,
    ceaf_e,
    evaluate_entities,
    gold_mentions,
    match_mentions,
    muc,
)
from tests.conftest import SHARED

# The textbook example: key {a,b,c} {d,e}; response {a,b} {c,d,e}.
KEY = [{0, 1, 2}, {3, 4}]
RESPONSE = [{0, 1}, {2, 3, 4}]


def test_muc_counts_links() -> None:
    recall, precision, _ = muc(KEY, RESPONSE)
    assert (recall, precision) == pytest.approx((2 / 3, 2 / 3))


def test_b_cubed_averages_over_mentions() -> None:
    recall, precision, _ = b_cubed(KEY, RESPONSE)
    assert (recall, precision) == pytest.approx((11 / 15, 11 / 15))


def test_ceaf_e_aligns_entities_one_to_one() -> None:
    recall, precision, _ = ceaf_e(KEY, RESPONSE)
    assert (recall, precision) == pytest.approx((0.8, 0.8))


def test_a_perfect_response_scores_one_everywhere() -> None:
    assert muc(KEY, KEY)[2] == b_cubed(KEY, KEY)[2] == ceaf_e(KEY, KEY)[2] == pytest.approx(1.0)


def mention(start: int, end: int, chain: str, text: str = "x") -> GoldMention:
    return GoldMention("d.txt", start, end, text, chain)


def test_matching_needs_containment_not_just_overlap() -> None:
    gold = [mention(10, 20, "A"), mention(30, 40, "B")]
    predicted = pd.DataFrame(
        {
            "document": ["d.txt", "d.txt"],
            "start_char": [12, 35],
            "end_char": [20, 45],
            "entity_id": ["e1", "e2"],
        }
    )
    assert [(g.chain, entity) for g, entity in match_mentions(gold, predicted)] == [("A", "e1")]


def test_each_gold_mention_matches_one_prediction_the_closest_in_length() -> None:
    gold = [mention(0, 14, "A")]
    predicted = pd.DataFrame(
        {
            "document": ["d.txt", "d.txt"],
            "start_char": [0, 7],
            "end_char": [14, 14],
            "entity_id": ["full", "part"],
        }
    )
    assert [entity for _, entity in match_mentions(gold, predicted)] == ["full"]


def test_baselines_drop_a_leading_article() -> None:
    exact, last = baseline_labels(["The White House", "white house", "Obama"])
    assert exact == ["white house", "white house", "obama"]
    assert last == ["house", "house", "obama"]


def test_recall_counts_gold_mentions_without_a_match() -> None:
    gold = [mention(0, 5, "A"), mention(10, 15, "A")]
    predicted = pd.DataFrame({"document": ["d.txt"], "start_char": [0], "end_char": [5], "entity_id": ["e"]})
    assert evaluate_entities(gold, predicted).recall == 0.5


@pytest.mark.skipif(not (SHARED / "ecbplus").is_dir(), reason="ECB+ not beside the project")
def test_gold_mentions_are_named_and_in_the_annotated_sentences_only() -> None:
    path = SHARED / "ecbplus" / "1" / "1_10ecb.xml"
    everything = gold_mentions(path, set(range(100)))
    assert "Tara Reid" in {m.text for m in everything}
    assert not {m.text.lower() for m in everything} & {"she", "her", "herself"}
    assert gold_mentions(path, set()) == []
