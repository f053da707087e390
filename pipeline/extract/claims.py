"""Typed numeric claims: a figure, what it counts, how it is hedged, and who says so.

Outlets disagree about numbers (`more than 400` killed against `over 250`), so
each figure is kept with its measure, qualifier and source. A figure counts
only when the dependency parse ties it to a trigger of a measure: `killed more
than 400 people` (object of *kill*), `Nearly 50,000 people have fled` (subject
of *flee*), `over 250 fatalities` (a trigger noun). A number with no such tie
(a date, an age, a resolution's number, a percentage) is never a claim. Every
word list lives in `pipeline/data/measures.json`.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date
from functools import cache, cached_property
from pathlib import Path

import pandas as pd
from spacy.tokens import Doc, Span, Token

from pipeline.datafiles import load_json
from pipeline.extract.sentences import SentenceSpan, spans_by_article

_DIGITS = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_ORDINAL_DIGITS = re.compile(r"^(\d{1,3})(?:st|nd|rd|th)$", re.IGNORECASE)
_YEAR = re.compile(r"^(1[89]|20|21)\d\d$")
_NOUNS = frozenset({"NOUN", "PROPN", "PRON", "NUM"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass"})
# Where a source's name ends: a comma, a bracket, or the start of a clause about it.
_SOURCE_STOPS = frozenset({",", "(", ";", ":", '"', "'"})
_SOURCE_CLAUSES = frozenset({"relcl", "acl", "appos", "advcl", "parataxis", "ccomp"})
_PRONOUN_PEOPLE = frozenset({"he", "she"})
_COMPLEMENTS = frozenset({"xcomp", "dobj", "pobj", "prep", "acl", "pcomp"})
_CLAUSES = frozenset({"ROOT", "ccomp", "advcl", "relcl", "xcomp", "parataxis", "conj", "pcomp"})


@dataclass(frozen=True)
class Claim:
    """One figure about one measure in one article; the fields of the `claims` table."""

    claim_id: str
    article_id: str
    sentence_id: int
    start_char: int
    end_char: int
    text: str
    measure: str
    value: float
    value_high: float | None
    unit: str | None
    qualifier: str | None
    attributed_to: str | None
    subject: str | None
    number_start: int
    number_end: int
    number_text: str
    parent_claim_id: str | None


@dataclass(frozen=True)
class Measure:
    """What one measure counts and the words that trigger it."""

    name: str
    unit: str
    object_verbs: frozenset[str]
    subject_verbs: frozenset[str]
    adjectives: frozenset[str]
    nouns: frozenset[str]
    toll_nouns: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]
    result_phrases: tuple[tuple[str, ...], ...]
    experiencer_verbs: frozenset[str]
    counted: frozenset[str] | None
    refines: str | None
    subjects: frozenset[str]


@dataclass(frozen=True)
class WarRules:
    """Words that date the start of a war (the `war_start_year` measure)."""

    unit: str
    war_nouns: frozenset[str]
    start_verbs: frozenset[str]
    start_nouns: frozenset[str]
    since_words: frozenset[str]
    in_words: frozenset[str]
    year_nouns: frozenset[str]
    duration_adjectives: frozenset[str]


@dataclass(frozen=True)
class MeasureVocabulary:
    """Everything the claim extractor knows about words (`pipeline/data/measures.json`)."""

    measures: dict[str, Measure]
    war: WarRules
    generic_subjects: frozenset[str]
    not_counted: frozenset[str]
    not_after_counted: frozenset[str]
    negators: frozenset[str]
    modal_auxiliaries: frozenset[str]
    irrealis_verbs: frozenset[str]
    past_modifiers: frozenset[str]
    partitive_determiners: frozenset[str]
    pronoun_numbers: frozenset[str]
    excluded_labels: frozenset[str]
    inclusion_words: frozenset[str]
    qualifiers: dict[tuple[str, ...], str]
    suffix_qualifiers: dict[tuple[str, ...], str]
    range_words: dict[str, str]
    range_links: frozenset[str]
    change_words: frozenset[str]
    attribution_verbs: frozenset[str]
    attribution_phrases: tuple[tuple[str, ...], ...]
    number_words: dict[str, float]
    multipliers: dict[str, float]
    vague_numbers: dict[tuple[str, ...], tuple[float, str | None]]
    ordinals: dict[str, int]

    @cached_property
    def vague_by_first_word(self) -> dict[str, list[tuple[tuple[str, ...], float, str | None]]]:
        """Vague numbers (`dozens of`) by their first word, longest first: looked up at every token."""
        index: dict[str, list[tuple[tuple[str, ...], float, str | None]]] = {}
        for phrase, (value, implied) in sorted(self.vague_numbers.items(), key=lambda kv: -len(kv[0])):
            index.setdefault(phrase[0], []).append((phrase, value, implied))
        return index

    @classmethod
    def load(cls, path: Path | None = None) -> MeasureVocabulary:
        """Read the vocabulary from `path`, or the packaged default."""
        data = load_json(path, "measures.json")
        measures = {name: _measure(name, spec) for name, spec in data["measures"].items()}
        for measure in measures.values():
            if measure.refines is not None and measure.refines not in measures:
                raise ValueError(f"measure {measure.name!r} refines unknown measure {measure.refines!r}")
        war = data["war_start_year"]
        numbers = data["numbers"]
        return cls(
            measures=measures,
            war=WarRules(
                unit=war["unit"],
                war_nouns=_words(war["war_nouns"]),
                start_verbs=_words(war["start_verbs"]),
                start_nouns=_words(war["start_nouns"]),
                since_words=_words(war["since_words"]),
                in_words=_words(war["in_words"]),
                year_nouns=_words(war["year_nouns"]),
                duration_adjectives=_words(war["duration_adjectives"]),
            ),
            generic_subjects=_words(data["generic_subjects"]),
            not_counted=_words(data["not_counted"]),
            not_after_counted=_words(data["not_after_counted"]),
            negators=_words(data["negators"]),
            modal_auxiliaries=_words(data["modal_auxiliaries"]),
            irrealis_verbs=_words(data["irrealis_verbs"]),
            past_modifiers=_words(data["past_modifiers"]),
            partitive_determiners=_words(data["partitive_determiners"]),
            pronoun_numbers=_words(data["pronoun_numbers"]),
            excluded_labels=frozenset(data["excluded_labels"]),
            inclusion_words=_words(data["inclusion_words"]),
            qualifiers={_phrase(k): v for k, v in data["qualifiers"].items()},
            suffix_qualifiers={_phrase(k): v for k, v in data["suffix_qualifiers"].items()},
            range_words={k.lower(): v.lower() for k, v in data["range_words"].items()},
            range_links=_words(data["range_links"]),
            change_words=_words(data["change_words"]),
            attribution_verbs=_words(data["attribution"]["verbs"]),
            attribution_phrases=tuple(_phrase(p) for p in data["attribution"]["phrases"]),
            number_words={k.lower(): float(v) for k, v in numbers["words"].items()},
            multipliers={k.lower(): float(v) for k, v in numbers["multipliers"].items()},
            vague_numbers={
                _phrase(k): (float(v["value"]), v.get("qualifier")) for k, v in numbers["vague"].items()
            },
            ordinals={k.lower(): int(v) for k, v in numbers["ordinals"].items()},
        )


def _measure(name: str, spec: dict) -> Measure:
    counted = spec.get("counted")
    return Measure(
        name=name,
        unit=spec.get("unit", "people"),
        object_verbs=_words(spec.get("object_verbs", [])),
        subject_verbs=_words(spec.get("subject_verbs", [])),
        adjectives=_words(spec.get("adjectives", [])),
        nouns=_words(spec.get("nouns", [])),
        toll_nouns=_words(spec.get("toll_nouns", [])),
        phrases=tuple(_phrase(p) for p in spec.get("phrases", [])),
        result_phrases=tuple(_phrase(p) for p in spec.get("result_phrases", [])),
        experiencer_verbs=_words(spec.get("experiencer_verbs", [])),
        counted=_words(counted) if counted is not None else None,
        refines=spec.get("refines"),
        subjects=_words(spec.get("subjects", [])),
    )


def _words(items: Iterable[str]) -> frozenset[str]:
    return frozenset(item.lower() for item in items)


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(text.lower().split())


@cache
def default_vocabulary() -> MeasureVocabulary:
    """The packaged vocabulary, read once per process."""
    return MeasureVocabulary.load()


# --------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class _Figure:
    """A number in the text: its tokens (qualifier excluded), value, range and implied qualifier."""

    start: int
    end: int
    value: float
    value_high: float | None
    implied_qualifier: str | None


def _figures(doc: Doc, vocab: MeasureVocabulary) -> list[_Figure]:
    """Every cardinal figure of the document, with ranges joined (`between 20 and 30`, `20-30`)."""
    figures = []
    i = 0
    while i < len(doc):
        run = _number_run(doc, i, vocab)
        if run is None:
            i += 1
            continue
        end, value, implied = run
        start, high = i, None
        partner = vocab.range_words.get(doc[i - 1].lower_) if i > 0 else None
        link_at = end
        if link_at < len(doc) and (
            (partner is not None and doc[link_at].lower_ == partner)
            or (
                partner is None
                and doc[link_at].lower_ in vocab.range_links
                and not _after_change(doc, i, vocab)
            )
        ):
            second = _number_run(doc, link_at + 1, vocab) if link_at + 1 < len(doc) else None
            if second is not None and second[1] > value and implied is None and second[2] is None:
                high = second[1]
                end = second[0]
                if partner is not None:
                    start = i - 1
        figures.append(_Figure(start, end, value, high, implied))
        i = end
    return figures


def _after_change(doc: Doc, i: int, vocab: MeasureVocabulary) -> bool:
    """`rose from 20 to 30` is a change, not a range."""
    return i > 0 and doc[i - 1].lower_ in vocab.change_words


def _number_run(doc: Doc, i: int, vocab: MeasureVocabulary) -> tuple[int, float, str | None] | None:
    """The number starting at token `i`: (end token, value, qualifier a vague word implies)."""
    token = doc[i]
    lower = token.lower_
    for phrase, value, implied in vocab.vague_by_first_word.get(lower, ()):
        if _matches(doc, i, phrase):
            return i + len(phrase), value, implied
    if lower in {"a", "an"} and i + 1 < len(doc) and doc[i + 1].lower_ in vocab.multipliers:
        return i + 2, vocab.multipliers[doc[i + 1].lower_], None
    if not _is_number_token(token, vocab):
        return None
    tokens = [token]
    j = i + 1
    while j < len(doc):
        current, previous = doc[j], tokens[-1]
        if _spaced_thousands(doc, j, tokens) or _spaced_decimal(doc, j, tokens):
            tokens.extend(doc[j : j + 2])
            j += 2
            continue
        if _is_number_token(current, vocab):
            # `1.5 million`, `one hundred`; never two numerals in a row (`2 30`) nor a word then digits.
            if _DIGITS.match(current.text):
                break
            tokens.append(current)
            j += 1
            continue
        joins_words = current.text == "-" and previous.whitespace_ == "" and current.whitespace_ == ""
        joins_hundreds = current.lower_ == "and" and previous.lower_ in vocab.multipliers
        follower = doc[j + 1] if j + 1 < len(doc) else None
        if (
            (joins_words or joins_hundreds)
            and follower is not None
            and follower.lower_ in vocab.number_words
            and not _DIGITS.match(previous.text)
        ):
            tokens.append(follower)
            j += 2
            continue
        break
    value = _value_of(tokens, vocab)
    if value is None:
        return None
    return j, value, None


def _spaced_decimal(doc: Doc, j: int, run: Sequence[Token]) -> bool:
    """`6 . 4`: a decimal point with spaces around it (ECB+ text); it ends the run."""
    return (
        j + 1 < len(doc)
        and len(run) == 1
        and doc[j].text == "."
        and run[0].whitespace_ != ""
        and doc[j].whitespace_ != ""
        and run[0].text.isdecimal()
        and doc[j + 1].text.isdecimal()
    )


def _spaced_thousands(doc: Doc, j: int, run: Sequence[Token]) -> bool:
    """`26 , 000`: thousands split by a tokenizer that put spaces around the comma (ECB+ text)."""
    return (
        j + 1 < len(doc)
        and doc[j].text == ","
        and run[-1].whitespace_ != ""
        and doc[j].whitespace_ != ""
        and re.fullmatch(r"\d{1,3}", run[0].text) is not None
        and all(token.text == "," or re.fullmatch(r"\d{3}", token.text) for token in run[1:])
        and re.fullmatch(r"\d{3}", doc[j + 1].text) is not None
    )


def _matches(doc: Doc, i: int, phrase: tuple[str, ...]) -> bool:
    return i + len(phrase) <= len(doc) and all(doc[i + k].lower_ == word for k, word in enumerate(phrase))


def _is_number_token(token: Token, vocab: MeasureVocabulary) -> bool:
    """A numeral or number word; `06` and `000` (parts of dates, codes and URLs) are not."""
    if _DIGITS.match(token.text):
        return not (token.text.startswith("0") and len(token.text) > 1 and token.text[1] != ".")
    lower = token.lower_
    return lower in vocab.number_words or lower in vocab.multipliers


def _value_of(tokens: Sequence[Token], vocab: MeasureVocabulary) -> float | None:
    """`1,000` -> 1000, `1.5 million` -> 1500000, `one hundred and twenty` -> 120, `a dozen` -> 12.

    `26 , 000` and `6 . 4` are read as `26,000` and `6.4` (text tokenized with spaces, as ECB+ is).
    """
    total = 0.0
    current: float | None = None
    for index, token in enumerate(tokens):
        lower = token.lower_
        after = tokens[index - 1].text if index > 0 else ""
        if token.text in {",", "."}:
            continue
        if _DIGITS.match(token.text) and after == ".":
            current = (current or 0.0) + float("0." + token.text)
        elif _DIGITS.match(token.text):
            current = (current or 0.0) * (1000 if after == "," else 1) + float(token.text.replace(",", ""))
        elif lower in vocab.number_words:
            current = (current or 0.0) + vocab.number_words[lower]
        elif lower in vocab.multipliers:
            factor = vocab.multipliers[lower]
            current = (current if current is not None else 1.0) * factor
            if factor >= 1000:
                total += current
                current = None
    if current is None and total == 0.0:
        return None
    value = total + (current or 0.0)
    return value if math.isfinite(value) else None


# --------------------------------------------------------------------------- measures


@dataclass(frozen=True)
class _Found:
    """A figure tied to a measure: the tokens that bear it, before qualifier and attribution."""

    figure: _Figure
    measure: str
    counted: Token
    anchor: Token
    trigger: Token
    subject: str | None
    parent: _Found | None


def _root_of(doc: Doc, figure: _Figure) -> Token:
    """The figure's token whose head lies outside it (its syntactic head)."""
    inside = range(figure.start, figure.end)
    roots = [doc[i] for i in inside if doc[i].head.i not in inside or doc[i].head.i == doc[i].i]
    return roots[-1] if roots else doc[figure.end - 1]


def _counted_noun(doc: Doc, figure: _Figure, root: Token) -> tuple[Token, bool]:
    """What the figure counts, and whether through `of`: `400 people`, `dozens of towns`, `two of them`."""
    between = doc[root.i + 1 : root.head.i] if root.head.i > root.i else []
    if (
        root.dep_ in {"nummod", "compound", "quantmod", "amod"}
        and root.head.i > root.i
        and root.head.pos_ in {"NOUN", "PROPN", "PRON", "ADJ"}
        and not any(token.is_punct and token.text != "-" for token in between)
    ):
        noun = root.head
        while noun.dep_ == "compound" and noun.head.i > noun.i and noun.head.pos_ in {"NOUN", "PROPN"}:
            noun = noun.head
        return noun, False
    inside = range(figure.start, figure.end)
    for i in inside:
        for child in doc[i].children:
            if child.i not in inside and child.dep_ == "prep" and child.lower_ == "of":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    return objects[0], True
    return root, False


def _is_excluded(doc: Doc, figure: _Figure, root: Token, vocab: MeasureVocabulary) -> bool:
    """Dates, times, ages, identifiers (`Resolution 2254`) and percentages are not counts."""
    if figure.value != int(figure.value):
        return True  # `6.4`: a magnitude or a rate, never a head count
    tokens = doc[figure.start : figure.end]
    labels = {token.ent_type_ for token in tokens} - {""}
    if labels & vocab.excluded_labels:
        if any(label != "DATE" for label in labels & vocab.excluded_labels):
            return True
        # NER often calls `between 20 and 30` or `two half-brothers` a DATE: it is one when
        # the entity also holds a name (`June 5`) or a unit of time (`25-year-old`, `two years ago`).
        others = [
            t
            for t in _entity_tokens(doc, figure.start, figure.end)
            if not figure.start - 1 <= t.i < figure.end
        ]
        if any(t.pos_ == "PROPN" or _is(t, vocab.not_counted | vocab.not_after_counted) for t in others):
            return True
        if figure.value_high is None and _YEAR.match(doc[figure.end - 1].text):
            return True
    identifies = root.dep_ in {"nummod", "appos", "compound", "npadvmod", "nmod", "quantmod"}
    if identifies and root.head.i < figure.start and root.head.pos_ in {"NOUN", "PROPN"}:
        return True  # `Resolution 2254`, `Route 66`: a number after its noun names, it does not count
    if figure.start > 0 and doc[figure.start - 1].lower_ in vocab.not_counted:
        return True
    if figure.end < len(doc) and doc[figure.end].lower_ in vocab.not_counted:
        return True
    if any(0 <= i < len(doc) and doc[i].text == "/" for i in (figure.start - 1, figure.end)):
        return True
    return _looks_like_age(doc, figure)


def _entity_tokens(doc: Doc, start: int, end: int) -> list[Token]:
    """The tokens of the entities that overlap tokens `start:end`.

    Read from the tokens' IOB tags around the range: `doc.ents` walks the whole document,
    which made every figure cost as much as the article.
    """
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return [token for token in doc[start:end] if token.ent_iob_ in {"B", "I"}]


def _measures_distance(counted: Token, vocab: MeasureVocabulary) -> bool:
    """`five buildings away`, `three years ago`: the figure measures a distance or a time."""
    following = counted.i + 1
    return following < len(counted.doc) and counted.doc[following].lower_ in vocab.not_after_counted


def _looks_like_age(doc: Doc, figure: _Figure) -> bool:
    """`John Smith, 25, was ...`: a number set off by commas right after a name."""
    before = figure.start - 1
    after = figure.end
    return (
        before > 0
        and after < len(doc)
        and doc[before].text == ","
        and doc[after].text == ","
        and doc[before - 1].ent_type_ == "PERSON"
    )


def _lemma(token: Token) -> str:
    return token.lemma_.lower()


def _is(token: Token, words: frozenset[str]) -> bool:
    return _lemma(token) in words or token.lower_ in words


def _bearer(token: Token) -> Token:
    """The token whose dependency gives the clause role: `Aleppo, and dozens of towns` is `Aleppo`'s."""
    seen = 0
    while token.dep_ == "conj" and token.head.pos_ in _NOUNS and seen < 10:
        token = token.head
        seen += 1
    return token


def _measure_for(
    counted: Token, bearer: Token, partitive: bool, vocab: MeasureVocabulary
) -> tuple[Measure, Token] | None:
    """The base measure the parse ties the counted tokens to, and the trigger word."""
    for measure in vocab.measures.values():
        if measure.refines is not None:
            continue
        trigger = _trigger(measure, counted, bearer, partitive)
        if trigger is None or (measure.counted is not None and not _is(counted, measure.counted)):
            continue
        return None if _denied(trigger, counted, vocab) else (measure, trigger)
    return None


def _denied(trigger: Token, counted: Token, vocab: MeasureVocabulary) -> bool:
    """`nearly killed`, `not injured`, `attempting to murder`, `might have been killed`, `prior arrests`.

    Each says that nothing happened, or not yet, or not for sure.
    """
    if any(c.dep_ in {"advmod", "neg"} and c.lower_ in vocab.negators for c in trigger.children):
        return True
    node = trigger
    for _ in range(len(trigger.doc)):
        if any(c.dep_ == "aux" and c.lower_ in vocab.modal_auxiliaries for c in node.children):
            return True
        if node.dep_ in _CLAUSES or node.head.i == node.i:
            break
        node = node.head
    if any(c.dep_ == "amod" and _is(c, vocab.irrealis_verbs) for c in trigger.children):
        return True  # `two attempted murders`
    node = trigger
    while node.dep_ in _COMPLEMENTS and node.head.i != node.i:
        node = node.head
        if _is(node, vocab.irrealis_verbs):
            return True  # `attempted to kill two guards`, `conspiracy to commit eight murders`
    return trigger.i == counted.i and any(
        c.dep_ == "amod" and c.lower_ in vocab.past_modifiers for c in trigger.children
    )


def _trigger(measure: Measure, counted: Token, bearer: Token, partitive: bool) -> Token | None:
    """The word of `measure` that counts these tokens, by the shapes listed in measures.json.

    In a partitive (`two of the men arrested`) the words describing `the men`
    say nothing about the two, so only the figure's own role counts there.
    """
    # `over 250 fatalities`, and `3 dead` where the parser took the adjective for a noun.
    if _is(counted, measure.nouns) or _is(counted, measure.adjectives):
        return counted
    describing = (bearer,) if partitive or counted.i == bearer.i else (counted, bearer)
    for token in describing:
        for child in token.children:
            if child.dep_ in {"amod", "acl"} and _is(child, measure.adjectives):
                return child
            if child.dep_ == "acl" and _participle_counts(child, measure):
                return child
            if child.dep_ == "relcl" and _relative_counts(child, measure):
                return child
    head = bearer.head
    role = bearer.dep_
    if head.i == bearer.i:
        return None
    if role in _SUBJECTS and _is(head, measure.adjectives):
        return head
    if head.pos_ in {"VERB", "AUX"}:
        found = _verb_trigger(measure, role, head, bearer.like_num, bearer.i > head.i)
        if found is not None:
            return found
    if role == "pobj":
        return _prepositional_trigger(measure, bearer, head)
    return None


def _participle_counts(verb: Token, measure: Measure) -> bool:
    """`400 killed`, `people displaced` (passive participle), `people fleeing` (active)."""
    if verb.tag_ == "VBN":
        return _is(verb, measure.object_verbs) or _is(verb, measure.adjectives) or _has_result(verb, measure)
    return verb.tag_ == "VBG" and _is(verb, measure.subject_verbs)


def _relative_counts(verb: Token, measure: Measure) -> bool:
    """`people who died`, `people who were killed`."""
    deps = {child.dep_ for child in verb.children}
    if "nsubjpass" in deps and (_is(verb, measure.object_verbs) or _has_result(verb, measure)):
        return True
    if "nsubj" in deps and _is(verb, measure.subject_verbs):
        return True
    return any(child.dep_ in {"acomp", "oprd"} and _is(child, measure.adjectives) for child in verb.children)


def _has_result(verb: Token, measure: Measure) -> bool:
    """`burnt to death`, `stabbed to death`: any verb with a result phrase of the measure."""
    for phrase in measure.result_phrases:
        for child in verb.children:
            if child.lower_ == phrase[0] and any(
                obj.dep_ == "pobj" and _is(obj, frozenset(phrase[1:])) for obj in child.children
            ):
                return True
    return False


def _verb_trigger(
    measure: Measure, role: str, verb: Token, bearer_is_figure: bool, bearer_after: bool
) -> Token | None:
    """The trigger when the counted tokens are the verb's subject or object."""
    complements = [c for c in verb.children if c.dep_ in {"acomp", "oprd", "xcomp", "attr", "ccomp"}]
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    # Headlines (`Kills 10`) and split numbers (`wounding around 1 , 400`) hang the figure off the verb.
    after_verb = role == "appos" and bearer_after  # `Kills 2 Women`
    if role in {"dobj", "nsubjpass", "nummod"} or after_verb or (role == "npadvmod" and bearer_is_figure):
        if _is(verb, measure.object_verbs) or _particle_phrase(measure, verb) or _has_result(verb, measure):
            return verb
        for complement in complements:
            if _is(complement, measure.adjectives):
                return complement
            if role == "nsubjpass" and complement.tag_ == "VBN" and _is(complement, measure.object_verbs):
                return complement
            if role == "dobj" and complement.dep_ == "xcomp" and _is(complement, measure.subject_verbs):
                return complement
    if role == "nsubj":
        if _is(verb, measure.subject_verbs) or (not objects and _has_result(verb, measure)):
            return verb
        # `five hurt`, `12 others injured`: a passive with its auxiliary left out.
        if _is(verb, measure.object_verbs) and not objects and _bare_participle(verb):
            return verb
        if _is(verb, measure.experiencer_verbs) and any(_is(o, measure.nouns) for o in objects):
            return verb
        passive = _subjectless_passive(verb, measure)
        if passive is not None:
            return passive
        for complement in complements:
            if complement.dep_ in {"acomp", "attr", "oprd"} and _is(complement, measure.adjectives):
                return complement
            passive = complement.tag_ == "VBN" and _is(complement, measure.object_verbs)
            if passive and complement.dep_ in {"acomp", "oprd"}:
                return complement
            # `residents had to be evacuated`
            if passive and any(c.dep_ == "auxpass" for c in complement.children):
                return complement
            if complement.dep_ == "xcomp" and _is(complement, measure.subject_verbs):
                return complement
    if role in {"attr", "dobj", "npadvmod", "oprd"} and _toll_of(verb, measure):
        return verb
    return None


def _subjectless_passive(verb: Token, measure: Measure) -> Token | None:
    """`60 people spent the night in a church after being evacuated`: the subject is the one counted."""
    for child in verb.children:
        clauses = [child] if child.dep_ == "advcl" else [c for c in child.children if c.dep_ == "pcomp"]
        for clause in clauses:
            deps = {c.dep_ for c in clause.children}
            if "auxpass" in deps and not deps & _SUBJECTS and _is(clause, measure.object_verbs):
                return clause
    return None


def _bare_participle(verb: Token) -> bool:
    """`five hurt`: a participle without auxiliary; `has killed` and `were evacuating` are active."""
    return verb.tag_ in {"VBN", "VBD"} and not any(
        child.dep_ in {"aux", "auxpass"} for child in verb.children
    )


def _toll_of(verb: Token, measure: Measure) -> bool:
    """`the death toll rose to 42`, `officials put the toll at 42`."""
    return bool(measure.toll_nouns) and any(
        child.dep_ in {"nsubj", "nsubjpass", "dobj"} and _is(child, measure.toll_nouns)
        for child in verb.children
    )


def _prepositional_trigger(measure: Measure, bearer: Token, prep: Token) -> Token | None:
    """`a toll of 42`, `rose to 42`, `take control of 8 settlements`, `with 14,000 people fleeing`."""
    owner = prep.head
    if prep.lower_ == "of" and (_is(owner, measure.toll_nouns) or _is(owner, measure.nouns)):
        return owner
    if prep.lower_ in {"to", "at"} and owner.pos_ in {"VERB", "AUX"} and _toll_of(owner, measure):
        return owner
    if _object_phrase(measure, bearer, prep):
        return prep
    if prep.lower_ == "with":
        for clause in owner.children:
            if (
                clause.dep_ in {"advcl", "conj", "acl"}
                and clause.i > bearer.i
                and not any(child.dep_ in _SUBJECTS for child in clause.children)
                and _participle_counts(clause, measure)
            ):
                return clause
    return None


def _particle_phrase(measure: Measure, verb: Token) -> bool:
    """`took over 3 towns`: a two-word phrase of the measure, a verb and its particle."""
    return any(
        len(phrase) == 2
        and _lemma(verb) == phrase[0]
        and any(child.dep_ == "prt" and child.lower_ == phrase[1] for child in verb.children)
        for phrase in measure.phrases
    )


def _object_phrase(measure: Measure, bearer: Token, prep: Token) -> bool:
    """`took control of 12 villages`: a verb, its object and a preposition, however the parser hung `of`."""
    for phrase in measure.phrases:
        if len(phrase) != 3 or prep.lower_ != phrase[2]:
            continue
        verb_word, noun_word = phrase[0], phrase[1]
        owner = prep.head
        if _lemma(owner) == noun_word and _lemma(owner.head) == verb_word and owner.dep_ == "dobj":
            return True
        if _lemma(owner) == verb_word and any(
            child.dep_ == "dobj" and _lemma(child) == noun_word for child in owner.children
        ):
            return True
    return False


def _refined(base: Measure, counted: Token, vocab: MeasureVocabulary) -> tuple[str, Token | None]:
    """`72 civilians` killed is `civilians_killed`; the word that refined it, if any."""
    candidates = [counted, *(c for c in counted.children if c.dep_ in {"amod", "compound"})]
    for measure in vocab.measures.values():
        if measure.refines != base.name:
            continue
        for token in candidates:
            if _is(token, measure.subjects):
                return measure.name, token
    return base.name, None


def _subject_text(
    text: str, counted: Token, root: Token, refiner: Token | None, vocab: MeasureVocabulary
) -> str | None:
    """Who is counted as written (`insurgents`, `gang members`, `towns and villages`); none for `people`."""
    if refiner is not None and refiner.i != counted.i:
        return text[refiner.idx : refiner.idx + len(refiner.text)]
    if counted.i == root.i or counted.pos_ == "PRON" or _is(counted, vocab.generic_subjects):
        return None
    if any(_is(counted, m.nouns) or _is(counted, m.adjectives) for m in vocab.measures.values()):
        return None
    first = counted
    doc = counted.doc
    while first.i - 1 > root.i and counted.is_ancestor(doc[first.i - 1]):
        previous = doc[first.i - 1]
        if previous.text == "-" and first.i - 2 > root.i and counted.is_ancestor(doc[first.i - 2]):
            first = doc[first.i - 2]  # `half - brothers`
        elif previous.dep_ == "compound":
            first = previous  # `gang members`
        else:
            break
    last = counted
    for child in counted.children:
        if child.dep_ == "conj" and child.pos_ in {"NOUN", "PROPN"} and child.i > last.i:
            if any(grand.dep_ in {"nummod", "det"} for grand in child.children):
                break
            last = child
    return text[first.idx : last.idx + len(last.text)]


def _find(
    doc: Doc, text: str, figure: _Figure, vocab: MeasureVocabulary, found: list[_Found]
) -> _Found | None:
    """The measure a figure counts, directly or as part of an earlier figure (`including 72 civilians`)."""
    root = _root_of(doc, figure)
    if _is_excluded(doc, figure, root, vocab):
        return None
    counted, via_of = _counted_noun(doc, figure, root)
    if _is(counted, vocab.not_counted) or _measures_distance(counted, vocab):
        return None
    partitive = via_of and (
        counted.pos_ == "PRON"
        or any(
            c.dep_ in {"det", "poss"} and c.lower_ in vocab.partitive_determiners for c in counted.children
        )
    )
    if partitive and figure.value == 1:
        return None
    if doc[figure.start : figure.end].text.lower() in vocab.pronoun_numbers and counted.i == root.i:
        return None  # `when one is killed`: a pronoun, not a count
    bearer = _bearer(root if via_of or counted.i == root.i else counted)
    parent = _parent(bearer, partitive, found, vocab)
    hit = None if parent is not None else _measure_for(counted, bearer, partitive, vocab)
    if parent is not None:
        base = vocab.measures[_base_of(parent.measure, vocab)]
        trigger = parent.trigger
    elif hit is not None:
        base, trigger = hit
    else:
        return None
    measure, refiner = _refined(base, counted, vocab)
    if parent is not None and refiner is None:
        measure = parent.measure
    subject = _subject_text(text, counted, root, refiner, vocab)
    return _Found(figure, measure, counted, root, trigger, subject, parent)


def _base_of(measure: str, vocab: MeasureVocabulary) -> str:
    return vocab.measures[measure].refines or measure


def _parent(
    bearer: Token, partitive: bool, found: Sequence[_Found], vocab: MeasureVocabulary
) -> _Found | None:
    """The claim a figure is part of: `including at least 72 civilians`, `injuring 40, 15 of them on Qeshm`.

    It is the earlier claim whose counted noun, figure or trigger the part hangs from.
    """
    if bearer.dep_ == "pobj" and _is(bearer.head, vocab.inclusion_words):
        owner = bearer.head.head
    elif partitive and bearer.dep_ in {"appos", "conj", "npadvmod"}:
        owner = bearer.head
    else:
        return None
    for candidate in reversed(found):
        if owner.i in {candidate.counted.i, candidate.anchor.i, candidate.trigger.i}:
            return candidate
    return None


# --------------------------------------------------------------------------- qualifiers


def _qualifier(
    doc: Doc, figure: _Figure, counted: Token, vocab: MeasureVocabulary
) -> tuple[int, int, str | None]:
    """The figure's span widened to its qualifier (`more than 400`), and the qualifier's canonical form."""
    start, end = figure.start, figure.end
    inside = set(range(figure.start, figure.end))
    qualifier = None
    for phrase, canonical in sorted(vocab.qualifiers.items(), key=lambda kv: -len(kv[0])):
        begin = figure.start - len(phrase)
        if begin < 0 or not _matches(doc, begin, phrase):
            continue
        words = doc[begin : figure.start]
        attached = {counted.i, *inside}
        if any(word.head.i in attached for word in words):
            start, qualifier = begin, canonical
            break
    for phrase, canonical in sorted(vocab.suffix_qualifiers.items(), key=lambda kv: -len(kv[0])):
        if _matches(doc, figure.end, phrase):
            end = figure.end + len(phrase)
            qualifier = qualifier or canonical
            break
    return start, end, qualifier or figure.implied_qualifier


# --------------------------------------------------------------------------- attribution


def _attribution(text: str, anchor: Token, vocab: MeasureVocabulary) -> str | None:
    """Who the clause credits: `according to X`, `X said`, `X claimed`; none when the outlet asserts it."""
    fallback: Token | None = None
    previous = anchor
    node = anchor
    for _ in range(len(anchor.doc)):
        source = _according_to(node, vocab)
        reports = node.i != anchor.i and _is(node, vocab.attribution_verbs) and node.pos_ in {"VERB", "AUX"}
        if source is None and reports:
            # Coming up through a subject, the verb has a source only if it has another subject after
            # it: `the quake killed 42 people, officials said`, parsed with two subjects.
            source = _speaker(node, previous)
            if previous.dep_ in _SUBJECTS and source is not None and source.i < previous.i:
                source = None
        if source is None:
            source = _reporting_aside(node, anchor, vocab)
        if source is not None:
            if source.pos_ != "PRON":
                return _source_text(text, source)
            fallback = fallback or source
        if node.head.i == node.i or _is_aside(node):
            break
        previous, node = node, node.head
    if fallback is None:
        return None
    if fallback.lower_ in _PRONOUN_PEOPLE:
        named = _last_named_source(fallback, vocab)
        if named is not None:
            return _source_text(text, named)
    return text[fallback.idx : fallback.idx + len(fallback.text)]


def _is_aside(node: Token) -> bool:
    """`the war, which has been going on since 2012`: a comma-set relative clause is the outlet's gloss."""
    return node.dep_ == "relcl" and node.left_edge.i > 0 and node.doc[node.left_edge.i - 1].text == ","


def _according_to(node: Token, vocab: MeasureVocabulary) -> Token | None:
    for child in node.children:
        for phrase in vocab.attribution_phrases:
            if child.lower_ != phrase[0]:
                continue
            current: Token | None = child
            for word in phrase[1:]:
                current = next((c for c in current.children if c.lower_ == word), None) if current else None
            if current is not None:
                source = next((c for c in current.children if c.dep_ == "pobj"), None)
                if source is not None:
                    return source
    return None


def _speaker(verb: Token, came_from: Token) -> Token | None:
    """The subject of a reporting verb nearest before it, other than the clause reported."""
    subjects = [c for c in verb.children if c.dep_ == "nsubj" and c.i != came_from.i]
    before = [c for c in subjects if c.i < verb.i]
    return before[-1] if before else next(iter(subjects), None)


def _reporting_aside(node: Token, anchor: Token, vocab: MeasureVocabulary) -> Token | None:
    """`42 died, police said` when the parser hangs `said` under the claim's verb."""
    for child in node.children:
        aside = child.dep_ == "parataxis" or (child.dep_ == "conj" and child.i > anchor.i)
        if not aside or not _is(child, vocab.attribution_verbs):
            continue
        if not any(grand.dep_ == "ccomp" for grand in child.children):
            source = _speaker(child, node)
            if source is not None and not any(t.i == anchor.i for t in source.subtree):
                return source
    return None


def _last_named_source(pronoun: Token, vocab: MeasureVocabulary) -> Token | None:
    """`he added`: the last person named as the subject of a reporting verb before the pronoun."""
    for token in reversed(pronoun.doc[: pronoun.i]):
        if _is(token, vocab.attribution_verbs) and token.pos_ == "VERB":
            subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
            if subject is not None and any(t.ent_type_ == "PERSON" for t in subject.subtree):
                return subject
    return None


def _source_text(text: str, head: Token) -> str | None:
    """The source's name: its words up to the head, and after it until a comma or a clause about it.

    A person is named without title (`Qeshm island governor Heydar Alishbandi` is `Heydar
    Alishbandi`), and a description yields to the name set beside it (`the governor of Qeshm,
    Mehdi Irannejad`).
    """
    doc = head.doc
    if head.ent_type_ != "PERSON":
        head = next((c for c in head.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"), head)
    if head.ent_type_ == "PERSON":
        person = _entity_tokens(doc, head.i, head.i + 1)
        return text[person[0].idx : person[-1].idx + len(person[-1].text)]
    start = head.left_edge.i
    end = head.i + 1
    stop_at = head.right_edge.i + 1
    while end < stop_at:
        token = doc[end]
        if token.text in _SOURCE_STOPS or token.is_space or _in_clause_of(token, head):
            break
        end += 1
    while end - 1 > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    while start < end and (doc[start].is_punct or doc[start].is_space):
        start += 1
    if start >= end:
        return None
    return text[doc[start].idx : doc[end - 1].idx + len(doc[end - 1].text)]


def _in_clause_of(token: Token, head: Token) -> bool:
    current = token
    while current.i != head.i and current.head.i != current.i:
        if current.dep_ in _SOURCE_CLAUSES:
            return True
        current = current.head
    return False


# --------------------------------------------------------------------------- war start


@dataclass(frozen=True)
class _WarYear:
    start: int
    end: int
    value: float


def _war_years(doc: Doc, published: date | None, vocab: MeasureVocabulary) -> list[_WarYear]:
    """Start years of a war: stated (`since 2012`, `in 2011`), implied (`fourteenth year`, `12-year war`)."""
    war = vocab.war
    found = []
    for token in doc:
        if _YEAR.match(token.text) and _states_war_start(token, war):
            found.append(_WarYear(token.i, token.i + 1, float(token.text)))
            continue
        if published is None:
            continue
        ordinal = _ordinal_value(doc, token, vocab)
        if ordinal is not None and _is(token.head, war.year_nouns) and _war_near(token.head, war):
            found.append(_WarYear(token.i, token.head.i + 1, float(published.year - ordinal + 1)))
            continue
        years = _duration_years(token, vocab)
        if years is not None:
            found.append(_WarYear(token.i, token.head.i + 1, float(published.year - years)))
    return found


def _states_war_start(year: Token, war: WarRules) -> bool:
    """`the war, which has been going on since 2012`, `sparked a civil war in 2011`, `the 2011 uprising`."""
    if year.dep_ in {"nummod", "compound", "amod"} and _is(year.head, war.war_nouns):
        return True
    prep = year.head
    if year.dep_ != "pobj" or prep.i == year.i:
        return False
    since = _is(prep, war.since_words)
    if not since and not _is(prep, war.in_words):
        return False
    owner = prep.head
    if owner.pos_ in {"NOUN", "PROPN"}:
        if since and _is(owner, war.war_nouns):
            return True
        return _is(owner, war.start_nouns) and _has_war_of(owner, war)
    if owner.pos_ not in {"VERB", "AUX"} or not (since or _is(owner, war.start_verbs)):
        return False
    for child in owner.children:
        if child.dep_ in {"nsubj", "nsubjpass", "dobj"} and _is(child, war.war_nouns):
            return True
    relative = any(c.dep_ in _SUBJECTS and c.tag_ in {"WDT", "WP"} for c in owner.children)
    return relative and owner.dep_ == "relcl" and _war_ancestor(owner.head, war, hops=3)


def _has_war_of(noun: Token, war: WarRules) -> bool:
    return any(
        child.lower_ == "of" and any(_is(obj, war.war_nouns) for obj in child.children)
        for child in noun.children
    )


def _war_ancestor(token: Token, war: WarRules, hops: int) -> bool:
    current = token
    for _ in range(hops + 1):
        if _is(current, war.war_nouns):
            return True
        if current.head.i == current.i:
            return False
        current = current.head
    return False


def _ordinal_value(doc: Doc, token: Token, vocab: MeasureVocabulary) -> int | None:
    """`fourteenth` -> 14, `14th` -> 14, `twenty-first` -> 21."""
    match = _ORDINAL_DIGITS.match(token.text)
    if match:
        return int(match.group(1))
    value = vocab.ordinals.get(token.lower_)
    if value is None:
        return None
    if token.i >= 2 and doc[token.i - 1].text == "-" and doc[token.i - 2].lower_ in vocab.number_words:
        return None
    if token.i + 2 < len(doc) and doc[token.i + 1].text == "-" and doc[token.i + 2].lower_ in vocab.ordinals:
        tens = vocab.number_words.get(token.lower_)
        return int(tens + vocab.ordinals[doc[token.i + 2].lower_]) if tens else None
    return value


def _war_near(year_noun: Token, war: WarRules) -> bool:
    """`the Syrian conflict, now in its fourteenth year`: the war is an ancestor or the noun just before."""
    if _war_ancestor(year_noun, war, hops=4):
        return True
    for ancestor in year_noun.ancestors:
        if any(c.dep_ in _SUBJECTS and _is(c, war.war_nouns) for c in ancestor.children):
            return True
    for token in reversed(year_noun.doc[: year_noun.left_edge.i]):
        if token.pos_ in {"NOUN", "PROPN"}:
            return _is(token, war.war_nouns)
        if token.pos_ not in {"PUNCT", "ADV", "ADP", "PRON", "DET", "SPACE"}:
            return False
    return False


def _duration_years(token: Token, vocab: MeasureVocabulary) -> int | None:
    """`the 12-year war`, `the 13-year-old conflict`, `12 years of war`: how long the war has lasted."""
    war = vocab.war
    if token.text.isdecimal():
        years = int(token.text)
    elif token.lower_ in vocab.number_words:
        years = int(vocab.number_words[token.lower_])
    else:
        return None
    if token.dep_ != "nummod" or not _is(token.head, war.year_nouns) or token.head.i < token.i:
        return None
    noun = token.head
    described = noun.head
    if _is(described, war.duration_adjectives) and described.head.i > described.i:
        described = described.head
    if (
        described.i > noun.i
        and noun.dep_ in {"compound", "amod", "nmod", "npadvmod"}
        and _is(described, war.war_nouns)
    ):
        return years
    return years if _has_war_of(noun, war) else None


# --------------------------------------------------------------------------- claims


def extract_claims(
    article_id: str,
    text: str,
    doc: Doc,
    sentences: Sequence[SentenceSpan],
    published: date | None,
    vocabulary: MeasureVocabulary,
) -> list[Claim]:
    """The claims of one article; `text` is `articles.text`, `doc` its parse, `published` its date."""
    if len(doc) == 0 or not doc.has_annotation("DEP"):
        return []
    spans = list(sentences) or [SentenceSpan(0, 0, len(text), "body")]
    claims: dict[str, Claim] = {}
    found: list[_Found] = []
    claim_of: dict[int, Claim] = {}
    for figure in _figures(doc, vocabulary):
        hit = _find(doc, text, figure, vocabulary, found)
        if hit is None:
            continue
        start, end, qualifier = _qualifier(doc, figure, hit.counted, vocabulary)
        parent = claim_of.get(id(hit.parent))
        claim = _claim(
            article_id,
            text,
            spans,
            doc[start:end],
            measure=hit.measure,
            value=figure.value,
            value_high=figure.value_high,
            unit=vocabulary.measures[hit.measure].unit,
            qualifier=qualifier,
            attributed_to=parent.attributed_to if parent else _attribution(text, hit.anchor, vocabulary),
            subject=hit.subject,
            parent_claim_id=parent.claim_id if parent else None,
        )
        if claim is not None:
            found.append(hit)
            claim_of[id(hit)] = claims[claim.claim_id] = claim
    for year in _war_years(doc, published, vocabulary):
        claim = _claim(
            article_id,
            text,
            spans,
            doc[year.start : year.end],
            measure="war_start_year",
            value=year.value,
            value_high=None,
            unit=vocabulary.war.unit,
            qualifier=None,
            attributed_to=_attribution(text, doc[year.start], vocabulary),
            subject=None,
            parent_claim_id=None,
        )
        if claim is not None and claim.claim_id not in claims:
            claims[claim.claim_id] = claim
    return sorted(claims.values(), key=lambda claim: (claim.number_start, claim.number_end))


def _claim(
    article_id: str,
    text: str,
    spans: Sequence[SentenceSpan],
    figure: Span,
    *,
    measure: str,
    value: float,
    value_high: float | None,
    unit: str | None,
    qualifier: str | None,
    attributed_to: str | None,
    subject: str | None,
    parent_claim_id: str | None,
) -> Claim | None:
    """A claim whose figure is `figure`, in the sentence that holds it; none outside every sentence."""
    number_start, number_end = figure.start_char, figure.end_char
    sentence = _sentence(spans, number_start)
    if sentence is None:
        return None
    return Claim(
        claim_id=f"{article_id}:{number_start}-{number_end}",
        article_id=article_id,
        sentence_id=sentence.sentence_id,
        start_char=sentence.start_char,
        end_char=sentence.end_char,
        text=text[sentence.start_char : sentence.end_char],
        measure=measure,
        value=value,
        value_high=value_high,
        unit=unit,
        qualifier=qualifier,
        attributed_to=attributed_to,
        subject=subject,
        number_start=number_start,
        number_end=number_end,
        number_text=text[number_start:number_end],
        parent_claim_id=parent_claim_id,
    )


def _sentence(spans: Sequence[SentenceSpan], start_char: int) -> SentenceSpan | None:
    """The sentence holding `start_char`; none when it lies outside every sentence (furniture)."""
    index = bisect_right(spans, start_char, key=lambda s: s.start_char) - 1
    span = spans[index] if index >= 0 else None
    if span is None or not span.start_char <= start_char < span.end_char:
        return None
    return span


def _as_date(value: object) -> date | None:
    """A cell of `articles.published_date` as a date (Parquet and pandas hand back several types)."""
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    return value if isinstance(value, date) else None


def claims_table(
    articles: pd.DataFrame,
    sentences: pd.DataFrame,
    docs: Iterable[tuple[str, Doc]],
    vocabulary: MeasureVocabulary | None = None,
) -> pd.DataFrame:
    """The `claims` table: every article's claims, one row per `Claim`."""
    vocabulary = vocabulary or default_vocabulary()
    texts = dict(zip(articles["article_id"], articles["text"], strict=True))
    dates = dict(zip(articles["article_id"], articles["published_date"], strict=True))
    spans = spans_by_article(sentences)
    rows = []
    for article_id, doc in docs:
        found = extract_claims(
            article_id,
            texts[article_id],
            doc,
            spans.get(article_id, []),
            _as_date(dates[article_id]),
            vocabulary,
        )
        rows.extend(asdict(claim) for claim in found)
    return pd.DataFrame(rows, columns=[field.name for field in fields(Claim)])
