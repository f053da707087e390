"""Named-entity mentions from a parsed article, before cross-document resolution.

Beyond spaCy's entities this stage adds what one document can tell on its
own: acronyms it defines (`Hayat Tahrir al-Sham, or HTS`) and their later
uses, `X regime` as a government rather than the person X, a capital that
acts (`Washington urged`) as an organisation rather than the city, and, as
candidates a later stage keeps only if they resolve against other
documents, bare acronyms and runs of capitalised words the model left
untagged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, fields

import pandas as pd
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span, Token

from pipeline.extract.sentences import SentenceSpan, sentence_at, spans_by_article
from pipeline.gazetteer import capital_country
from pipeline.text import NameRules, default_rules, looks_like_acronym, matches_acronym, name_key

NAMED_LABELS = frozenset(
    {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"}
)
# Parts of speech a word of a name never has, even when the model mistags a capitalised name.
_NOT_NAME_POS = frozenset(
    {"ADP", "AUX", "CCONJ", "DET", "NUM", "PART", "PRON", "PUNCT", "SCONJ", "SPACE", "SYM"}
)
# A sentence with at least this many content words, this share of them capitalised, is a title-case headline.
_TITLE_MIN_WORDS = 3
_TITLE_SHARE = 0.8
# A score or range closing a span: `91-73`, `51 - 50`.
_SCORE = re.compile(r"\s\d+\s?[-–]\s?\d+$")
_SCORE_PART = re.compile(r"^(\d+|[-–]|\d+[-–]\d+)$")
_TRAILING = frozenset({"'s", "'", "s'", ".", ",", ";", ":", "-", '"', "(", ")"})
# Words that introduce an acronym right after the long form it abbreviates.
_ACRONYM_LEADS = (("(",), (",", "or"), ("or",), (",", "known", "as"), (",", "known", "by", "its", "initials"),
                  ("known", "by", "its", "initials"), ("known", "as"))  # fmt: skip


@dataclass(frozen=True)
class MentionCandidate:
    """A mention found in one document; `acronym_of` is the long form it abbreviates there."""

    article_id: str
    sentence_id: int
    start_char: int
    end_char: int
    text: str
    ner_label: str
    acronym_of: str | None
    candidate: bool


def extract_mentions(
    article_id: str,
    text: str,
    doc: Doc,
    sentences: Sequence[SentenceSpan],
    rules: NameRules | None = None,
) -> list[MentionCandidate]:
    """Mentions of one article; `text` is `articles.text`, `doc` its parse."""
    rules = rules or default_rules()
    spans: dict[tuple[int, int], tuple[str, str | None, bool]] = {}
    for ent in _join_split_names(doc.ents):
        if ent.label_ not in NAMED_LABELS:
            continue
        span = _trim(ent, rules)
        if span is None:
            continue
        span, label = _government(span, ent.label_, rules)
        label = _acting_capital(span, label)
        spans[(span.start, span.end)] = (label, None, _title_case(span.sent))

    for (start, end), (label, _, _) in list(spans.items()):
        acronym = _defined_acronym(doc[start:end], rules)
        if acronym is None:
            continue
        long_form = doc[start:end].text
        for token in doc:
            if token.text == acronym.text:
                inside = next(((s, e) for (s, e) in spans if s <= token.i < e), None)
                key = inside or (token.i, token.i + 1)
                spans[key] = (_acronym_label(label), long_form, False)

    covered = {i for start, end in spans for i in range(start, end)}
    for token in doc:
        if token.i not in covered and _bare_acronym(token):
            spans[(token.i, token.i + 1)] = ("ORG", None, True)
            covered.add(token.i)
    for start, end in _capitalised_runs(doc, covered):
        spans[(start, end)] = ("ORG", None, True)

    mentions = []
    for (start, end), (label, acronym_of, candidate) in sorted(spans.items()):
        span = doc[start:end]
        mentions.append(
            MentionCandidate(
                article_id=article_id,
                sentence_id=sentence_at(sentences, span.start_char),
                start_char=span.start_char,
                end_char=span.end_char,
                text=text[span.start_char : span.end_char],
                ner_label=label,
                acronym_of=acronym_of,
                candidate=candidate,
            )
        )
    return mentions


def _join_split_names(ents: Sequence[Span]) -> list[Span]:
    """One name the model cut in two (`Lindsay` `Lohan`): adjacent people on one line are one person."""
    joined: list[Span] = []
    for ent in ents:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and ent.label_ == previous.label_ == "PERSON"
            and ent.start == previous.end
            and not any(token.is_space or token.is_punct for token in ent)
        ):
            joined[-1] = Span(ent.doc, previous.start, ent.end, label=ent.label_)
        else:
            joined.append(ent)
    return joined


def _title_case(sentence: Span) -> bool:
    """A headline written in title case, where the model takes any capitalised run for a name.

    Its entities become candidates: kept only as far as they name something labelled elsewhere.
    """
    words = [token for token in sentence if token.is_alpha and token.lower_ not in STOP_WORDS]
    capitalised = sum(token.text[:1].isupper() for token in words)
    return len(words) >= _TITLE_MIN_WORDS and capitalised >= _TITLE_SHARE * len(words)


def _trim(ent: Span, rules: NameRules) -> Span | None:
    """Drop leading determiners, trailing possessives, punctuation and scores, and what follows a line break.

    A line break inside an entity means the model read across a line end
    (a headline into its first sentence): the name ends there. A result
    (`Evansville 91-73`) is not part of the team's name. A span with no
    capitalised word, or with a slash, was read from a web address, not a name.
    """
    doc = ent.doc
    start = ent.start
    end = next((token.i for token in ent if token.is_space), ent.end)
    while start < end and (doc[start].lower_ in rules.determiners or doc[start].is_punct):
        start += 1
    while end > start and doc[end - 1].lower_ in _TRAILING:
        end -= 1
    if ent.label_ != "LAW" and _SCORE.search(doc[start:end].text):
        end = next((token.i for token in doc[start:end] if _SCORE_PART.match(token.text)), end)
    span = doc[start:end]
    if not any(token.text[:1].isupper() for token in span) or any(token.text == "/" for token in span):
        return None
    return span


def _government(span: Span, label: str, rules: NameRules) -> tuple[Span, str]:
    """`Assad regime` names a government: an organisation, not the person Assad."""
    doc = span.doc
    if label in {"PERSON", "GPE", "NORP"} and span.end < len(doc):
        following = doc[span.end]
        if following.lower_ in rules.government_nouns and span[-1].whitespace_ != "":
            return doc[span.start : span.end + 1], "ORG"
    return span, label


def _acting_capital(span: Span, label: str) -> str:
    """A capital that says, urges or warns speaks for its government: an organisation (`Washington urged`).

    The same name in a dateline or after a preposition is the city, and keeps its place label.
    """
    if label != "GPE" or capital_country(name_key(span.text)) is None:
        return label
    acting = span.root.dep_ in {"nsubj", "nsubjpass"} and span.root.head.pos_ == "VERB"
    return "ORG" if acting else label


def _capitalised_runs(doc: Doc, covered: set[int]) -> list[tuple[int, int]]:
    """Runs of capitalised words the model left untagged, within one line.

    The small English model misses names in title-case headlines and at the
    start of sentences (`Lindsay Lohan Checks Into Rehab`). Resolution keeps a
    run only if some of its words name an entity labelled elsewhere.
    """
    runs, start = [], None
    for token in doc:
        inside = token.i not in covered and _capitalised_word(token)
        if start is not None and not inside:
            runs.append((start, token.i))
            start = None
        if inside and start is None:
            start = token.i
    if start is not None:
        runs.append((start, len(doc)))
    return runs


def _capitalised_word(token: Token) -> bool:
    text = token.text
    if not text[:1].isupper() or not any(char.isalpha() for char in text):
        return False
    shouted = text.isupper() and len(text) > 1
    return token.pos_ not in _NOT_NAME_POS and (shouted or token.lower_ not in STOP_WORDS)


def _defined_acronym(span: Span, rules: NameRules) -> Token | None:
    """The acronym that follows a long form as its definition, if any."""
    doc = span.doc
    if len(span) < 2:
        return None
    for lead in _ACRONYM_LEADS:
        position = span.end
        if position + len(lead) >= len(doc):
            continue
        if all(doc[position + k].lower_ == word for k, word in enumerate(lead)):
            candidate = doc[position + len(lead)]
            if looks_like_acronym(candidate.text) and matches_acronym(candidate.text, span.text, rules):
                return candidate
    return None


def _acronym_label(long_form_label: str) -> str:
    """People are not known by acronyms: a long form the model took for a PERSON is an organisation."""
    return "ORG" if long_form_label == "PERSON" else long_form_label


def _bare_acronym(token: Token) -> bool:
    """An upper-case word the model left untagged, not part of an upper-case run (a shouted headline)."""
    doc = token.doc
    return (
        token.is_alpha
        and 2 <= len(token.text) <= 6
        and token.text.isupper()
        and not (token.i > 0 and doc[token.i - 1].text.isupper())
        and not (token.i + 1 < len(doc) and doc[token.i + 1].text.isupper())
    )


def mention_candidates(
    articles: pd.DataFrame,
    sentences: pd.DataFrame,
    docs: Iterable[tuple[str, Doc]],
    rules: NameRules | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Mention candidates of every article, one row per `MentionCandidate`."""
    texts = dict(zip(articles["article_id"], articles["text"], strict=True))
    spans = spans_by_article(sentences)
    rows = []
    for article_id, doc in docs:
        found = extract_mentions(article_id, texts[article_id], doc, spans.get(article_id, []), rules)
        rows.extend(asdict(mention) for mention in found)
        if on_progress is not None:
            on_progress(1)
    return pd.DataFrame(rows, columns=[field.name for field in fields(MentionCandidate)])
