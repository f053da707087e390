"""The parse view and the one parse per document."""

from __future__ import annotations

import pandas as pd

from pipeline.nlp import cached_pipeline, iter_docs, paragraph_starts, parse_articles, parse_view


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
