"""Sentences from a parsed article, with furniture cut out and each one's editorial kind."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
from spacy.tokens import Doc

BODY = "body"


@dataclass(frozen=True)
class SentenceSpan:
    """A sentence's characters in `articles.text` and where it stands."""

    sentence_id: int
    start_char: int
    end_char: int
    kind: str


def sentence_spans(
    doc: Doc,
    furniture: Sequence[tuple[int, int, str]],
    sections: Sequence[tuple[int, int, str]],
) -> list[SentenceSpan]:
    """spaCy's sentences, split around furniture and trimmed of white space.

    `doc` is parsed from the article's parse view, so its offsets are the
    article's offsets; furniture is already blank there, but a sentence must
    never *contain* a furniture span either, or its text would show it.
    """
    text = doc.text
    cuts = sorted((start, end) for start, end, _ in furniture)
    spans: list[SentenceSpan] = []
    for sent in doc.sents:
        for start, end in _cut(sent.start_char, sent.end_char, cuts):
            start, end = trim_span(text, start, end)
            if start < end:
                spans.append(SentenceSpan(len(spans), start, end, _kind_at(start, sections)))
    return spans


def sentence_at(spans: Sequence[SentenceSpan], start_char: int) -> int:
    """The id of the sentence containing `start_char` (the nearest one before it otherwise)."""
    index = bisect_right(spans, start_char, key=_start_of) - 1
    return spans[max(index, 0)].sentence_id if spans else 0


def _start_of(span: SentenceSpan) -> int:
    return span.start_char


def _cut(start: int, end: int, cuts: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    pieces = []
    for cut_start, cut_end in cuts:
        if cut_end <= start or cut_start >= end:
            continue
        if cut_start > start:
            pieces.append((start, cut_start))
        start = max(start, cut_end)
    if start < end:
        pieces.append((start, end))
    return pieces


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """`(start, end)` moved inwards past white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _kind_at(start: int, sections: Sequence[tuple[int, int, str]]) -> str:
    for section_start, section_end, kind in sections:
        if section_start <= start < section_end:
            return kind
    return BODY


def sentences_table(
    articles: pd.DataFrame,
    docs: Iterable[tuple[str, Doc]],
) -> pd.DataFrame:
    """The `sentences` table: every article's sentences, text sliced from `articles.text`."""
    by_id = articles.set_index("article_id")
    rows = []
    for article_id, doc in docs:
        article = by_id.loc[article_id]
        for span in sentence_spans(doc, spans_of(article["furniture"]), spans_of(article["sections"])):
            rows.append(
                {
                    "article_id": article_id,
                    "sentence_id": span.sentence_id,
                    "start_char": span.start_char,
                    "end_char": span.end_char,
                    "text": article["text"][span.start_char : span.end_char],
                    "kind": span.kind,
                }
            )
    columns = ["article_id", "sentence_id", "start_char", "end_char", "text", "kind"]
    return pd.DataFrame(rows, columns=columns)


def spans_of(value: object) -> list[tuple[int, int, str]]:
    """`(start, end, kind)` triples from a list-of-structs cell (as Parquet hands it back)."""
    if value is None:
        return []
    return [(int(item["start_char"]), int(item["end_char"]), str(item["kind"])) for item in value]


def spans_by_article(sentences: pd.DataFrame) -> dict[str, list[SentenceSpan]]:
    """The `sentences` table back as spans per article, in order."""
    grouped: dict[str, list[SentenceSpan]] = {}
    ordered = sentences.sort_values(["article_id", "sentence_id"])
    for row in ordered.itertuples(index=False):
        grouped.setdefault(row.article_id, []).append(
            SentenceSpan(int(row.sentence_id), int(row.start_char), int(row.end_char), row.kind)
        )
    return grouped
