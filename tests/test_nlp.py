"""The parse view and the one parse per document."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pandas as pd
import spacy
from spacy.tokens import DocBin

from pipeline.extract.sentences import sentences_table
from pipeline.nlp import (
    cached_pipeline,
    iter_docs,
    paragraph_starts,
    parse_articles,
    parse_view,
    table_from_docs,
    usable_cores,
    worker_processes,
)
from pipeline.storage import to_arrow

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"

PARSE_ATTRIBUTES = ["ORTH", "TAG", "POS", "DEP", "HEAD", "LEMMA", "ENT_IOB", "ENT_TYPE", "SENT_START"]


def articles(*rows: tuple) -> pd.DataFrame:
    """An `articles`-shaped frame of `(article_id, text, furniture, sections)` rows."""
    return pd.DataFrame(
        [
            {
                "article_id": article_id,
                "text": text,
                "furniture": [{"start_char": s, "end_char": e, "kind": k} for s, e, k in furniture],
                "sections": [{"start_char": s, "end_char": e, "kind": k} for s, e, k in sections],
            }
            for article_id, text, furniture, sections in rows
        ]
    )


TEXT = "Contact Us\n\nRebels “seized” Hay’at\u00a0base – officials said\n\nSecond paragraph here.\n"


def test_the_parse_view_keeps_every_offset() -> None:
    view = parse_view(TEXT, [(0, 10)])
    assert len(view) == len(TEXT)
    assert view[:10].strip() == ""
    assert '"seized" Hay\'at base - officials' in view


def test_blank_line_paragraphs_allow_hard_wrapped_lines() -> None:
    text = "First line of a paragraph\nwrapped here.\n\nSecond paragraph."
    assert paragraph_starts(text) == [text.index("Second")]


def test_without_blank_lines_each_line_is_a_paragraph() -> None:
    text = "A headline without a full stop\nThe first sentence.\nThe second one."
    assert paragraph_starts(text) == [text.index("The first"), text.index("The second")]


def test_a_headline_without_punctuation_never_runs_into_the_next_line() -> None:
    text = "Rebels take city in surprise offensive\nFighters entered the city on Friday, residents said."
    doc_bin = parse_articles(cached_pipeline(), articles(("a", text, [], [(0, text.index("\n"), "title")])))
    [(article_id, doc)] = list(iter_docs(doc_bin))
    assert article_id == "a"
    assert next(sent.text.strip() for sent in doc.sents) == "Rebels take city in surprise offensive"


def test_docs_come_back_with_their_article_ids_and_entities() -> None:
    texts = [("x", "Angela Merkel visited Paris on Monday."), ("y", "The United Nations met in Geneva.")]
    doc_bin = parse_articles(cached_pipeline(), articles(*[(i, t, [], []) for i, t in texts]))
    docs = dict(iter_docs(doc_bin))
    assert set(docs) == {"x", "y"}
    assert "Angela Merkel" in {ent.text for ent in docs["x"].ents}


def test_the_stored_parse_is_a_plain_spacy_docbin_with_article_ids_as_user_data() -> None:
    """Analysts read `docs/part-0.spacy` with spaCy alone, as its documentation shows."""
    texts = [("x", "Angela Merkel visited Paris on Monday."), ("y", "The United Nations met in Geneva.")]
    stored = parse_articles(cached_pipeline(), articles(*[(i, t, [], []) for i, t in texts])).to_bytes()
    docs = list(DocBin().from_bytes(stored).get_docs(spacy.blank("en").vocab))
    assert [doc.user_data["article_id"] for doc in docs] == ["x", "y"]
    assert docs[1].text == "The United Nations met in Geneva."


def test_two_processes_parse_exactly_as_one() -> None:
    texts = [
        (
            f"a{i}",
            f"Police in Lyon said on Tuesday that {i + 2} people were hurt.\n\nMayor Grégory Doucet spoke.",
        )
        for i in range(6)
    ]
    frame = articles(*[(i, t, [], []) for i, t in texts])
    one = dict(iter_docs(parse_articles(cached_pipeline(), frame, n_process=1)))
    two = dict(iter_docs(parse_articles(cached_pipeline(), frame, n_process=2)))
    assert list(one) == list(two)
    for article_id, doc in one.items():
        assert (doc.to_array(PARSE_ATTRIBUTES) == two[article_id].to_array(PARSE_ATTRIBUTES)).all()


def _seed_articles() -> pd.DataFrame:
    return articles(*[(path.stem, path.read_text(), [], []) for path in sorted(SAMPLE.glob("*.txt"))])


def test_a_table_built_in_two_processes_equals_the_table_built_whole() -> None:
    frame = _seed_articles()
    doc_bin = parse_articles(cached_pipeline(), frame)
    whole = table_from_docs(lambda parsed: sentences_table(frame, parsed), doc_bin, n_process=1)
    split = table_from_docs(lambda parsed: sentences_table(frame, parsed), doc_bin, n_process=2)
    assert len(whole) > len(frame)
    assert to_arrow("sentences", split).equals(to_arrow("sentences", whole))


def test_a_table_built_in_parts_counts_every_article_once() -> None:
    frame = _seed_articles()
    doc_bin = parse_articles(cached_pipeline(), frame)
    counted: list[int] = []
    table_from_docs(lambda parsed: sentences_table(frame, parsed), doc_bin, 2, counted.append)
    assert sum(counted) == len(frame)


def test_a_configured_process_count_wins() -> None:
    assert worker_processes(5, requested=3, min_documents_per_process=100) == 3


def test_small_batches_parse_in_one_process() -> None:
    assert worker_processes(150, requested=None, min_documents_per_process=100) == 1


def test_large_batches_use_every_usable_core() -> None:
    assert worker_processes(100_000, requested=None, min_documents_per_process=100) == usable_cores()


def _report_processes(results: multiprocessing.Queue) -> None:
    results.put(worker_processes(100_000, requested=None, min_documents_per_process=100))


def test_a_daemonic_worker_parses_in_its_own_process() -> None:
    """Dask and Celery run tasks in daemonic processes, which may not start children."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    worker = context.Process(target=_report_processes, args=(results,), daemon=True)
    worker.start()
    worker.join(60)
    assert results.get(timeout=5) == 1
