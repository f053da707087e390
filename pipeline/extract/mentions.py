"""Named-entity mentions from a parsed article, before cross-document resolution.

Beyond spaCy's entities this stage adds what one document can tell on its
own: acronyms it defines (`Hayat Tahrir al-Sham, or HTS`) and their later
uses, `X regime` as a government rather than the person X, a capital that
acts (`Washington urged`) as an organisation rather than the city, a city
or state that beats, signs or loses (`Indianapolis beat Kansas City`) as
an organisation, its team, a town before `police` (`Staunton police
said`) as its police force, a person's name read as a place in an
article that names a clinic after them (`checked into Betty Ford`) as
that facility, a place written with its kind first (`the island of
Qeshm`) or its kind in lower case after it (`Qeshm island`) as one
mention with it, and, as candidates a later stage keeps only if they
resolve against other documents, bare acronyms and runs of capitalised
words the model left untagged. A lone word capitalised only because it
opens a sentence, which the article writes elsewhere as a common noun
(`Police say`), is no name, nor is a noun for a person by role or kin the
article never capitalises in running text (`Man held after ...`,
`Lawyer: ...`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields

import pandas as pd
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span, Token

from pipeline.extract.sentences import SentenceSpan, sentence_at, spans_by_article
from pipeline.gazetteer import capital_country, country_code
from pipeline.parse.names import known_city, known_region
from pipeline.text import (
    NameRules,
    default_rules,
    default_spelling,
    looks_like_acronym,
    matches_acronym,
    name_key,
)

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
# A token of a web address: `www.nydailynews.com`, `http`, `/`.
_WEB_ADDRESS = re.compile(r"/|www|https?")
# Quote marks as tokenised text writes them (`` and ''), which the parser may read as one or two tokens.
_QUOTES = frozenset({"`", "``", "''"})
_TRAILING = frozenset({"'s", "'", "s'", ".", ",", ";", ":", "-", '"', "(", ")", *_QUOTES})
# Marks around a nickname inside a person's name: `Vincent "The Chin" Gigante`, `Kimani ( Kiki ) Gray`.
_NICKNAME_OPEN = frozenset({"(", '"', "'", "`", "``", "‘", "“"})
_NICKNAME_CLOSE = frozenset({")", '"', "'", "''", "’", "”"})
_NICKNAME_MAX_WORDS = 3
# Roles of a place name that make it act or be acted on: a team, not a city (`Indianapolis beat Kansas City`);
# the parser reads an object before a score as an adverbial (`beat Houston 23-20`).
_ACTOR_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "npadvmod"})
# Prepositions whose object is an opponent (`a win over Jacksonville`).
_OPPONENT_PREPOSITIONS = frozenset({"over", "against", "vs", "vs.", "versus"})
# A side's wins and losses in brackets after its name: `North Carolina (10-0)`, `Creighton ( 25 - 7 )`.
_WIN_LOSS_RECORD = re.compile(r"\s*\(\s*\d{1,3}\s*-\s*\d{1,3}(?:\s*-\s*\d{1,3})?\s*\)")
_PLACE_LABELS = frozenset({"GPE", "LOC"})
_DATELINE_MARKS = frozenset({"(", "—", "–", "-", "--", ",", ":"})
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
    common_nouns = _common_nouns(doc)
    written_as_names = _written_as_names(doc)
    spans: dict[tuple[int, int], tuple[str, str | None, bool]] = {}
    for ent in _join_nicknames(_join_initials(_join_split_names(doc.ents))):
        if ent.label_ not in NAMED_LABELS:
            continue
        span = _trim(ent, rules)
        if (
            span is None
            or _capitalised_common_noun(span, common_nouns)
            or _role_noun(span, written_as_names, rules)
        ):
            continue
        span, label = _police_force(*_government(span, ent.label_, rules), rules)
        span, label = _named_facility(span, label, rules)
        label = _competing_place(span, _acting_capital(span, label), rules)
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
        if _has_a_name(doc[start:end].text) and not _capitalised_common_noun(doc[start:end], common_nouns):
            spans[(start, end)] = ("ORG", None, True)
    spans = _with_kind_after(doc, _with_kind_first(doc, spans, rules), rules)

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


def _join_initials(ents: Sequence[Span]) -> list[Span]:
    """Names with initials whose periods stand apart (`John W . Henry`, `A . J . Burnett`, `U . S . Navy`).

    Text tokenised word by word writes `U.S.` as `U . S .`; the model then
    cuts a name at a period (`John W` / `Henry`) or tags a letter alone (`U`).
    """
    if not ents:
        return list(ents)
    doc = ents[0].doc
    run_at = {i: run for run in _initials_runs(doc) for i in range(*run)}
    starting = {ent.start: ent for ent in ents}
    joined: list[Span] = []
    for ent in ents:
        if joined and ent.start < joined[-1].end:
            continue  # taken into the name before it
        start = _start_with_initials(ent, run_at)
        while joined and joined[-1].start >= start:
            joined.pop()  # a letter of the abbreviation tagged on its own
        if joined and joined[-1].end > start:
            start = ent.start
        if ent.label_ == "PERSON":
            end = _person_end(ent, run_at, starting)
        else:
            end = _abbreviation_end(ent, run_at, starting)
        unchanged = (start, end) == (ent.start, ent.end)
        joined.append(ent if unchanged else Span(doc, start, end, label=ent.label_))
    return joined


def _start_with_initials(ent: Span, run_at: dict[int, tuple[int, int]]) -> int:
    """Initials right before a name belong to it, unless they stand before a person's full name.

    `A . J . Burnett`, `U . S . Department of Agriculture`; but in `D . A .
    Lowell Anger` they are a title.
    """
    run = run_at.get(ent.start - 1)
    if run is None or (ent.label_ == "PERSON" and len(ent) > 1):
        return ent.start
    return run[0]


def _person_end(ent: Span, run_at: dict[int, tuple[int, int]], starting: dict[int, Span]) -> int:
    """A person's name runs on through middle initials into the surname: `John W` `.` `Henry`.

    The surname is the word after the initials, whatever the model labelled
    it, unless it starts a longer name of another kind.
    """
    doc = ent.doc
    run = run_at.get(ent.end - 1) or run_at.get(ent.end)
    if run is None or run[1] >= len(doc) or not _name_word(doc[run[1]]):
        return ent.end
    following = starting.get(run[1])
    if following is None:
        return run[1] + 1
    return following.end if following.label_ == "PERSON" or len(following) == 1 else ent.end


def _abbreviation_end(ent: Span, run_at: dict[int, tuple[int, int]], starting: dict[int, Span]) -> int:
    """A letter tagged alone stands for its whole abbreviation and the name after it (`U . S . Marshals`)."""
    doc = ent.doc
    run = run_at.get(ent.end - 1)
    if run is None or run[0] > ent.start:
        return ent.end
    end = run[1]
    if end in starting:
        return starting[end].end
    while end < len(doc) and end not in starting and _name_word(doc[end]):
        end += 1
    return end


def _initials_runs(doc: Doc) -> list[tuple[int, int]]:
    """`(start, end)` of each run of initials written apart from their periods: `U . S .`."""
    runs: list[tuple[int, int]] = []
    for i in range(len(doc) - 1):
        if _initial(doc, i):
            if runs and runs[-1][1] == i:
                runs[-1] = (runs[-1][0], i + 2)
            else:
                runs.append((i, i + 2))
    return runs


def _initial(doc: Doc, i: int) -> bool:
    """An initial at token `i` written apart from its period: `W` `.`."""
    return (
        0 <= i < len(doc) - 1 and len(doc[i].text) == 1 and doc[i].text.isupper() and doc[i + 1].text == "."
    )


def _join_nicknames(ents: Sequence[Span]) -> list[Span]:
    """One person written with a nickname between given name and surname: `Vincent 'The Chin' Gigante`.

    The model cuts such a name at the quotes and labels the pieces apart (the
    given name untagged, `Chin" Gigante` as a work of art). The pieces make
    one person when the model took the given name or the surname for a person
    and took neither for anything else.
    """
    if not ents:
        return list(ents)
    doc = ents[0].doc
    owner = {token: ent for ent in ents for token in range(ent.start, ent.end)}
    joined: list[Span] = []
    for start, end in _nickname_names(doc):
        given, last = owner.get(start), owner.get(end - 1)
        first = given.start if given is not None and given.end <= end - 1 else start
        pieces = {ent for ent in (given, last) if ent is not None}
        inside = {owner[token] for token in range(first, end) if token in owner}
        if (
            any(ent.label_ == "PERSON" for ent in pieces)
            and all(ent.label_ == "PERSON" or ent.start > start for ent in pieces)
            and all(first <= ent.start for ent in inside)
        ):
            joined.append(Span(doc, first, end, label="PERSON"))
    if not joined:
        return list(ents)
    taken = {token for span in joined for token in range(span.start, span.end)}
    kept = [ent for ent in ents if not taken.intersection(range(ent.start, ent.end))]
    return sorted([*kept, *joined], key=lambda span: span.start)


def _nickname_names(doc: Doc) -> list[tuple[int, int]]:
    """`(start, end)` of each capitalised word, quoted or bracketed nickname and capitalised word."""
    found = []
    for open_at in range(1, len(doc)):
        if doc[open_at].text not in _NICKNAME_OPEN or doc[open_at - 1].text in _NICKNAME_OPEN:
            continue
        first = open_at + 1
        while first < len(doc) and doc[first].text == "`":  # `` read as two tokens
            first += 1
        close_at = next(
            (i for i in range(first + 1, min(first + 1 + _NICKNAME_MAX_WORDS, len(doc) - 1))
             if doc[i].text in _NICKNAME_CLOSE),
            None,
        )  # fmt: skip
        if close_at is None:
            continue
        nickname = doc[first:close_at]
        given, last = doc[open_at - 1], doc[close_at + 1]
        after = doc[close_at + 2] if close_at + 2 < len(doc) else None
        if (
            _name_word(given)
            and _name_word(last)
            and not (after is not None and after.text[:1].isupper())
            and nickname[0].text[:1].isupper()
            and all(word.is_alpha for word in nickname)
        ):
            found.append((open_at - 1, close_at + 2))
    return found


def _name_word(token: Token) -> bool:
    return token.is_alpha and token.text[:1].isupper() and token.lower_ not in STOP_WORDS


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
    (a headline into its first sentence): the name ends there, as it does
    before a lower-case function word the model ran it into (`Banstead in`). A result
    (`Evansville 91-73`) is not part of the team's name. A span with no
    capitalised word, or with a slash, was read from a web address, not a name;
    a lone letter is a piece of an abbreviation written with spaces (`U . S .`).
    """
    doc = ent.doc
    start = ent.start
    end = next((token.i for token in ent if token.is_space), ent.end)
    while (
        start < end
        and not _initial(doc, start)
        and (doc[start].lower_ in rules.determiners or doc[start].is_punct or doc[start].text in _QUOTES)
    ):
        start += 1
    while end > start and (doc[end - 1].lower_ in _TRAILING or _trailing_function_word(doc[end - 1])):
        end -= 1
    if ent.label_ != "LAW" and _SCORE.search(doc[start:end].text):
        end = next((token.i for token in doc[start:end] if _SCORE_PART.match(token.text)), end)
    span = doc[start:end]
    if not any(token.text[:1].isupper() for token in span) or any(token.text == "/" for token in span):
        return None
    return span if _has_a_name(span.text) else None


def _common_nouns(doc: Doc) -> frozenset[str]:
    """The words the article writes in lower case as nouns in its running text (not in web addresses).

    Words of the people the article names in full are left out: `page` does
    not make `Page` a common noun where the article names `Bettie Page`.
    """
    in_names = {token.lower_ for ent in doc.ents if ent.label_ == "PERSON" and len(ent) > 1 for token in ent}
    return frozenset(
        token.text
        for sentence in doc.sents
        if not any(_WEB_ADDRESS.search(token.text) for token in sentence)
        for token in sentence
        if token.is_lower and token.is_alpha and token.pos_ == "NOUN" and token.text not in in_names
    )


def _capitalised_common_noun(span: Span, common_nouns: frozenset[str]) -> bool:
    """A lone word capitalised only because it opens a sentence or headline, and a noun in the article.

    The model tags such words as names (`Police say ...`, `Lawyer: Lohan ...`,
    `Bank torched`); the same word written `police` or `lawyer` in the
    article's running text shows it is the common noun.
    """
    words = [token for token in span if token.is_alpha]
    if len(words) != 1:
        return False
    word = words[0]
    opens = not any(token.is_alpha for token in span.doc[span.sent.start : word.i])
    return (opens or _title_case(span.sent)) and word.lower_ in common_nouns


def _written_as_names(doc: Doc) -> frozenset[str]:
    """The words the article capitalises where case tells a name: inside running text.

    A capital letter says nothing at a sentence's start, in a title-case
    headline, in a run of words shouted in capitals (`A MAN was`) or in a web
    address; an acronym among lower-case words (`ESPN`) is written as a name.
    """
    words = set()
    for sentence in doc.sents:
        if _title_case(sentence) or any(_WEB_ADDRESS.search(token.text) for token in sentence):
            continue
        opening = True
        for token in sentence:
            if token.is_alpha and not opening and token.text[:1].isupper() and not _shouted(token):
                words.add(token.lower_)
            opening = opening and not token.is_alpha
    return frozenset(words)


def _shouted(token: Token) -> bool:
    """A word in a run of words written all in capitals."""
    doc = token.doc
    neighbours = [doc[i] for i in (token.i - 1, token.i + 1) if 0 <= i < len(doc)]
    return token.is_upper and any(other.is_alpha and other.is_upper for other in neighbours)


def _role_noun(span: Span, written_as_names: frozenset[str], rules: NameRules) -> bool:
    """A lone noun for a person by role or kin, which the article capitalises only where case tells nothing.

    Headlines name people by what they are (`Man held after sister and
    mother murdered`, `Lawyer: Lohan checks into rehab`, `Swimmer And Actress
    Dies`) and tabloids shout a story's first words (`A MAN was last night`);
    the model takes the word for a name. It is left a capitalised run like any
    other, kept only if it names something labelled in its story. A surname
    that is also such a word is written capitalised in running text (`said
    Son was superb`), and stays a name.
    """
    words = [token.lower_ for token in span if token.is_alpha]
    if len(words) != 1 or words[0] in written_as_names:
        return False
    word = words[0]
    return any(form in rules.role_nouns for form in (word, word.removesuffix("s"), word.removesuffix("es")))


def _trailing_function_word(token: Token) -> bool:
    """A lower-case function word the model ran a name into (`Banstead in`, `National Player of`)."""
    return token.is_lower and token.text in STOP_WORDS


def _has_a_name(text: str) -> bool:
    """At least two letters or digits: a lone letter names nothing."""
    return sum(char.isalnum() for char in text) >= 2


def _government(span: Span, label: str, rules: NameRules) -> tuple[Span, str]:
    """`Assad regime` names a government: an organisation, not the person Assad."""
    doc = span.doc
    if label in {"PERSON", "GPE", "NORP"} and span.end < len(doc):
        following = doc[span.end]
        if following.lower_ in rules.government_nouns and span[-1].whitespace_ != "":
            return doc[span.start : span.end + 1], "ORG"
    return span, label


def _police_force(span: Span, label: str, rules: NameRules) -> tuple[Span, str]:
    """A place's name followed by `police` names that place's police force: `Staunton police said`.

    News writes a town's force as the town and the common noun; the model
    tags the town alone, often as a person, so the mention would join the
    town. The name must be tagged a place or be a known city or region:
    a nationality (`Greek police`) or a word opening a sentence (`Riot
    police`) stays as tagged.
    """
    doc = span.doc
    if span.end >= len(doc) or span[-1].whitespace_ == "" or doc[span.end].lower_ not in rules.police_nouns:
        return span, label
    if label in _PLACE_LABELS or (label != "NORP" and (known_city(span.text) or known_region(span.text))):
        return doc[span.start : span.end + 1], "ORG"
    return span, label


def _named_facility(span: Span, label: str, rules: NameRules) -> tuple[Span, str]:
    """A person's name read as a place is the facility named after them: `checked into Betty Ford`.

    Clinics and hospitals named after people go by the name alone. In an
    article that names the facility in full (`the Betty Ford Center`), the
    model still tags the bare name a person where it is somewhere one is
    (`at`, `in`, `into`), goes to or comes from (`going back to`, `out of`)
    or leaves or enters (`Lohan Leaves Betty Ford`); there it is the
    facility. A capitalised noun for a kind of facility right after the name
    is part of it (`Checks Into Betty Ford Rehab`), in any article. Its owner
    (`Betty Ford's husband`) or a subject (`Betty Ford said`) stays the
    person, as does the name in an article that names no such facility
    (`according to Woodward`).
    """
    if label != "PERSON":
        return span, label
    doc = span.doc
    end = span.end
    while end < len(doc) and doc[end].lower_ in rules.facility_nouns and doc[end].text[:1].isupper():
        end += 1
    if end > span.end:
        return doc[span.start : end], "FAC"
    root = span.root
    preposition, governor = root.head, root.head.head
    placed = root.dep_ == "pobj" and (
        preposition.lower_ in rules.place_prepositions
        or (
            preposition.lower_ in rules.movement_prepositions
            and governor.lemma_.lower() in rules.movement_words
        )
    )
    left = root.dep_ == "dobj" and preposition.lemma_.lower() in rules.leaving_verbs
    return (span, "FAC") if (placed or left) and _names_a_facility(span, rules) else (span, label)


def _names_a_facility(span: Span, rules: NameRules) -> bool:
    """Whether the article writes the name before a noun for a kind of facility: `Betty Ford Centre`."""
    spelling = default_spelling()
    followers = re.finditer(re.escape(span.text) + r"\s+([A-Za-z]+)", span.doc.text)
    return any(spelling.fold(word[1].lower()) in rules.facility_nouns for word in followers)


def _acting_capital(span: Span, label: str) -> str:
    """A capital that says, urges or warns speaks for its government: an organisation (`Washington urged`).

    The same name in a dateline or after a preposition is the city, and keeps its place label.
    """
    if label != "GPE" or capital_country(name_key(span.text)) is None:
        return label
    acting = span.root.dep_ in {"nsubj", "nsubjpass"} and span.root.head.pos_ == "VERB"
    return "ORG" if acting else label


def _competing_place(span: Span, label: str, rules: NameRules) -> str:
    """A place that beats, signs or loses stands for its team: an organisation (`Indianapolis beat Denver`).

    Sports reports name a team by its city or state: as the subject or object
    of a verb, an owner (`Jacksonville's defense`), what a side won over or
    played against (`a win over New Orleans`), with its win-loss record in
    brackets (`for North Carolina (10-0)`; at a line's start too, where it is
    no dateline), or where it modifies a sport or a
    side's play (`North Carolina basketball`, `the Denver defense`,
    `Creighton coach`). A state, not a city, after `at` is its university:
    one is `in` a state but `at` a school (`the scoring record at North
    Carolina`). After a locative preposition (`in Jacksonville`, `at Kansas
    City`), as another modifier (`the Jacksonville area`) or in a dateline it
    is the place, and keeps its label, as does a country or a capital, which
    resolve by their own keys. Resolution joins such a mention to its event's
    team named after the place, and leaves it with the place otherwise.
    """
    key = name_key(span.text)
    if label != "GPE" or country_code(key) is not None or capital_country(key) is not None:
        return label
    if _WIN_LOSS_RECORD.match(span.doc.text, span.end_char):
        return "ORG"
    if _dateline(span):
        return label
    root = span.root
    head = root.head
    if root.dep_ in _ACTOR_DEPS and head.pos_ == "VERB":
        return "ORG"
    if root.dep_ == "poss" or (root.dep_ == "pobj" and head.lower_ in _OPPONENT_PREPOSITIONS):
        return "ORG"
    if root.dep_ == "compound" and _sport_noun(head, rules):
        return "ORG"
    if root.dep_ == "pobj" and head.lower_ == "at" and known_region(span.text) and not known_city(span.text):
        return "ORG"
    return label


def _with_kind_first(
    doc: Doc, spans: dict[tuple[int, int], tuple[str, str | None, bool]], rules: NameRules
) -> dict[tuple[int, int], tuple[str, str | None, bool]]:
    """A place written with its kind first is one mention with it: `the island of Qeshm`, `City of Palmer`.

    The model tags the name alone, or cuts it (`Hawaiian` a people,
    `Gardens` untagged in `the city of Hawaiian Gardens`), and may tag the
    kind as a name of its own (`Island` an organisation in `Island of
    Qeshm`). The names side by side after `<kind> of` are the place's name,
    which the kind says is a place, unless one is in lower case (`the city
    of Flint police`); what was tagged with the kind before it
    (`Iranian` in `Iranian Island`) is left to resolution as an untagged
    run. A kind after `a` or `an` is one of many (`an island of Greece`), and
    a country keeps its own mention.
    """
    kinds = rules.place_nouns | rules.settlement_nouns
    spans = dict(spans)
    for kind in doc[:-2]:
        if kind.lower_ not in kinds or kind.pos_ not in {"NOUN", "PROPN"} or doc[kind.i + 1].lower_ != "of":
            continue
        if any(child.dep_ == "det" and child.lower_ in {"a", "an"} for child in kind.children):
            continue
        starting = {start: end for start, end in spans}
        first = end = kind.i + 2
        labels = []
        while end in starting:
            labels.append(spans[(end, starting[end])][0])
            end = starting[end]
        name = doc[first:end]
        if (
            not labels
            or "PERSON" in labels
            or any(token.is_lower and token.lower_ not in rules.connecting_words for token in name)
            or country_code(name_key(name.text)) is not None
        ):
            continue
        if any("\n" in token.text or "\n" in token.whitespace_ for token in doc[kind.i : end - 1]):
            continue
        for start in range(first, end):
            spans.pop((start, starting.get(start)), None)
        cut = next(((start, stop) for start, stop in spans if start <= kind.i < stop), None)
        if cut is not None:
            del spans[cut]
            if cut[0] < kind.i:
                spans[(cut[0], kind.i)] = ("ORG", None, True)
        place = "LOC" if kind.lower_ in rules.place_nouns else "GPE"
        place = labels[0] if labels[0] in _PLACE_LABELS else place
        spans[(kind.i, end)] = (place, None, False)
    return spans


def _with_kind_after(
    doc: Doc, spans: dict[tuple[int, int], tuple[str, str | None, bool]], rules: NameRules
) -> dict[tuple[int, int], tuple[str, str | None, bool]]:
    """A place's name before the noun for its kind takes the noun in: `Qeshm island`, `the Hudson river`.

    The model tags `Qeshm Island` whole but leaves the noun out when it is
    written in lower case. Only a name that modifies the noun it precedes
    does, and not a country's (`the Iran desert` is a desert of Iran), one
    with a kind of its own (`Indian Ocean islands`), or one before `a` noun
    (`a Gulf island` is one of many).
    """
    taken = {i for start, end in spans for i in range(start, end)}
    for (start, end), (label, acronym_of, candidate) in list(spans.items()):
        if end >= len(doc) or end in taken or doc[end - 1].whitespace_ != " ":
            continue
        kind, root = doc[end], doc[start:end].root
        if (
            kind.lower_ in rules.place_nouns
            and kind.text.islower()
            and root.dep_ == "compound"
            and root.head == kind
            and (label in _PLACE_LABELS or candidate)
            and not any(child.dep_ == "det" and child.lower_ in {"a", "an"} for child in kind.children)
            and name_key(doc[start:end].text).split()[-1] not in rules.place_nouns
            and country_code(name_key(doc[start:end].text)) is None
        ):
            del spans[(start, end)]
            spans[(start, end + 1)] = (label if label in _PLACE_LABELS else "LOC", acronym_of, False)
    return spans


def _sport_noun(token: Token, rules: NameRules) -> bool:
    """A noun of a sport or a side's play, or one such a noun modifies: `basketball`, `scoring record`."""
    modifiers = (child for child in token.children if child.dep_ in {"compound", "amod"})
    return token.lower_ in rules.sport_nouns or any(child.lower_ in rules.sport_nouns for child in modifiers)


def _dateline(span: Span) -> bool:
    """A place opening its line before a dash, a comma or an outlet in brackets: `INDIANAPOLIS (AP) —`."""
    doc = span.doc
    opens = span.start == 0 or "\n" in doc[span.start - 1].text or "\n" in doc[span.start - 1].whitespace_
    return opens and span.end < len(doc) and doc[span.end].text in _DATELINE_MARKS


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
) -> pd.DataFrame:
    """Mention candidates of every article, one row per `MentionCandidate`."""
    texts = dict(zip(articles["article_id"], articles["text"], strict=True))
    spans = spans_by_article(sentences)
    rows = []
    for article_id, doc in docs:
        found = extract_mentions(article_id, texts[article_id], doc, spans.get(article_id, []), rules)
        rows.extend(asdict(mention) for mention in found)
    return pd.DataFrame(rows, columns=[field.name for field in fields(MentionCandidate)])
