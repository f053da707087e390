"""Properties of every text-handling function, on any text at all.

Arbitrary Unicode (every category but surrogates: astral characters, combining
marks, right-to-left text, zero-width and control characters, NUL), every line
ending, single lines of hundreds of kilobytes, deeply nested HTML-like markup,
unbalanced quote marks of every style, stray brackets, and real article text
from `data/sample/` mixed with all of that. Whatever comes in, the functions
never raise and every offset they return indexes the text as given.

Each property is followed by plain regression tests for the concrete inputs
hypothesis found.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from encodings.aliases import aliases
from functools import cache
from pathlib import Path
from unittest.mock import patch

import pandas as pd
import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.articles import build_articles
from pipeline.extract.claims import claims_table
from pipeline.extract.mentions import mention_candidates
from pipeline.extract.quotes import find_quote_spans, quotes_table
from pipeline.extract.sentences import sentences_table
from pipeline.extract.times import anchor_on_stories, time_candidates_table
from pipeline.formats import Rejection, decode_html, extract_html
from pipeline.nlp import (
    cached_pipeline,
    iter_docs,
    paragraph_starts,
    parse_articles,
    parse_documents,
    parse_view,
    sentence_boundaries,
)
from pipeline.parse import ArticleMetadata, parse_article
from pipeline.reconcile.entities import resolve_entities
from pipeline.schema import schema_for
from pipeline.text import initials, matches_acronym, name_key

# `NEWSRECON_PROPERTY_SCALE=20 pytest tests/test_properties.py` searches twenty times longer.
SCALE = max(1, int(os.environ.get("NEWSRECON_PROPERTY_SCALE", "1")))
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
SAMPLE_TEXTS = tuple(path.read_text(encoding="utf-8") for path in sorted(SAMPLE.glob("*.txt")))
SAMPLE_LINES = tuple(line for text in SAMPLE_TEXTS for line in text.splitlines() if line.strip())
SAMPLE_WORDS = tuple(sorted({word for text in SAMPLE_TEXTS for word in text.split()}))

QUOTE_MARKS = ('"', "“", "”", "„", "``", "''", "«", "»", "'", "‘", "’", "`", "‹", "›", "「", "」")
BRACKETS = tuple("()[]{}<>")
LINE_BREAKS = ("\n", "\r", "\r\n", "\n\n", "\r\n\r\n", "\r\r", "\n \n", "\x0b", "\x0c", "\x85", "\u2028",
               "\u2029")  # fmt: skip
# Characters that have broken text code elsewhere: invisible, directional, combining, astral,
# and the ones whose case mapping changes the string's length (`İ`, `ß`, `ﬃ`).
ODD_CHARACTERS = (
    "\x00", "\t", " ", "\u00a0", "\u3000", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
    "\u200e", "\u200f", "\u202a", "\u202e", "\u2066", "\u0301", "\u0308", "\u20dd", "\u0651",
    "𝔘", "😀", "👩‍👩‍👧", "𒀀", "\U0010fffd", "\ue000", "ا", "ש", "ﷺ", "ǅ", "İ", "ß", "ﬃ", "ŉ",
    "…", "–", "—", "−", "′", "″", "٣", "½", "²", "Ⅻ",
)  # fmt: skip
PUNCTUATION = (", ", ". ", "; ", ": ", " - ", " -- ", "? ", "! ", "::", "/", "|", "&", "#", "%", "$")

unicode_characters = st.characters(codec="utf-8")
unicode_runs = st.text(unicode_characters, max_size=12)


@st.composite
def nested_markup(draw: st.DrawFn, max_depth: int = 120) -> str:
    """HTML-like text nested deep, with tags left open, closed twice or closed in the wrong order."""
    tags = draw(
        st.lists(
            st.sampled_from(["div", "p", "span", "b", "i", 'a href="x"', "script", "blockquote", "td", "li"]),
            max_size=max_depth,
        )
    )
    inner = draw(st.one_of(st.sampled_from(SAMPLE_LINES), unicode_runs))
    closing = [f"</{tag.split()[0]}>" for tag in reversed(tags)]
    closing = draw(st.permutations(closing)) if draw(st.booleans()) else closing
    kept = [tag for tag in closing if draw(st.booleans())] if closing and draw(st.booleans()) else closing
    separator = draw(st.sampled_from(["", "\n", " ", "\r\n"]))
    extra = draw(st.sampled_from(["", "<", ">", "</", "<!--", "-->", "<br/>", "&amp;", "&#x0;", "<p"]))
    return separator.join([*(f"<{tag}>" for tag in tags), inner, extra, *kept])


junk_pieces = st.one_of(
    unicode_runs,
    st.sampled_from(QUOTE_MARKS + BRACKETS + LINE_BREAKS + ODD_CHARACTERS + PUNCTUATION),
    st.sampled_from(SAMPLE_WORDS),
    st.sampled_from(SAMPLE_LINES),
    nested_markup(max_depth=8),
)
junk_text = st.lists(junk_pieces, max_size=40).map("".join)

quote_soup = st.lists(
    st.one_of(
        st.sampled_from(QUOTE_MARKS + BRACKETS),
        st.sampled_from(SAMPLE_WORDS),
        st.sampled_from((" ", " ", "\n", "\n\n", "\r\n", ", ", ". ", ": ", " - ")),
    ),
    max_size=60,
).map("".join)


@st.composite
def article_mixes(draw: st.DrawFn) -> str:
    """A real article, its line endings changed, junk spliced in between its lines, maybe cut anywhere."""
    text = draw(st.sampled_from(SAMPLE_TEXTS))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    lines = text.replace("\n", ending).splitlines(keepends=True)
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(lines)))
        lines.insert(at, draw(st.one_of(junk_text, quote_soup, nested_markup(max_depth=30))))
    mixed = "".join(lines)
    if draw(st.booleans()):
        start = draw(st.integers(0, len(mixed)))
        end = draw(st.integers(start, len(mixed)))
        mixed = mixed[start:end]
    return mixed


any_text = st.one_of(
    st.text(unicode_characters, max_size=200),
    junk_text,
    quote_soup,
    nested_markup(),
    article_mixes(),
)


@st.composite
def huge_lines(draw: st.DrawFn) -> str:
    """One line of 100 to 300 KB, built by repeating a short unit, inside real article text or alone."""
    unit = draw(
        st.one_of(
            st.sampled_from(SAMPLE_LINES).map(lambda line: line + " "),
            st.text(unicode_characters.filter(lambda c: c not in "\r\n"), min_size=1, max_size=20),
            st.sampled_from(
                ['"a" ', "“said” ", "« x » ", "``q'' ", '"', "a", ", A", "<div>", "(", "1,000 ", "May 2 "]
            ),
        )
    )
    unit = unit.replace("\n", " ").replace("\r", " ") or "x"
    size = draw(st.integers(100_000, 300_000))
    line = unit * max(1, size // len(unit))
    if draw(st.booleans()):
        text = draw(st.sampled_from(SAMPLE_TEXTS))
        at = draw(st.integers(0, len(text)))
        return text[:at] + "\n" + line + "\n" + text[at:]
    return line


# --------------------------------------------------------------------------- checks


def assert_within(start: int | None, end: int | None, text: str, what: str) -> None:
    assert start is not None and end is not None, what
    assert 0 <= start <= end <= len(text), f"{what}: ({start}, {end}) outside [0, {len(text)}]"


def assert_parsed_within(text: str, metadata: ArticleMetadata) -> None:
    for kind, spans in (("furniture", metadata.furniture), ("sections", metadata.sections)):
        for span in spans:
            assert_within(span.start_char, span.end_char, text, f"{kind} {span}")
        assert spans == sorted(spans), f"{kind} out of order"
    assert_within(metadata.body_start, metadata.body_end, text, "body")
    if metadata.title is not None:
        assert_within(metadata.title_start, metadata.title_end, text, "title")
        assert metadata.title_end <= metadata.body_start, "the title runs into the body"
    if metadata.dateline is not None:
        assert_within(metadata.dateline_start, metadata.dateline_end, text, "dateline")
        assert metadata.dateline_end <= metadata.body_start, "the dateline runs into the body"


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


# --------------------------------------------------------------------------- parse_article


@settings(max_examples=200 * SCALE, deadline=None)
@given(any_text)
def test_parse_article_keeps_every_span_inside_the_text_and_in_order(text: str) -> None:
    assert_parsed_within(text, parse_article(text))


@settings(max_examples=10 * SCALE, deadline=None)
@given(huge_lines())
def test_parse_article_keeps_spans_inside_the_text_on_huge_lines(text: str) -> None:
    assert_parsed_within(text, parse_article(text))


@settings(max_examples=200 * SCALE, deadline=None)
@given(any_text)
def test_a_one_line_title_reads_as_the_text_of_its_span(text: str) -> None:
    metadata = parse_article(text)
    if metadata.title is None:
        return
    covered = text[metadata.title_start : metadata.title_end]
    if not _LINE_BREAK.search(covered):
        assert metadata.title == " ".join(covered.split())


# --------------------------------------------------------------------------- parse view


@st.composite
def texts_with_spans(draw: st.DrawFn, texts: st.SearchStrategy[str] = any_text) -> tuple[str, list]:
    text = draw(texts)
    bound = st.integers(-5, len(text) + 5)
    spans = draw(st.lists(st.tuples(bound, bound).map(sorted).map(tuple), max_size=6))
    return text, spans


@settings(max_examples=200 * SCALE, deadline=None)
@given(texts_with_spans())
def test_the_parse_view_has_the_length_of_the_text_and_blanks_what_is_excluded(case: tuple) -> None:
    text, excluded = case
    view = parse_view(text, excluded)
    assert len(view) == len(text)
    for start, end in excluded:
        for i in range(max(start, 0), min(end, len(text))):
            assert view[i] == " " or (view[i] == text[i] and text[i] in "\r\n")


@settings(max_examples=200 * SCALE, deadline=None)
@given(any_text)
def test_the_parse_view_only_changes_characters_it_folds(text: str) -> None:
    view = parse_view(text)
    for original, seen in zip(text, view, strict=True):
        assert seen == original or (not original.isascii() and seen.isascii())


@settings(max_examples=200 * SCALE, deadline=None)
@given(any_text)
def test_paragraph_starts_are_sorted_unique_and_inside_the_text(text: str) -> None:
    starts = paragraph_starts(text)
    assert starts == sorted(set(starts))
    assert all(0 < start < len(text) for start in starts)


@settings(max_examples=10 * SCALE, deadline=None)
@given(huge_lines())
def test_the_parse_view_and_paragraphs_cope_with_huge_lines(text: str) -> None:
    assert len(parse_view(text, [(0, 10)])) == len(text)
    assert all(0 < start < len(text) for start in paragraph_starts(text))


# --------------------------------------------------------------------------- quote marks

_MARK_AT = re.compile(r"``|''|[\"“”„«»]")


def assert_quote_spans(text: str) -> None:
    spans, skipped = find_quote_spans(text)
    previous_end = 0
    for span in spans:
        open_mark = _MARK_AT.match(text, span.open_char)
        close_mark = _MARK_AT.match(text, span.close_char)
        assert open_mark is not None and close_mark is not None, span
        assert previous_end <= span.open_char, f"{span} overlaps the quotation before it"
        assert open_mark.end() <= span.start_char < span.end_char <= span.close_char, span
        assert text[span.start_char : span.end_char].strip() == text[span.start_char : span.end_char]
        previous_end = close_mark.end()
    for offset, reason in skipped:
        assert _MARK_AT.match(text, offset) is not None, (offset, reason)


@settings(max_examples=300 * SCALE, deadline=None)
@given(st.one_of(quote_soup, any_text))
def test_quote_spans_lie_inside_the_text_in_order_without_overlap_with_marks_where_recorded(
    text: str,
) -> None:
    assert_quote_spans(text)


@settings(max_examples=10 * SCALE, deadline=None)
@given(huge_lines())
def test_quote_spans_keep_their_guarantees_on_huge_lines(text: str) -> None:
    assert_quote_spans(text)


# --------------------------------------------------------------------------- the whole extraction


def raw_frame(texts: list[str]) -> pd.DataFrame:
    """A `raw_articles`-shaped frame, every column the schema has, metadata columns left empty."""
    rows = []
    for number, text in enumerate(texts):
        row = dict.fromkeys(schema_for("raw_articles").names)
        row.update(
            article_id=f"a{number}",
            source_path=f"a{number}.txt",
            sha256="0" * 64,
            n_bytes=len(text.encode("utf-8")),
            encoding="utf-8",
            text=text,
            format="text",
        )
        rows.append(row)
    return pd.DataFrame(rows, columns=schema_for("raw_articles").names)


def extract_everything(texts: list[str]) -> dict[str, pd.DataFrame]:
    """Every table the extraction stages make from `texts`, the way the assets chain them."""
    articles = build_articles(raw_frame(texts))
    docs = list(iter_docs(parse_articles(cached_pipeline(), articles)))
    sentences = sentences_table(articles, docs)
    mentions, entities = resolve_entities(mention_candidates(articles, sentences, docs))
    quotes, _ = quotes_table(articles, sentences, mentions, entities, docs)
    return {
        "articles": articles,
        "sentences": sentences,
        "mentions": mentions,
        "entities": entities,
        "quotes": quotes,
        "claims": claims_table(articles, sentences, docs),
        "time_expressions": anchor_on_stories(time_candidates_table(articles, sentences, docs), None),
    }


SPANS = {
    "sentences": [("start_char", "end_char", "text")],
    "mentions": [("start_char", "end_char", "text")],
    "quotes": [("start_char", "end_char", "text")],
    "claims": [("start_char", "end_char", "text"), ("number_start", "number_end", "number_text")],
    "time_expressions": [("start_char", "end_char", "text")],
}
KEYS = {
    "sentences": ["article_id", "sentence_id"],
    "mentions": ["mention_id"],
    "entities": ["entity_id"],
    "quotes": ["quote_id"],
    "claims": ["claim_id"],
    "time_expressions": ["time_id"],
}


def assert_rows_slice_to_their_text(tables: dict[str, pd.DataFrame]) -> None:
    texts = dict(zip(tables["articles"]["article_id"], tables["articles"]["text"], strict=True))
    for table, columns in SPANS.items():
        for row in tables[table].to_dict("records"):
            text = texts[row["article_id"]]
            for start, end, value in columns:
                assert_within(row[start], row[end], text, f"{table} {row}")
                assert text[row[start] : row[end]] == row[value], f"{table} {row}"
    for row in tables["quotes"].dropna(subset=["speaker_start"]).to_dict("records"):
        assert_within(int(row["speaker_start"]), int(row["speaker_end"]), texts[row["article_id"]], "speaker")


def assert_ids_unique_and_resolved(tables: dict[str, pd.DataFrame]) -> None:
    for table, key in KEYS.items():
        assert not tables[table].duplicated(key).any(), f"{table}: duplicate {key}"
    assert set(tables["mentions"]["entity_id"]) <= set(tables["entities"]["entity_id"])
    assert set(tables["quotes"]["speaker_entity_id"].dropna()) <= set(tables["entities"]["entity_id"])
    claim_ids = set(tables["claims"]["claim_id"])
    assert set(tables["claims"]["parent_claim_id"].dropna()) <= claim_ids


def assert_no_sentence_holds_furniture(tables: dict[str, pd.DataFrame]) -> None:
    furniture = dict(zip(tables["articles"]["article_id"], tables["articles"]["furniture"], strict=True))
    for row in tables["sentences"].to_dict("records"):
        for span in furniture[row["article_id"]]:
            overlap = min(row["end_char"], span["end_char"]) - max(row["start_char"], span["start_char"])
            assert overlap <= 0, f"sentence {row} holds furniture {span}"


# spaCy parses every example: few examples of a few KB each, and no deadline (the first one loads the model).
articles_for_spacy = st.lists(any_text, min_size=1, max_size=3)


@settings(max_examples=25 * SCALE, deadline=None)
@given(articles_for_spacy)
def test_extraction_never_raises_and_every_row_slices_to_its_own_text(texts: list[str]) -> None:
    assert_rows_slice_to_their_text(extract_everything(texts))


@settings(max_examples=15 * SCALE, deadline=None)
@given(articles_for_spacy)
def test_extracted_ids_are_unique_and_every_reference_resolves(texts: list[str]) -> None:
    assert_ids_unique_and_resolved(extract_everything(texts))


@settings(max_examples=15 * SCALE, deadline=None)
@given(articles_for_spacy)
def test_no_sentence_holds_page_furniture(texts: list[str]) -> None:
    assert_no_sentence_holds_furniture(extract_everything(texts))


def test_a_superscript_digit_is_no_number_of_years() -> None:
    """`²` is a digit to `str.isdigit` but not to `int`: reading war durations raised ValueError."""
    tables = extract_everything(["date 2024-12-03\n\nThe ² war."])
    assert tables["claims"].empty


def test_an_article_whose_only_mention_is_an_unresolved_acronym_has_no_entities() -> None:
    """`AA` is a bare acronym that resolves to nothing: building the empty entity table raised KeyError."""
    tables = extract_everything(["AA"])
    assert tables["mentions"].empty and tables["entities"].empty
    assert list(tables["entities"].columns) == ["entity_id", "name", "label", "aliases", "article_count",
                                                "mention_count"]  # fmt: skip


# A paragraph with a quotation, a figure tied to a measure, dates and names: work for every stage.
BUSY_PARAGRAPH = (
    '"We will fight on," Miller said. In May 2012, 400 people were killed in Aleppo, the UN said. '
    'He said "this is it." '
)


@cache
def busy_paragraph() -> Doc:
    return cached_pipeline()(BUSY_PARAGRAPH)


@cache
def blank_english() -> Language:
    return spacy.blank("en")


@settings(max_examples=100 * SCALE, deadline=None)
@given(st.lists(texts_with_spans(), min_size=1, max_size=3), st.integers(1, 40))
def test_a_view_longer_than_the_model_accepts_is_parsed_in_pieces_that_join_back(
    cases: list[tuple], limit: int
) -> None:
    nlp = blank_english()
    nlp.max_length = limit
    items = [(f"a{i}", text, sentence_boundaries(text, spans)) for i, (text, spans) in enumerate(cases)]
    parsed = list(iter_docs(parse_documents(nlp, items)))
    assert [(article_id, doc.text) for article_id, doc in parsed] == [(i, text) for i, text, _ in items]


def test_an_article_longer_than_the_model_accepts_is_still_parsed_and_extracted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """spaCy refuses a text over `nlp.max_length` (a million characters) with E088, which stopped the run."""
    monkeypatch.setattr(cached_pipeline(), "max_length", 300)
    tables = extract_everything([SAMPLE_TEXTS[0]])
    assert_rows_slice_to_their_text(tables)
    assert len(tables["sentences"]) > 10 and not tables["mentions"].empty and not tables["quotes"].empty


# --------------------------------------------------------------------------- names


names = st.one_of(st.text(unicode_characters, max_size=40), st.sampled_from(SAMPLE_WORDS), junk_text)


@settings(max_examples=300 * SCALE, deadline=None)
@given(names)
def test_name_key_never_raises_and_is_idempotent(text: str) -> None:
    key = name_key(text)
    assert name_key(key) == key


@settings(max_examples=300 * SCALE, deadline=None)
@given(names)
def test_a_name_key_is_lower_case_ascii_words_joined_by_single_spaces(text: str) -> None:
    key = name_key(text)
    assert re.fullmatch(r"(?:[a-z0-9]+(?: [a-z0-9]+)*)?", key), key


@settings(max_examples=300 * SCALE, deadline=None)
@given(names)
def test_initials_never_raise_and_are_upper_case_ascii(text: str) -> None:
    letters = initials(text)
    assert letters == letters.upper() and letters.isascii()


@settings(max_examples=300 * SCALE, deadline=None)
@given(st.one_of(st.text(unicode_characters, max_size=10), st.sampled_from(SAMPLE_WORDS)), names)
def test_matches_acronym_never_raises(acronym: str, long_form: str) -> None:
    assert matches_acronym(acronym, long_form) in {True, False}


@settings(max_examples=300 * SCALE, deadline=None)
@given(st.one_of(names, st.lists(st.sampled_from(SAMPLE_WORDS), min_size=2, max_size=6).map(" ".join)))
def test_a_long_form_matches_its_own_initials(long_form: str) -> None:
    acronym = initials(long_form)
    assert len(acronym) < 2 or matches_acronym(acronym, long_form)


# --------------------------------------------------------------------------- HTML pages


def _codec(label: str) -> str | None:
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


CHARSET_LABELS = tuple(sorted(label for label in set(aliases) | set(aliases.values()) if _codec(label)))
CONTAINERS = ("div", "section", "article", "main", "span", "b", "i", "em", "strong", "blockquote", "font")


@contextmanager
def no_network() -> Iterator[None]:
    """Any attempt to open a connection or resolve a name fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the HTML reader tried to use the network")

    with (
        patch("socket.socket.connect", refuse),
        patch("socket.create_connection", refuse),
        patch("socket.getaddrinfo", refuse),
    ):
        yield


@st.composite
def html_pages(draw: st.DrawFn) -> str:
    """A page of any shape: a head maybe, then deeply nested, unbalanced markup around text and junk."""
    head = draw(
        st.sampled_from(
            [
                "",
                "<!DOCTYPE html>",
                "<html><head><title>Rebels advance</title></head>",
                '<html><head><meta charset="utf-8"><link rel="canonical" href="https://example.com/a">',
                '<head><meta property="article:published_time" content="2024-12-02T10:00:00Z"></head>',
                "<html><head><script>var a = '<p>';</script><style>p {}</style>",
            ]
        )
    )
    body = draw(
        st.lists(st.one_of(nested_markup(max_depth=200), junk_text, quote_soup), min_size=1, max_size=4)
    )
    return (
        head
        + "<body>" * draw(st.booleans())
        + "\n".join(body)
        + draw(st.sampled_from(["", "</body></html>"]))
    )


def assert_extracted_or_rejected(markup: str) -> None:
    try:
        with no_network():
            extracted = extract_html(markup)
    except Rejection:
        return
    paragraphs = extracted.text.split("\n\n")
    assert all(paragraph and paragraph == paragraph.strip() for paragraph in paragraphs), extracted.text
    metadata = extracted.metadata
    assert metadata.published_date is None or isinstance(metadata.published_date, dt.date)


@settings(max_examples=100 * SCALE, deadline=None)
@given(html_pages())
def test_an_html_page_gives_stripped_paragraphs_or_a_rejection_never_an_error(markup: str) -> None:
    assert_extracted_or_rejected(markup)


@settings(max_examples=40 * SCALE, deadline=None)
@given(
    st.sampled_from([line for line in SAMPLE_LINES if len(line) > 150]),
    st.lists(st.sampled_from(CONTAINERS), max_size=200),
)
def test_prose_nested_up_to_200_elements_deep_is_extracted(paragraph: str, tags: list[str]) -> None:
    escaped = paragraph.replace("&", "&amp;").replace("<", "&lt;")
    markup = (
        "".join(f"<{tag}>" for tag in tags)
        + f"<p>{escaped}</p>"
        + "".join(f"</{tag}>" for tag in reversed(tags))
    )
    with no_network():
        text = extract_html(markup).text
    assert " ".join(paragraph.split()) in " ".join(text.split())


@st.composite
def declared_pages(draw: st.DrawFn) -> bytes:
    """Bytes of a page that declares a charset (any codec name Python knows, or junk) over any bytes."""
    label = draw(
        st.one_of(st.sampled_from(CHARSET_LABELS), st.from_regex(r"[a-z0-9._:-]{1,12}", fullmatch=True))
    )
    declaration = draw(
        st.sampled_from(
            [
                f'<meta charset="{label}">',
                f"<meta charset={label}>",
                f'<meta http-equiv="Content-Type" content="text/html; charset={label}">',
                f'<?xml version="1.0" encoding="{label}"?>',
            ]
        )
    )
    body = draw(
        st.one_of(st.binary(max_size=200), html_pages().map(lambda page: page.encode("utf-8", "replace")))
    )
    return draw(st.sampled_from([b"", codecs.BOM_UTF8, b"<html><head>"])) + declaration.encode() + body


@settings(max_examples=200 * SCALE, deadline=None)
@given(declared_pages())
def test_html_bytes_decode_to_text_or_a_rejection_whatever_charset_they_declare(data: bytes) -> None:
    try:
        markup, encoding = decode_html(data)
    except Rejection:
        return
    assert isinstance(markup, str) and codecs.lookup(encoding)


@pytest.mark.parametrize("label", ["base64", "bz2", "hex", "quopri", "rot13", "uu", "zlib"])
def test_a_page_declaring_a_codec_that_is_no_text_encoding_decodes_or_is_rejected(label: str) -> None:
    with contextlib.suppress(Rejection):
        decode_html(f'<html><head><meta charset="{label}"></head><body><p>Aleppo</p>'.encode())


def test_a_page_declaring_the_undefined_codec_decodes_or_is_rejected() -> None:
    with contextlib.suppress(Rejection):
        decode_html(b'<html><head><meta charset="undefined"></head><body><p>Aleppo</p>')
