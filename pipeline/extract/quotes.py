"""Quotations: the words inside quote marks, who said them, and the cue that says so.

Finding the marks is done on `articles.text` itself, paragraph by paragraph,
because the direction of curly marks (“ ”) and of ``` `` ''``` is only there;
straight marks alternate. A quotation may run over several paragraphs, each
opening with a mark and only the last one closing. Marks that do not pair up
are skipped with a reason, never guessed.

Attribution reads spaCy's dependency parse (of the parse view, whose offsets
are the article's): the verb that governs the quoted words from outside them
(`"...," Miller said`, `Miller said, "..."`, `Savett attributed the crisis to
"..."`), or a reporting verb right after the closing mark (`..." he added`),
or `according to X`. Its subject names the speaker: a resolved mention, or a
pronoun or role (`he`, `the spokesperson`) that refers back to the last named
speaker. A paragraph that is all quotation and has no cue is a `block` quote,
spoken by the person on the label line above it or by the last speaker.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from functools import cache, cached_property
from pathlib import Path

import pandas as pd
from spacy.tokens import Doc, DocBin, Span, Token

from pipeline.datafiles import load_json
from pipeline.extract.sentences import SentenceSpan, sentence_at, spans_by_article, trim_span
from pipeline.nlp import map_doc_parts, paragraph_starts
from pipeline.reconcile.entities import resolve_entities
from pipeline.schema import schema_for
from pipeline.text import default_rules

DIRECT = "direct"
PARTIAL = "partial"
BLOCK = "block"

# Marks whose direction is written in the character itself.
_OPENING = ("“", "„", "``", "«")
_CLOSING = ("”", "''", "»")
_MARK = re.compile(r"``|''|[\"“”„«»]")
# Subjects and names of the speaker in the dependency parse.
_SUBJECTS = {"nsubj", "nsubjpass"}
_NAME_DEPS = {"compound", "flat", "amod", "poss", "det", "nmod", "appos", "case"}
_MAX_LABEL_WORDS = 15
_MAX_TITLE_WORDS = 6
# How far back a pronoun or role with no earlier speaker looks for its antecedent.
_ANTECEDENT_SENTENCES = 3


@dataclass(frozen=True)
class CueWords:
    """Reporting verbs, cue phrases and words that refer back to a speaker (`data/quote_cues.json`)."""

    verbs: frozenset[str]
    reporter_objects: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]
    role_nouns: frozenset[str]
    pronouns: frozenset[str]
    organisation_nouns: frozenset[str]

    @classmethod
    def load(cls, path: Path | None = None) -> CueWords:
        """Read the cue words from `path`, or the packaged defaults."""
        data = load_json(path, "quote_cues.json")
        return cls(
            verbs=frozenset(data["verbs"]),
            reporter_objects=frozenset(data["reporter_objects"]),
            phrases=tuple(tuple(phrase) for phrase in data["phrases"]),
            role_nouns=frozenset(data["role_nouns"]),
            pronouns=frozenset(data["pronouns"]),
            organisation_nouns=frozenset(data["organisation_nouns"]),
        )


@cache
def default_cues() -> CueWords:
    """The packaged cue words, read once per process."""
    return CueWords.load()


@dataclass(frozen=True)
class QuoteSpan:
    """Where a quotation's words lie (inside the marks) and where its marks are."""

    start_char: int
    end_char: int
    open_char: int
    close_char: int


@dataclass(frozen=True)
class SkippedQuote:
    """A mark that could not be paired, and why: logged, never guessed."""

    article_id: str
    start_char: int
    reason: str


@dataclass(frozen=True)
class Speaker:
    """Who said a quotation: the name as it should be shown, its entity, where the text names them."""

    name: str | None
    entity_id: str | None
    start_char: int | None
    end_char: int | None


@dataclass(frozen=True)
class Quote:
    """One row of the `quotes` table."""

    quote_id: str
    article_id: str
    sentence_id: int
    start_char: int
    end_char: int
    text: str
    speaker_name: str | None
    speaker_entity_id: str | None
    speaker_start: int | None
    speaker_end: int | None
    cue: str | None
    kind: str


def find_quote_spans(text: str) -> tuple[list[QuoteSpan], list[tuple[int, str]]]:
    """Paired quote marks in `text`, and `(offset, reason)` for every mark that did not pair.

    A quotation left open at the end of a paragraph goes on in the next one when
    that paragraph opens with a mark (the convention for quotes of several
    paragraphs) or when its first mark closes it (a line break inside a quote);
    otherwise its opening mark is reported as never closed.
    """
    starts = [0, *paragraph_starts(text)]
    spans: list[QuoteSpan] = []
    skipped: list[tuple[int, str]] = []
    open_at: int | None = None
    open_len = 0
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        marks = [(m.start(), m.group()) for m in _MARK.finditer(text, start, end)]
        if open_at is not None:
            leading = start + len(text[start:end]) - len(text[start:end].lstrip())
            if marks and marks[0][0] == leading and _role(text, *marks[0], inside=False) == "open":
                marks = marks[1:]
            elif not marks or _role(text, *marks[0], inside=True) != "close":
                skipped.append((open_at, "opening mark never closed"))
                open_at = None
        for position, mark in marks:
            role = _role(text, position, mark, inside=open_at is not None)
            if open_at is None and role == "open":
                open_at, open_len = position, len(mark)
            elif open_at is None:
                skipped.append((position, "closing mark without an opening mark"))
            elif role == "close":
                inner_start, inner_end = trim_span(text, open_at + open_len, position)
                if inner_start < inner_end:
                    spans.append(QuoteSpan(inner_start, inner_end, open_at, position))
                open_at = None
            else:
                skipped.append((open_at, "opening mark followed by another opening mark"))
                open_at, open_len = position, len(mark)
    if open_at is not None:
        skipped.append((open_at, "opening mark never closed"))
    return spans, skipped


def _role(text: str, position: int, mark: str, inside: bool) -> str:
    """Whether a mark opens or closes a quotation.

    Straight marks alternate. A curly or doubled mark says its direction,
    unless its surroundings plainly say the opposite (`the young , `` said`).
    """
    before = text[position - 1 : position] if position else ""
    after = text[position + len(mark) : position + len(mark) + 1]
    looks_closing = before not in ("", " ", "\n", "(", "[") and after in (
        "",
        " ",
        "\n",
        ".",
        ",",
        ";",
        ":",
        ")",
    )
    looks_closing = looks_closing or (
        before == " " and _visible_before(text, position) in (",", ".", "?", "!")
    )
    looks_opening = before in ("", " ", "\n", "(", "[", "-", "—") and after not in ("", " ", "\n")
    if mark in _OPENING:
        return "close" if inside and looks_closing and not looks_opening else "open"
    if mark in _CLOSING:
        return "open" if not inside and looks_opening and not looks_closing else "close"
    return "close" if inside else "open"


def _visible_before(text: str, position: int) -> str:
    """The last character before `position` that is not white space ("" when there is none).

    Walks back over the white space only: copying `text[:position]` for every mark made
    a line of many quotations quadratic.
    """
    while position > 0 and text[position - 1].isspace():
        position -= 1
    return text[position - 1 : position]


def extract_quotes(
    article_id: str,
    text: str,
    doc: Doc,
    sentences: Sequence[SentenceSpan],
    mentions: pd.DataFrame,
    names: dict[str, str],
    label_lines: Sequence[tuple[int, int]] = (),
    cues: CueWords | None = None,
) -> tuple[list[Quote], list[SkippedQuote]]:
    """Quotations of one article with their speakers.

    `mentions` are the article's rows of the `mentions` table, `names` maps
    entity ids to canonical names, `label_lines` are the spans of short label
    lines (`:: Matthew Miller, US State Department spokesperson`) that may
    introduce a block quote.
    """
    cues = cues or default_cues()
    spans, unpaired = find_quote_spans(text)
    quoted = [(span.start_char, span.end_char) for span in spans]
    attributor = _Attributor(doc, mentions, names, cues, quoted)
    quotes = []
    # Speakers in text order: who reported speech outside quotes, and who spoke each quote so far.
    in_scope = attributor.reporters()
    for span in spans:
        words = doc.char_span(span.start_char, span.end_char, alignment_mode="expand")
        if words is None or not _is_speech(words):
            continue
        earlier = bisect_left(in_scope, span.open_char, key=_position)
        last = in_scope[earlier - 1][1] if earlier else None
        kind = _kind(text, span)
        cue, speaker = attributor.attribute(words, last)
        if cue is None and kind == DIRECT and _whole_paragraph(text, span):
            kind = BLOCK
        if speaker is None and kind == BLOCK:
            speaker = attributor.from_label_line(span, label_lines) or last
        if speaker is not None and speaker.name is not None:
            insort(in_scope, (span.open_char, speaker), key=_position)
        quotes.append(
            Quote(
                quote_id=f"{article_id}:{span.start_char}-{span.end_char}",
                article_id=article_id,
                sentence_id=sentence_at(sentences, span.start_char),
                start_char=span.start_char,
                end_char=span.end_char,
                text=text[span.start_char : span.end_char],
                speaker_name=speaker.name if speaker else None,
                speaker_entity_id=speaker.entity_id if speaker else None,
                speaker_start=speaker.start_char if speaker else None,
                speaker_end=speaker.end_char if speaker else None,
                cue=cue,
                kind=kind,
            )
        )
    return quotes, [SkippedQuote(article_id, offset, reason) for offset, reason in unpaired]


def _position(item: tuple[int, Speaker]) -> int:
    return item[0]


def _is_speech(words: Span) -> bool:
    """Words someone said: not a single word (a scare quote) nor a short title (`"American Pie"`)."""
    tokens = [token for token in words if not (token.is_punct or token.is_space)]
    if len(words.text.split()) < 2:
        return False
    content = [token for token in tokens if not token.is_stop]
    titled = bool(content) and all(token.text[:1].isupper() for token in content)
    return not (
        titled and len(tokens) <= _MAX_TITLE_WORDS and not any(t.pos_ in {"VERB", "AUX"} for t in tokens)
    )


def _without_titles(phrase: Span) -> str:
    """A name the model did not tag, shown as a name: `Governor Ana Ruiz` -> `Ana Ruiz`."""
    tokens = list(phrase)
    if all(token.pos_ == "PROPN" for token in tokens):
        titles = default_rules().person_titles
        while len(tokens) > 1 and tokens[0].lower_ in titles:
            tokens = tokens[1:]
    return phrase.doc[tokens[0].i : tokens[-1].i + 1].text


def _kind(text: str, span: QuoteSpan) -> str:
    """`partial` when the marks sit inside a running sentence: not at a line start, nor after a sentence end,
    a colon or a comma."""
    line_before = text[text.rfind("\n", 0, span.open_char) + 1 : span.open_char].rstrip()
    if not line_before or line_before[-1] in ".!?:\"”'" or line_before.endswith(","):
        return DIRECT
    return PARTIAL


def _whole_paragraph(text: str, span: QuoteSpan) -> bool:
    line_start = text.rfind("\n", 0, span.open_char) + 1
    line_end = text.find("\n", span.close_char)
    line_end = len(text) if line_end == -1 else line_end
    return (
        not text[line_start : span.open_char].strip() and len(text[span.close_char : line_end].strip()) <= 3
    )


class _Attributor:
    """Finds the cue and the speaker of a quotation in the parse."""

    def __init__(
        self,
        doc: Doc,
        mentions: pd.DataFrame,
        names: dict[str, str],
        cues: CueWords,
        quoted: list[tuple[int, int]],
    ) -> None:
        self.doc = doc
        self.cues = cues
        self.names = names
        self.quoted = quoted
        self._quote_starts = [start for start, _ in quoted]
        self.mentions = sorted(
            zip(
                mentions["start_char"],
                mentions["end_char"],
                mentions["entity_id"],
                mentions["label"],
                strict=True,
            )
        )
        # Lookups by offset bisect these instead of scanning every mention and sentence.
        self._mention_starts = [m[0] for m in self.mentions]
        self._longest_mention = max((m[1] - m[0] for m in self.mentions), default=0)

    def attribute(self, words: Span, last: Speaker | None) -> tuple[str | None, Speaker | None]:
        """The cue and speaker of the quoted `words`, or `(None, None)`."""
        ancestors = self._ancestors(words)
        verb = (
            next((token for token in ancestors if self._reports(token)), None)
            or self._reporting_verb_in_sentence(words)
            or self._trailing_cue(words)
            or self._leading_cue(words)
        )
        if verb is not None:
            return self._cue_text(verb), self._speaker_of(verb, last)
        source = self._according_to(words)
        if source is not None:
            return "according to", self._speaker_from(source, last)
        verb = next((token for token in ancestors if self._has_subject(token)), None)
        speaker = self._speaker_of(verb, last) if verb is not None else None
        if speaker is not None and speaker.entity_id is not None:
            return self._cue_text(verb), speaker
        return None, None

    def reporters(self) -> list[tuple[int, Speaker]]:
        """Named subjects of reporting verbs outside quotations, in text order: who reported speech."""
        found = []
        for token in self.doc:
            if self._reports(token) and not self._inside_quote(token):
                speaker = self._speaker_of(token, None)
                if speaker is not None and speaker.entity_id is not None:
                    found.append((token.idx, speaker))
        return found

    def _inside_quote(self, token: Token) -> bool:
        return self._quoted_at(token.idx)

    def _quoted_at(self, offset: int) -> bool:
        """Whether `offset` lies inside a quotation (they are sorted and never overlap)."""
        index = bisect_right(self._quote_starts, offset) - 1
        return index >= 0 and offset < self.quoted[index][1]

    def _ancestors(self, words: Span) -> list[Token]:
        """Verbs outside the marks that the quoted words hang from, nearest first."""
        found: list[Token] = []
        for token in words:
            head = token.head
            if head.i == token.i or words.start <= head.i < words.end:
                continue
            while True:
                if head.pos_ in {"VERB", "AUX"} and not self._inside_quote(head) and head not in found:
                    found.append(head)
                if head.head.i == head.i:
                    break
                head = head.head
        return found

    def _reports(self, token: Token) -> bool:
        return token.pos_ in {"VERB", "AUX"} and token.lemma_.lower() in self.cues.verbs

    def _has_subject(self, token: Token) -> bool:
        return any(child.dep_ in _SUBJECTS for child in token.children)

    def _reporting_verb_in_sentence(self, words: Span) -> Token | None:
        """`What X does support, he said, is "..."`: a reporting verb elsewhere in the quote's sentence."""
        sentence = words.sent
        candidates = [
            t for t in sentence if self._reports(t) and not self._inside_quote(t) and self._has_subject(t)
        ]
        return min(candidates, key=lambda t: min(abs(t.i - words.start), abs(t.i - words.end)), default=None)

    def _trailing_cue(self, words: Span) -> Token | None:
        """`..." he added` / `..." said Miller`: a reporting verb just after the closing mark."""
        doc = self.doc
        for token in doc[words.end : min(words.end + 8, len(doc))]:
            if (token.is_space and "\n" in token.text) or self._inside_quote(token):
                return None
            if self._reports(token):
                return token
            if token.is_sent_end and token.text in ".!?":
                return None
        return None

    def _leading_cue(self, words: Span) -> Token | None:
        """`Miller said:` right before the opening mark, in the same paragraph."""
        doc = self.doc
        for token in reversed(doc[max(words.start - 10, 0) : words.start]):
            if (token.is_space and "\n" in token.text) or self._inside_quote(token):
                return None
            if self._reports(token):
                return token
            if token.text in ".!?":
                return None
        return None

    def _according_to(self, words: Span) -> Span | None:
        sentence = words.sent
        for token in sentence:
            if self._inside_quote(token):
                continue
            for phrase in self.cues.phrases:
                tokens = sentence.doc[token.i : token.i + len(phrase)]
                if [t.lower_ for t in tokens] == list(phrase) and tokens.end < len(sentence.doc):
                    objects = [child for child in tokens[-1].children if child.dep_ == "pobj"]
                    if objects:
                        return sentence.doc[objects[0].left_edge.i : objects[0].right_edge.i + 1]
        return None

    def _cue_text(self, verb: Token) -> str:
        """The reporting verb as written, with the audience when it makes the cue (`told reporters`)."""
        for child in verb.children:
            if child.dep_ in {"dobj", "dative", "prep"}:
                phrase = self.doc[child.left_edge.i : child.right_edge.i + 1].text.lower()
                if phrase in self.cues.reporter_objects:
                    return f"{verb.text} {self.doc[child.left_edge.i : child.right_edge.i + 1].text}"
        return verb.text

    def _speaker_of(self, verb: Token, last: Speaker | None) -> Speaker | None:
        subjects = [child for child in verb.children if child.dep_ in _SUBJECTS]
        if not subjects and verb.dep_ in {"conj", "xcomp", "advcl"}:
            subjects = [child for child in verb.head.children if child.dep_ in _SUBJECTS]
        if not subjects:
            agents = [c for child in verb.children if child.dep_ == "agent" for c in child.children]
            subjects = [token for token in agents if token.dep_ == "pobj"]
        if not subjects or self._inside_quote(subjects[0]):
            return None
        subject = subjects[0]
        whole = self.doc[subject.left_edge.i : subject.right_edge.i + 1]
        named = None if self._inside_quote(whole[0]) else self._mention_in(whole, prefer="PERSON")
        if named is not None:  # `the governor of the province, Abdolreza Sheikholeslami, told ...`
            start, end, entity_id, _ = named
            return Speaker(self.names.get(entity_id, whole.text), entity_id, start, end)
        trailing = [
            c.left_edge.i for c in subject.rights if c.dep_ in {"appos", "relcl", "acl", "punct", "prep"}
        ]
        phrase = self.doc[subject.left_edge.i : min(trailing, default=subject.right_edge.i + 1)]
        if self._inside_quote(phrase[0]):
            phrase = self.doc[subject.i : subject.i + 1]
        return self._speaker_from(phrase, last)

    def _speaker_from(self, phrase: Span, last: Speaker | None) -> Speaker | None:
        """A named mention in the phrase, else an anaphor resolved to the last speaker, else the phrase."""
        named = self._mention_in(phrase, prefer="PERSON")
        if named is not None:
            start, end, entity_id, _ = named
            return Speaker(self.names.get(entity_id, phrase.text), entity_id, start, end)
        head = phrase.root
        definite = any(t.lower_ in {"the", "this", "that"} for t in phrase)
        to_person = head.lower_ in self.cues.pronouns or (
            definite and head.lemma_.lower() in self.cues.role_nouns
        )
        to_organisation = definite and head.lemma_.lower() in self.cues.organisation_nouns
        if to_person and last is not None:
            return Speaker(last.name, last.entity_id, phrase.start_char, phrase.end_char)
        if to_person or to_organisation:
            antecedent = self._nearest_before(phrase, "PERSON" if to_person else "ORG")
            if antecedent is not None:
                entity_id = antecedent[2]
                return Speaker(self.names.get(entity_id), entity_id, phrase.start_char, phrase.end_char)
        organisation = self._mention_in(phrase, prefer="ORG")
        if organisation is not None:
            start, end, entity_id, _ = organisation
            return Speaker(self.names.get(entity_id, phrase.text), entity_id, start, end)
        if head.lower_ in self.cues.pronouns:
            return None
        return Speaker(_without_titles(phrase), None, phrase.start_char, phrase.end_char)

    @cached_property
    def _sentence_starts(self) -> list[tuple[int, int]]:
        """Token and character offsets where each sentence starts."""
        return [(sent.start, sent.start_char) for sent in self.doc.sents] or [(0, 0)]

    def _nearest_before(self, phrase: Span, label: str) -> tuple[int, int, str, str] | None:
        """The closest mention of type `label` before `phrase`, outside quotes, within a few sentences."""
        index = bisect_right(self._sentence_starts, phrase.start, key=lambda sent: sent[0]) - 1
        window_start = self._sentence_starts[max(index - _ANTECEDENT_SENTENCES, 0)][1]
        low = bisect_left(self._mention_starts, window_start)
        high = bisect_right(self._mention_starts, phrase.start_char)
        for m in reversed(self.mentions[low:high]):
            if m[3] == label and m[1] <= phrase.start_char and not self._quoted_at(m[0]):
                return m
        return None

    def _mention_in(self, phrase: Span, prefer: str) -> tuple[int, int, str, str] | None:
        low = bisect_left(self._mention_starts, phrase.start_char - self._longest_mention)
        high = bisect_left(self._mention_starts, phrase.end_char)
        preferred = [m for m in self.mentions[low:high] if m[1] > phrase.start_char and m[3] == prefer]
        return preferred[-1] if preferred else None

    def from_label_line(self, span: QuoteSpan, label_lines: Sequence[tuple[int, int]]) -> Speaker | None:
        """The person on a short label line right above a block quote (`:: Name, role`)."""
        above = [(start, end) for start, end in label_lines if end <= span.open_char]
        if not above:
            return None
        start, end = above[-1]
        between = self.doc.text[end : span.open_char]
        if between.strip() or len(self.doc.text[start:end].split()) > _MAX_LABEL_WORDS:
            return None
        line = self.doc.char_span(start, end, alignment_mode="expand")
        named = self._mention_in(line, prefer="PERSON") if line is not None else None
        if named is None:
            return None
        mention_start, mention_end, entity_id, _ = named
        return Speaker(self.names.get(entity_id), entity_id, mention_start, mention_end)


def quotes_table(
    articles: pd.DataFrame,
    sentences: pd.DataFrame,
    mentions: pd.DataFrame,
    entities: pd.DataFrame,
    docs: Iterable[tuple[str, Doc]],
    cues: CueWords | None = None,
) -> tuple[pd.DataFrame, list[SkippedQuote]]:
    """The `quotes` table, and the marks that were skipped as unpaired."""
    by_id = articles.set_index("article_id")
    spans = spans_by_article(sentences)
    names = dict(zip(entities["entity_id"], entities["name"], strict=True))
    mentions_by_article = dict(tuple(mentions.groupby("article_id")))
    empty_mentions = mentions.head(0)
    rows: list[dict] = []
    skipped: list[SkippedQuote] = []
    for article_id, doc in docs:
        article = by_id.loc[article_id]
        label_lines = [
            (int(section["start_char"]), int(section["end_char"]))
            for section in article["sections"]
            if section["kind"] in {"heading", "dateline"}
        ]
        found, unpaired = extract_quotes(
            article_id,
            article["text"],
            doc,
            spans.get(article_id, []),
            mentions_by_article.get(article_id, empty_mentions),
            names,
            label_lines,
            cues,
        )
        rows.extend(asdict(quote) for quote in found)
        skipped.extend(unpaired)
    return pd.DataFrame(rows, columns=[field.name for field in fields(Quote)]), skipped


def quote_candidates_table(
    articles: pd.DataFrame,
    sentences: pd.DataFrame,
    mention_candidates: pd.DataFrame,
    docs: DocBin,
    n_process: int = 1,
    cues: CueWords | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> tuple[pd.DataFrame, list[SkippedQuote]]:
    """The `quote_candidates` of one batch: quotes whose speakers are named by a mention of their article.

    Speakers are found with the batch's own entity resolution (what tells that
    `he` and `Miller` are the `Matthew Miller` named earlier in the article);
    each is recorded as one of its mentions in the article, which the
    resolution across all batches later maps to the final entity. Quotes are
    then found article by article, in `n_process` forked workers.
    """
    mentions, entities = resolve_entities(mention_candidates)
    parts = map_doc_parts(
        lambda parsed: quotes_table(articles, sentences, mentions, entities, parsed, cues),
        docs,
        n_process,
        on_progress,
    )
    quotes = pd.concat([table for table, _ in parts], ignore_index=True)
    quotes["speaker_mention_id"] = _speaker_mentions(quotes, mentions)
    return quotes[schema_for("quote_candidates").names], [mark for _, marks in parts for mark in marks]


def _speaker_mentions(quotes: pd.DataFrame, mentions: pd.DataFrame) -> list[str | None]:
    """For each quote, the mention that names its speaker, else the speaker's nearest mention before it."""
    by_entity: dict[tuple[str, str], list[tuple[int, int, str]]] = {}
    for article_id, entity_id, start, end, mention_id in zip(
        mentions["article_id"],
        mentions["entity_id"],
        mentions["start_char"],
        mentions["end_char"],
        mentions["mention_id"],
        strict=True,
    ):
        by_entity.setdefault((article_id, entity_id), []).append((start, end, mention_id))
    chosen: list[str | None] = []
    for article_id, entity_id, speaker_start, speaker_end, quote_start in zip(
        quotes["article_id"],
        quotes["speaker_entity_id"],
        quotes["speaker_start"],
        quotes["speaker_end"],
        quotes["start_char"],
        strict=True,
    ):
        named = by_entity.get((article_id, entity_id)) if isinstance(entity_id, str) else None
        if not named:
            chosen.append(None)
            continue
        exact = [m for s, e, m in named if s == speaker_start and e == speaker_end]
        before = [m for s, _, m in sorted(named) if s < quote_start]
        chosen.append(exact[0] if exact else before[-1] if before else named[0][2])
    return chosen
