"""The measuring stick: gold files are well formed and the scorer counts what it should."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.evaluation.ecbplus import read_document
from pipeline.evaluation.extraction import _score_claims, _score_quotes, format_scores, read_gold, same_person
from tests.conftest import ROOT, SAMPLE, SHARED

GOLD = ROOT / "eval" / "gold"


def document_text(name: str) -> str:
    if (SAMPLE / name).is_file():
        return (SAMPLE / name).read_text(encoding="utf-8")
    topic = name.split("_", 1)[0]
    path = SHARED / "ecbplus" / topic / name.replace(".txt", ".xml")
    if not path.is_file():
        pytest.skip(f"ECB+ document {path} not available")
    return read_document(path).text


@pytest.mark.parametrize("gold", read_gold(GOLD), ids=lambda gold: f"{gold.corpus}_{gold.kind}")
def test_every_annotated_text_stands_in_its_document(gold) -> None:
    texts = {name: document_text(name) for name in gold.documents}
    for item in gold.items:
        for field in ("text", "number_text"):
            if item.get(field):
                assert item[field] in texts[item["document"]], (item["document"], item[field])


def test_gold_covers_every_kind_on_both_corpora() -> None:
    assert {(gold.corpus, gold.kind) for gold in read_gold(GOLD)} == {
        (corpus, kind) for corpus in ("seeds", "ecbplus") for kind in ("quotes", "claims", "times")
    }


def test_items_naming_an_uncovered_document_are_rejected(tmp_path: Path) -> None:
    (tmp_path / "seeds_quotes.jsonl").write_text(
        '{"documents": ["a.txt"]}\n{"document": "b.txt", "text": "x"}\n'
    )
    with pytest.raises(ValueError, match="missing from its header"):
        read_gold(tmp_path)


TEXT = 'Intro. "We will rebuild," the mayor said. "Not now," said Ann Lee.'


def predicted_quotes(*rows: tuple[int, int, str | None]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"document": "d.txt", "start_char": s, "end_char": e, "speaker_name": who} for s, e, who in rows]
    )


GOLD_QUOTES = [
    {"document": "d.txt", "text": "We will rebuild,", "speaker": "Mayor Tom Hale"},
    {"document": "d.txt", "text": "Not now,", "speaker": "Ann Lee"},
]


def test_perfect_quotes_score_one() -> None:
    rows = predicted_quotes((8, 24, "Tom Hale"), (43, 51, "Ann Lee"))
    quotes, speakers = _score_quotes("t", GOLD_QUOTES, {"d.txt"}, rows, {"d.txt": TEXT})
    assert (quotes.precision, quotes.recall, speakers.precision, speakers.recall) == (1, 1, 1, 1)


def test_a_missed_quote_lowers_recall_and_a_spurious_one_precision() -> None:
    rows = predicted_quotes((8, 24, "Tom Hale"), (0, 6, None))
    quotes, _ = _score_quotes("t", GOLD_QUOTES, {"d.txt"}, rows, {"d.txt": TEXT})
    assert (quotes.correct, quotes.predicted, quotes.gold) == (1, 2, 2)


def test_a_quote_cut_short_below_the_overlap_threshold_does_not_match() -> None:
    rows = predicted_quotes((8, 12, "Tom Hale"))
    quotes, _ = _score_quotes("t", GOLD_QUOTES, {"d.txt"}, rows, {"d.txt": TEXT})
    assert quotes.correct == 0


def test_claims_match_on_measure_and_value_in_the_same_document() -> None:
    gold = [
        {
            "document": "d.txt",
            "measure": "killed",
            "value": 400,
            "qualifier": "more than",
            "attributed_to": None,
        }
    ]
    found = pd.DataFrame(
        [
            {
                "document": "d.txt",
                "measure": "killed",
                "value": 400.0,
                "qualifier": "more than",
                "attributed_to": None,
            },
            {
                "document": "d.txt",
                "measure": "wounded",
                "value": 400.0,
                "qualifier": None,
                "attributed_to": None,
            },
        ]
    )
    claims, qualifiers, _ = _score_claims("t", gold, {"d.txt"}, found)
    assert (claims.correct, claims.predicted, qualifiers.correct) == (1, 2, 1)


@pytest.mark.parametrize(
    ("predicted", "gold", "same"),
    [
        ("Matthew Miller", "Miller", True),
        ("Tom Hale", "Mayor Tom Hale", True),
        ("Ann Lee", "Tom Hale", False),
    ],
)
def test_speaker_names_compare_by_person(predicted: str, gold: str, same: bool) -> None:
    assert same_person(predicted, gold) is same


def test_scores_print_as_a_table() -> None:
    rows = predicted_quotes((8, 24, "Tom Hale"))
    table = format_scores(_score_quotes("seeds", GOLD_QUOTES, {"d.txt"}, rows, {"d.txt": TEXT}))
    assert table.splitlines()[0].split()[:3] == ["measure", "corpus", "correct"]
    assert "quotes" in table and "0.500" in table
