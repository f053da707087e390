"""Cross-document entity resolution: which mentions, in any article, name the same thing.

Mentions are linked by evidence that holds across outlets' styles:
- two mentions side by side name what other articles name with both
  (`Kathina` / `Thomas` where the model cut `Kathina Thomas` in two);
- the same key once spelling, case, diacritics, titles and determiners are
  folded away (`Spokesperson Miller` / `Miller`, `Hay’at` / `Hayat`, `Centre`
  / `Center`), and the common nouns an organisation's or work's name was run
  into (`People magazine`, `IRNA news agency`; a government noun stays, as
  the `Bush administration` is not Bush), whatever label the model gave each
  mention;
- a place written with its kind first as written with it last (`Persian
  Gulf Island of Qeshm` / `Qeshm Island`), a town, city or state as its
  name alone (`the City of Palmer` / `Palmer`);
- a country's names in every gazetteer spelling (`Türkiye` / `Turkey`), and a
  capital the extraction marked as acting for its government (`Washington
  urged`), while the same capital as a place (`WASHINGTON —`) stays the city;
- a city or state the extraction marked as standing for its team
  (`Indianapolis beat Kansas City`), each mention by itself, joins the one
  team named after it whose nickname its event names (`Indianapolis Colts`,
  `Colts`), and the place otherwise; a place's name the model cut off a
  body named after it (`Indianapolis` / `Colts`) joins the body by itself,
  so the place's other mentions stay the place;
- acronyms defined in an article, or implied by a long form in their event
  (`HTS`, `UNSCR 2254`, `THR` for `The Hollywood Reporter`), and in other
  stories only a long form so attested (`BBC` is not another story's
  `Banstead Baptist Church`), a long form read as written (`CIS Executive
  Committee` is no `CEC`); two letters, a school's initial and a `U`, are
  the one school of its event no gazetteer knows as a place, named for a
  team the event names (`CU` / `Creighton`, `Creighton Bluejays`);
- within an event, a body's names with the same words reordered, inflected
  or abbreviated (`Central Commission for Elections` / `Central Elections
  Commission`, `US Department of State` / `United States State Department`);
- a person's name the extraction read as a facility (`checked into Betty
  Ford`) joins the one facility of its event named after them (`Betty Ford
  Center`), and the person otherwise; the person's own mentions (`Betty
  Ford's husband`) stay the person, as a facility's label never outvotes a
  person's;
- two people the model ran into one mention across `and` are each their
  person (`Lopez and Carrasquillo`), and a body's name run into a member's
  rank ends at the rank, the name after it the member's (`Palmer Police
  Sergeant Ann Lee`);
- names of a body that differ only in the nouns for its kind of unit, in any
  story (`Staunton Police` / `Staunton Police Department`, `Betty Ford
  Clinic` / `Betty Ford Center`);
- a given name the model left untagged before a person's full name is part
  of it when someone of that surname goes by it (`Frederick` / `Cheney
  LaRue`, where others write `Frederick C. LaRue`);
- a lone surname or first name, however the model labelled it, is the person
  its article names in full (`Sean Payton` ... `Payton`, `Kathina Thomas` ...
  `Kathina`);
- short forms inside one *event*, a group of articles that name the same rare
  things: a bare surname or a team's last word (`Lohan`, `Colts`) joins the one
  longer name in the event it ends (`Lindsay Lohan`, `Indianapolis Colts`), a
  lone first name the one person of the event named in full with it, a
  singular its plural (`Colt`), a place without its kind the place
  (`Mediterranean` / `Mediterranean Sea`), a facility's name without its
  kind the facility (`Morningside`, also across events when the corpus has
  one such facility), a blended nickname its person (`LiLo`), a word with its
  letters typed out of order the word (`Turkeminstan`), and full names that
  differ only by initials, a shortened or familiar first name or a nickname
  (`Mark Felt` / `W. Mark Felt`, `Katie` / `Kathryn`, `Vincent "The Chin"
  Gigante`) join. Across events, the only two full names of a surname join
  when their given names are one letter apart (`Karolos` / `Carolos
  Papoulias`). Outside an event, a bare surname joins a full name only when
  the whole corpus has exactly one, so two people who share a surname stay
  apart, and an untagged capitalised word links nowhere.

Resolution reads only the candidate table, so candidates can be extracted per
batch of documents and resolved once over all of them.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from rapidfuzz.distance import Levenshtein
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from pipeline.gazetteer import capital_country, country_code
from pipeline.parse.names import known_city, known_region
from pipeline.reconcile.groups import UnionFind
from pipeline.text import (
    NameRules,
    default_rules,
    default_spelling,
    given_names_compatible,
    initials,
    looks_like_acronym,
    name_key,
    strip_legal_form,
    strip_titles,
    surname,
)

PERSON = "PERSON"
_SCOPE = "#"
# Fewest letters a clipped nickname keeps of the whole one before its `s` (`Bucs`, `Jags`).
_MIN_CLIPPED_STEM = 3
# Suffix of the node of a place's name that may stand for its team (`Indianapolis beat Kansas City`).
_AS_TEAM = "@team"
# Suffix of the node of a person's name read as the facility named after them (`checked into Betty Ford`).
_AS_FACILITY = "@facility"
_FACILITY = "FAC"
# Suffix of the node of a place's name cut off the name of a body named after it (`Indianapolis` / `Colts`).
_CUT_PIECE = "@cut"
_PLACE_LABELS = frozenset({"GPE", "LOC"})
_WORD = re.compile(r"\S+")
_SPACES = re.compile(r"\s+")
# An outlet's web address names the outlet: `People.com`, `TMZ . com`.
_DOMAIN = re.compile(r"\s?\.\s?(?:com|net|org)$", re.IGNORECASE)
# Initials written apart (`u s` in the key of `U . S . Navy`).
_SPACED_LETTERS = re.compile(r"\b[a-z](?: [a-z]\b)+")
# A nickname blended from the start of a given name and of a surname: `LiLo`, `J-Lo`, `A-Rod`.
_BLEND = re.compile(r"(?P<given>[A-Z][a-z]{0,3})-?(?P<last>[A-Z][a-z]{1,4})")
# Two names joined in one mention: `Lopez and Carrasquillo`.
_AND = re.compile(r"\s+and\s+")
# Labels whose names the model runs into the common nouns that describe them (`People magazine`).
_DESCRIBED_LABELS = frozenset({"ORG", "WORK_OF_ART", "PRODUCT"})
_LOWER_WORD = re.compile(r"\s+[a-z]+$")


@dataclass(frozen=True)
class ResolutionSettings:
    """How articles are grouped into events before short forms are resolved.

    Chosen on ECB+ train, whole and in corpora of a third of its topics: a
    share small enough to drop a story's own names from a corpus of a few
    hundred articles splits the story into pieces.
    """

    min_event_similarity: float = 0.35
    # A name found in more than this share of the articles says nothing about which event they report.
    max_name_share: float = 0.2
    # Corpora smaller than this keep every name as evidence.
    large_corpus: int = 40


def resolve_entities(
    candidates: pd.DataFrame, rules: NameRules | None = None, settings: ResolutionSettings | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Link mention candidates into entities.

    `candidates` has the columns of `MentionCandidate`. Returns the mentions
    (with `mention_id`, `entity_id`, the entity's `label` and the model's
    `ner_label`) and the entities, with the columns of `schema.py`. Candidates
    the model did not label (bare acronyms, proper-noun runs) are kept only
    when they resolve to an entity some labelled mention names, narrowed to
    the words that name it.
    """
    rules = rules or default_rules()
    settings = settings or ResolutionSettings()
    if candidates.empty:
        return _empty_mentions(), _empty_entities()
    frame = candidates.reset_index(drop=True).copy()
    frame["key"] = [
        _surface_key(t, label, rules) for t, label in zip(frame["text"], frame["ner_label"], strict=True)
    ]
    frame = _narrow_unlabelled(_attach_cut_given_names(_cut_ranks(frame, rules), rules), rules)
    if frame.empty:
        return _empty_mentions(), _empty_entities()
    frame["event"] = _events(frame, settings)
    votes = _label_votes(frame)
    name_words = _name_words_by_article(frame, votes, rules)
    places = {key for key, labels in votes.items() if _PLACE_LABELS & set(labels)}
    people = {key for key, labels in votes.items() if PERSON in labels}
    frame["node"] = [
        _node(row, rules, name_words.get(row.article_id, set()), places, people) for row in frame.itertuples()
    ]

    nodes = UnionFind()
    for node in frame["node"]:
        nodes.find(node)
    context = _Context(frame, nodes, votes, rules)
    _link_laws(context)
    _link_places_to_their_teams(context, name_words)
    _link_cut_names(context)
    _link_reworded_bodies(context)
    _link_acronyms(context)
    _link_full_names(context)
    _link_misspelt_names(context)
    _link_scrambled_words(context)
    _link_surnames(context)
    _link_heads(context)
    _link_plurals(context)
    _link_clipped_nicknames(context)
    _link_place_nouns(context)
    _link_unit_nouns(context)
    _link_facilities_by_their_names(context)
    _link_facilities_named_after_people(context)
    _link_blended_nicknames(context)
    _link_lone_names_across_events(context)

    frame["root"] = [nodes.find(node) for node in frame["node"]]
    labelled_roots = set(frame.loc[~frame["candidate"], "root"])
    frame = frame[frame["root"].isin(labelled_roots)].reset_index(drop=True)
    return _tables(frame, rules)


def _surface_key(text: str, label: str, rules: NameRules) -> str:
    """What a mention's name folds to: a person's name without titles, a country code, or a law."""
    if label in _DESCRIBED_LABELS:
        text = _without_description(text, rules)
    key = _join_letters(name_key(_DOMAIN.sub("", text), rules))
    if label == PERSON:
        return "name:" + _us_spelling(strip_titles(key, rules))
    if label == "ORG" and capital_country(key) is not None:
        # A capital acting as an organisation is its country's government (`Washington urged`).
        return "country:" + capital_country(key)
    if label in _PLACE_LABELS:
        key = _kind_last(key, rules)
    if label in _PLACE_LABELS or looks_like_acronym(text.replace(" ", "")):
        code = country_code(key)
        if code is not None:
            return "country:" + code
    if label == "LAW":
        return "law:" + key
    return "name:" + _us_spelling(strip_legal_form(key, rules))


def _kind_last(key: str, rules: NameRules) -> str:
    """A place written with its kind first folds as written with it last: `island of qeshm` -> `qeshm island`.

    A town, city or state so written is the name alone (`city of palmer` ->
    `palmer`), as `Palmer City` may be another place. Words before the kind
    say where the place lies (`persian gulf island of qeshm`, `iranian
    island of qeshm`) and go.
    """
    words = key.split()
    for at, word in enumerate(words[:-2]):
        if words[at + 1] != "of" or not (word in rules.place_nouns or word in rules.settlement_nouns):
            continue
        name = words[at + 2 :]
        while len(name) > 1 and name[0] in rules.determiners:
            name = name[1:]
        return " ".join(name if word in rules.settlement_nouns else [*name, word])
    return key


def _without_description(text: str, rules: NameRules) -> str:
    """A name without the common nouns the model ran it into: `People magazine`, `IRNA news agency`.

    A government or police noun stays: the `Bush administration` is not Bush, nor `Staunton police` Staunton.
    """
    while True:
        tail = _LOWER_WORD.search(text)
        if tail is None or tail.group().strip() in rules.government_nouns | rules.police_nouns:
            return text
        text = text[: tail.start()]


def _us_spelling(key: str) -> str:
    """British spellings in a name fold to US ones: `Betty Ford Centre` is `Betty Ford Center`."""
    spelling = default_spelling()
    return " ".join(spelling.fold(word) for word in key.split())


def _join_letters(key: str) -> str:
    """Initials written apart fold as written together: `u s navy` -> `us navy`, like `U.S. Navy`."""
    return _SPACED_LETTERS.sub(lambda match: match.group().replace(" ", ""), key)


def _bare(key: str) -> str:
    return key.split(_SCOPE, 1)[0].split(":", 1)[1]


def _is_full_name(key: str, rules: NameRules) -> bool:
    return len([word for word in _bare(key).split() if word not in rules.name_particles]) >= 2


def _cut_ranks(frame: pd.DataFrame, rules: NameRules) -> pd.DataFrame:
    """A body's name the model ran into a member's rank ends at the rank; a name after it is the member's.

    `Oregon State Police Lt` is the `Oregon State Police`, and `Palmer
    Police Sergeant Ann Lee` names the `Palmer Police` and the person `Ann
    Lee`. A rank opening a name, or after a function word (`Office of the
    Chief Medical Examiner`), is part of it.
    """
    ranks = "|".join(re.escape(rank) for rank in sorted(rules.rank_titles))
    ranked = (
        ~frame["candidate"].astype(bool)
        & (frame["ner_label"] != PERSON)
        & frame["text"].str.contains(rf"(?i)\b(?:{ranks})\b", regex=True)
    ).to_numpy()
    if not ranked.any():
        return frame.reset_index(drop=True)
    # Rows keep their order: a cut row where it was, its member right after it.
    order = np.arange(len(frame)) * 2
    rows, row_order = [], []
    for position, row in zip(order[ranked], frame[ranked].to_dict("records"), strict=True):
        cut = _rank_at(row["text"], rules)
        if cut is None:
            rows.append(row)
            row_order.append(position)
            continue
        body, member = cut
        text = row["text"][: body.end()]
        rows.append(
            {
                **row,
                "text": text,
                "key": _surface_key(text, row["ner_label"], rules),
                "end_char": row["start_char"] + len(text),
            }
        )
        row_order.append(position)
        if member is not None:
            name = row["text"][member.start() :]
            rows.append(_person_row(row, member.start(), name, _surface_key(name, PERSON, rules)))
            row_order.append(position + 1)
    combined = pd.concat([frame[~ranked], pd.DataFrame(rows, columns=frame.columns)], ignore_index=True)
    positions = np.concatenate([order[~ranked], np.array(row_order, dtype=order.dtype)])
    return combined.iloc[np.argsort(positions, kind="stable")].reset_index(drop=True)


def _rank_at(text: str, rules: NameRules) -> tuple[re.Match[str], re.Match[str] | None] | None:
    """The last word of the body before the first rank in `text`, and the first word of a name after it."""
    words = list(_WORD.finditer(text))
    for position, word in enumerate(words[1:], start=1):
        before = words[position - 1].group()
        if word.group().lower().rstrip(".") not in rules.rank_titles or not before[:1].isupper():
            continue
        rest = [other for other in words[position + 1 :] if other.group() != "."]
        named = len(rest) >= 2 and all(other.group()[:1].isupper() for other in rest)
        return words[position - 1], rest[0] if named else None
    return None


def _attach_cut_given_names(frame: pd.DataFrame, rules: NameRules) -> pd.DataFrame:
    """A given name the model left untagged right before a person's full name is part of that name.

    The model, or the sentence splitter, may cut `Frederick` off `Frederick
    Cheney LaRue` and tag `Cheney LaRue` alone; the word is a given name when
    someone of that surname is named in full with it first (`Frederick C.
    LaRue`, `Fred LaRue`), so the mention becomes `Frederick Cheney LaRue`.
    A role word (`Deputy Ken Salazar`) is no one's given name.
    """
    labelled = frame[~frame["candidate"]]
    people = {_bare(key) for key in _person_keys(labelled, rules) if _is_full_name(key, rules)}
    given_by_surname: dict[str, set[str]] = defaultdict(set)
    for name in people:
        given_by_surname[surname(name, rules)].add(name.split()[0])
    # Mentions one character apart: a space, or a line break the splitter may have put a sentence end at.
    person_at = {
        (row.article_id, row.start_char): row.Index
        for row in labelled.itertuples()
        if row.key.startswith("name:") and _bare(row.key) in people
    }
    merged: dict[int, int] = {}
    for row in frame[frame["candidate"]].itertuples():
        person = person_at.get((row.article_id, row.end_char + 1))
        word = name_key(row.text, rules)
        if person is None or len(word.split()) != 1 or word in rules.name_particles:
            continue
        last = surname(_bare(frame.at[person, "key"]), rules)
        if any(
            given_names_compatible(f"{word} {last}", f"{given} {last}", rules)
            for given in given_by_surname[last]
        ):
            merged[person] = row.Index
    frame = frame.copy()
    for person, row in merged.items():
        text = f"{frame.at[row, 'text']} {frame.at[person, 'text']}"
        frame.at[person, "text"] = text
        frame.at[person, "start_char"] = frame.at[row, "start_char"]
        frame.at[person, "key"] = _surface_key(text, PERSON, rules)
    return frame.drop(index=list(merged.values())).reset_index(drop=True)


def _narrow_unlabelled(frame: pd.DataFrame, rules: NameRules) -> pd.DataFrame:
    """Narrow each unlabelled proper-noun run to the words in it that name something labelled.

    The model misses names in title-case headlines and at sentence starts
    (`Lindsay Lohan Checks Into Rehab`, `Colts Beat Chiefs`); the same name
    labelled elsewhere, a country's name, or the last word of a labelled name
    (`Colts`), says which words of the run are names. Runs that name nothing
    known are dropped; bare acronyms are kept for acronym resolution.
    """
    labelled = frame[~frame["candidate"]]
    known = {key for key in labelled["key"] if key.startswith(("name:", "country:"))}
    for key, label in zip(labelled["key"], labelled["ner_label"], strict=True):
        if key.startswith("name:") and label not in _PLACE_LABELS and _is_full_name(key, rules):
            known.add("name:" + _bare(key).split()[-1])
    stems = _unit_stems(known, rules)
    facilities = _facility_words(labelled, rules)

    def is_known(key: str) -> bool:
        # A headline's `Betty Ford Clinic` is the body articles name `Betty Ford Center`.
        bare = key.split(":", 1)[1]
        return (
            key in known
            or bare in facilities
            or (bare.split()[-1] in rules.unit_nouns and _unit_stem(bare, rules) in stems)
        )

    people = _person_keys(labelled, rules)
    rows = []
    for row in frame.to_dict("records"):
        pair = None if row["candidate"] else _coordinated_people(row["text"], people, rules)
        if pair:
            rows.extend(_person_row(row, offset, text, key) for offset, text, key in pair)
            continue
        if not row["candidate"] or looks_like_acronym(row["text"]):
            rows.append(row)
            continue
        for offset, text, key in _known_spans(row["text"], is_known, rules):
            start = row["start_char"] + offset
            rows.append({**row, "text": text, "key": key, "start_char": start, "end_char": start + len(text)})
    return pd.DataFrame(rows, columns=frame.columns)


def _facility_words(labelled: pd.DataFrame, rules: NameRules) -> set[str]:
    """Single words that are all of a labelled facility's name but its kind (`Promises` Treatment Center).

    The model leaves such a word untagged in running text (`she went to
    Promises on Tuesday`); capitalised there, it names the facility.
    """
    words = set()
    for key, label in zip(labelled["key"], labelled["ner_label"], strict=True):
        bare = key.split(":", 1)[1]
        if key.startswith("name:") and label != PERSON and bare.split()[-1] in rules.facility_nouns:
            stem = _unit_stem(bare, rules, keep=1)
            if len(stem.split()) == 1 and stem != bare:
                words.add(stem)
    return words


def _unit_stems(known: set[str], rules: NameRules) -> set[str]:
    """Known bodies' names without the nouns for their kind of unit, where two words or more are left."""
    stems = {_unit_stem(_bare(key), rules) for key in known if _bare(key).split()[-1] in rules.unit_nouns}
    return {stem for stem in stems if len(stem.split()) >= 2}


def _person_row(row: dict, offset: int, text: str, key: str) -> dict:
    """One side of a mention split in two: its text and span, labelled a person."""
    start = row["start_char"] + offset
    return {
        **row,
        "text": text,
        "key": key,
        "ner_label": PERSON,
        "start_char": start,
        "end_char": start + len(text),
    }


def _person_keys(labelled: pd.DataFrame, rules: NameRules) -> set[str]:
    """The keys the model mostly labels a person, and the surnames of those named in full."""
    people = {key for key, labels in _label_votes(labelled).items() if labels.most_common(1)[0][0] == PERSON}
    return people | {"name:" + surname(_bare(key), rules) for key in people if _is_full_name(key, rules)}


def _coordinated_people(text: str, people: set[str], rules: NameRules) -> list[tuple[int, str, str]] | None:
    """`(offset, text, key)` of the two people in one mention the model ran across `and`.

    `Lopez and Carrasquillo`, `Woodward and Bernstein`: each side alone is a
    person the corpus names. Names of organisations with `and` in them
    (`Fish and Wildlife Service`, `Palmer Fire and Rescue`) stay whole, as
    their sides are no people.
    """
    joint = _AND.search(text)
    if joint is None:
        return None
    sides = [(0, text[: joint.start()]), (joint.end(), text[joint.end() :])]
    keys = [_surface_key(side, PERSON, rules) for _, side in sides]
    if not all(key in people for key in keys):
        return None
    return [(offset, side, key) for (offset, side), key in zip(sides, keys, strict=True)]


def _known_spans(text: str, is_known: Callable[[str], bool], rules: NameRules) -> list[tuple[int, str, str]]:
    """`(offset, text, key)` of the runs of whole words in `text` whose key is known, longest first.

    Runs do not overlap, and start and end on a word with a letter or digit.
    """
    words = list(_WORD.finditer(text))
    free = [True] * len(words)
    found = []
    for length in range(len(words), 0, -1):
        for first in range(len(words) - length + 1):
            last = first + length - 1
            if not all(free[first : last + 1]) or not (_wordlike(words[first]) and _wordlike(words[last])):
                continue
            start, end = words[first].start(), words[last].end()
            key = _run_key(text[start:end], rules)
            if is_known(key):
                found.append((start, text[start:end], key))
                free[first : last + 1] = [False] * length
    return sorted(found)


def _wordlike(word: re.Match[str]) -> bool:
    return any(char.isalnum() for char in word.group())


def _run_key(text: str, rules: NameRules) -> str:
    """The key of words in an unlabelled run: a country, else a name."""
    key = _join_letters(name_key(text, rules))
    code = country_code(key)
    return "country:" + code if code is not None else "name:" + _us_spelling(key)


def _events(frame: pd.DataFrame, settings: ResolutionSettings) -> pd.Series:
    """An event id per mention: articles linked by the rare names they share.

    Each article is a TF-IDF vector of its labelled mentions' keys; pairs
    whose cosine similarity reaches the threshold are linked and events are
    the connected groups. Names common across a large corpus (`US`, `AP`)
    are dropped first, so only specific names link articles.
    """
    labelled = frame[~frame["candidate"]]
    article_ids = sorted(set(frame["article_id"]))
    names = labelled.groupby("article_id")["key"].agg(list).reindex(article_ids)
    documents = [value if isinstance(value, list) else [] for value in names]
    max_df = settings.max_name_share if len(article_ids) >= settings.large_corpus else 1.0
    vectorizer = TfidfVectorizer(analyzer=lambda keys: keys, sublinear_tf=True, max_df=max_df)
    try:
        vectors = normalize(vectorizer.fit_transform(documents))
    except ValueError:  # no name left to compare by
        vectors = sp.csr_matrix((len(article_ids), 0))
    similarity = (vectors @ vectors.T).tocoo()
    linked = similarity.data >= settings.min_event_similarity
    graph = sp.coo_matrix(
        (np.ones(linked.sum()), (similarity.row[linked], similarity.col[linked])),
        shape=(len(article_ids), len(article_ids)),
    )
    _, labels = connected_components(graph, directed=False)
    event_of = {article_id: f"event{label}" for article_id, label in zip(article_ids, labels, strict=True)}
    return frame["article_id"].map(event_of)


def _label_votes(frame: pd.DataFrame) -> dict[str, Counter[str]]:
    """The labels the model gave each key, in the order it gave them, people's names read as people.

    The model often labels a person's full name an organisation where it
    stands in a headline or opens a sentence (`Bettie Page`, `Peyton
    Manning`); a full name it labels a person at least once, whose surname
    alone it mostly labels a person, is counted a person.
    """
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for key, label, candidate in zip(frame["key"], frame["ner_label"], frame["candidate"], strict=True):
        if not candidate:
            votes[key][label] += 1
    for key, labels in list(votes.items()):
        words = _bare(key).split()
        alone = votes.get("name:" + words[-1]) if len(words) >= 2 else None
        if (
            PERSON in labels
            and labels.most_common(1)[0][0] != PERSON
            and alone
            and alone.most_common(1)[0][0] == PERSON
        ):
            labels[PERSON] = max(labels.values()) + 1
    return votes


def _name_words_by_article(
    frame: pd.DataFrame, votes: dict[str, Counter[str]], rules: NameRules
) -> dict[str, set[str]]:
    """The surnames of the people each article names in full, and the given names of the plainly named.

    A name is a person's by the labels it gets across the corpus, so one
    mention labelled otherwise does not hide it. A first name alone can only
    be told from a place or a team (`Surrey` / `Surrey Police` taken for a
    person) when the full name is a plain given name and surname the model
    always labels a person, and the surname alone names a person too.
    """
    words: dict[str, set[str]] = defaultdict(set)
    for key, article_id in zip(frame["key"], frame["article_id"], strict=True):
        labels = votes.get(key)
        if labels and labels.most_common(1)[0][0] == PERSON and _is_full_name(key, rules):
            words[article_id].add(surname(_bare(key), rules))
            if _plain_person(key, votes):
                words[article_id].add(_given_name(key))
    return words


def _plain_person(key: str, votes: dict[str, Counter[str]]) -> bool:
    """A given name and a surname, always labelled a person, the surname alone mostly labelled a person."""
    names = _bare(key).split()
    last = votes.get("name:" + names[-1])
    return (
        len(names) == 2
        and set(votes.get(key, ())) == {PERSON}
        and bool(last)
        and last.most_common(1)[0][0] == PERSON
    )


def _given_name(key: str) -> str:
    return _bare(key).split()[0]


def _names_a_person(row: object, rules: NameRules, name_words: set[str]) -> bool:
    """Whether a lone word stands for a person: labelled so, or part of the name of someone its article names.

    The model often misses or mislabels a surname or first name standing
    alone (`Payton` as a place, a sentence-initial `Hansbrough` untagged); after
    `Sean Payton` in the same article it is him, unless the model took it for
    a known place (`Jackson`).
    """
    if _is_full_name(row.key, rules) or not row.key.startswith("name:"):
        return False
    if row.ner_label == PERSON:
        return True
    if _bare(row.key) not in name_words:
        return False
    return row.ner_label not in _PLACE_LABELS or not known_city(row.text)


def _node(row: object, rules: NameRules, name_words: set[str], places: set[str], people: set[str]) -> str:
    """The union-find node a mention starts in: its key, scoped to where its meaning holds.

    Countries, laws and names of two words or more mean the same everywhere.
    A lone surname or first name, or an acronym an article defines, means
    what it means in that article; any other single word (`Saints`, `Police`)
    what it means in its event. A place's name labelled an organisation
    (`Indianapolis beat Kansas City`) may be its team, so it starts apart
    from the place, in its article, as does a person's name the extraction
    read as a facility (`checked into Betty Ford`).
    """
    key = row.key
    if _acts_for_a_team(row, places):
        return f"{key}{_SCOPE}{row.article_id}{_AS_TEAM}"
    if row.ner_label == _FACILITY and key in people and _is_full_name(key, rules):
        return f"{key}{_SCOPE}{row.article_id}{_AS_FACILITY}"
    return _place_node(row, rules, name_words)


def _acts_for_a_team(row: object, places: set[str]) -> bool:
    """An organisation named like a place the model labels a place elsewhere, or a known city."""
    return (
        row.ner_label == "ORG"
        and not row.candidate
        and row.key.startswith("name:")
        and (row.key in places or known_city(row.text))
    )


def _place_node(row: object, rules: NameRules, name_words: set[str]) -> str:
    key = row.key
    if key.startswith(("country:", "law:")):
        return key
    if isinstance(row.acronym_of, str) or _names_a_person(row, rules, name_words):
        return f"{key}{_SCOPE}{row.article_id}"
    if len(_bare(key).split()) == 1 or _is_generic(key, rules):
        return f"{key}{_SCOPE}{row.event}"
    return key


def _is_generic(key: str, rules: NameRules) -> bool:
    """Whether a name says only what kind of body it is, not which one: `Supreme Court`, `Daily News`.

    Every country, state and city has its `Supreme Court`, `Interior
    Ministry`, `Communist Party` or `Daily News`, so such a name means what
    it means in its story, like a single word. It needs a noun for the kind
    of body (`Democratic` or `Interior` alone is not one); a name with one
    word of its own (`Greek Parliament`, `White House`, `Red Cross`) is one
    body everywhere.
    """
    words = [word for word in _bare(key).split() if word not in rules.connecting_words]
    nouns = rules.generic_body_nouns | rules.government_nouns | rules.unit_nouns
    return any(word in nouns for word in words) and all(
        word in nouns or word in rules.generic_body_qualifiers for word in words
    )


def _mostly_a_person(labels: Counter[str]) -> bool:
    """Whether the model labels a name a person more than anything but a facility.

    Clinics and buildings are named after people (`checked into Betty Ford`),
    so a facility's label on a name does not outvote the person.
    """
    others = Counter({label: count for label, count in labels.items() if label != _FACILITY})
    return bool(others) and others.most_common(1)[0][0] == PERSON


class _Context:
    """The frame, the union-find over its nodes, and lookups every linking step shares."""

    def __init__(
        self, frame: pd.DataFrame, nodes: UnionFind, votes: dict[str, Counter[str]], rules: NameRules
    ) -> None:
        self.frame = frame
        self.nodes = nodes
        self.rules = rules
        self.labels = votes
        top_label = {key: labels.most_common(1)[0][0] for key, labels in votes.items()}
        self.person_keys = {key for key, labels in votes.items() if _mostly_a_person(labels)}
        self.place_keys = {key for key, label in top_label.items() if label in _PLACE_LABELS}
        self.event_of_article = dict(zip(frame["article_id"], frame["event"], strict=False))
        # Full names (global nodes) by event and by article, for short forms to resolve against.
        self.full_names_by_event: dict[str, set[str]] = defaultdict(set)
        # In order of first mention.
        self.full_names_by_article: dict[str, list[str]] = defaultdict(list)
        # Single words scoped to an article or an event, by event.
        self.words_by_event: dict[str, set[str]] = defaultdict(set)
        in_order = frame.sort_values(["article_id", "start_char"])
        listed: set[tuple[str, str]] = set()
        for node, key, article_id, event in zip(
            in_order["node"], in_order["key"], in_order["article_id"], in_order["event"], strict=True
        ):
            # A name that says only what kind of body it is (`Supreme Court`) is a full name of its event.
            in_scope = node in (key, f"{key}{_SCOPE}{event}")
            if in_scope and node.startswith("name:") and len(_bare(node).split()) >= 2:
                self.full_names_by_event[event].add(node)
                if (article_id, node) not in listed:
                    listed.add((article_id, node))
                    self.full_names_by_article[article_id].append(node)
            elif _SCOPE in node and len(_bare(node).split()) == 1:
                self.words_by_event[event].add(node)
        # People named in full, by surname: in each event, and in each article in order of first mention.
        self.people_by_event: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for event, names in self.full_names_by_event.items():
            for name in names:
                if self.is_person(name):
                    self.people_by_event[event][surname(_bare(name), rules)].add(name)
        self.people_by_article: dict[tuple[str, str], list[str]] = defaultdict(list)
        for article_id, names in self.full_names_by_article.items():
            for name in names:
                if self.is_person(name):
                    self.people_by_article[(article_id, surname(_bare(name), rules))].append(name)
        self.acronym_nodes = set(frame.loc[frame["acronym_of"].notna(), "node"])

    @cached_property
    def teams_by_place(self) -> dict[str, set[str]]:
        """The nicknames of teams named after a place, by the place; built once, as three steps read it."""
        return _teams_by_place(self)

    def is_person(self, key: str) -> bool:
        return key in self.person_keys

    def is_place(self, key: str) -> bool:
        return key in self.place_keys

    def join_if_unique(self, node: str, targets: Iterable[str]) -> bool:
        """Join `node` to `targets` when they are all one entity already; whether it did."""
        roots = {self.nodes.find(target) for target in targets}
        if len(roots) != 1:
            return False
        self.nodes.union(node, next(iter(roots)))
        return True

    def unique_rows(self, column: str = "node") -> Iterator[tuple[str, str, str, str]]:
        """`(node, key, article_id, event)` once per distinct node and article."""
        seen = set()
        for node, key, article_id, event in zip(
            self.frame[column], self.frame["key"], self.frame["article_id"], self.frame["event"], strict=True
        ):
            if (node, article_id) not in seen:
                seen.add((node, article_id))
                yield node, key, article_id, event


def _link_laws(context: _Context) -> None:
    """`Resolution 2254`, `UN Security Council Resolution, 2254` and `UNSCR 2254` are one instrument."""
    rules = context.rules
    law_keys = sorted({key for key in context.frame["key"] if key.startswith("law:")})
    # Names of numbered instruments written out in full (`united nations ... resolution`), to expand `UNSCR`.
    long_names = {" ".join(_bare(key).split()[:-1]) for key in law_keys if len(_bare(key).split()) > 2}
    for key in law_keys:
        words = _bare(key).split()
        if len(words) < 2 or not words[-1].isdigit():
            continue
        number, name = words[-1], words[:-1]
        noun = name[-1] if name[-1] in rules.instrument_nouns else None
        if noun is None and len(name) == 1:
            expansions = {
                long.split()[-1]
                for long in long_names
                if long.split()[-1] in rules.instrument_nouns and initials(long, rules) == name[0].upper()
            }
            noun = next(iter(expansions)) if len(expansions) == 1 else None
        if noun is not None:
            context.nodes.union(key, f"law:{noun} {number}")


def _link_places_to_their_teams(context: _Context, name_words: dict[str, set[str]]) -> None:
    """A place's name acting for a team joins the one team of its event named after it, else the place.

    `Indianapolis` that beats someone is the `Indianapolis Colts` where its
    event names the `Colts`: a team goes by its nickname. Any article may
    name the team in full, in one mention or cut in two (`North Carolina` /
    `Tar Heels`). Each such mention joins the team by itself, so the city's
    own mentions (`in Indianapolis`) stay with the city, and the team with
    the team. A name no gazetteer knows as a place is a school or club the
    model took for one (`Creighton`): all its mentions in the event are the
    team.
    """
    frame = context.frame
    nicknames = context.teams_by_place
    nodes = set(frame["node"])
    by_event: dict[str, dict[str, list[str]]] = {}
    for row in frame[frame["node"].str.endswith(_AS_TEAM)].itertuples():
        place = _bare(row.key)
        if row.event not in by_event:
            by_event[row.event] = _event_nodes_by_key(context, row.event)
        named = by_event[row.event]
        # The team's full name where some article writes it whole, else its nickname's node in the event.
        teams = []
        for nickname in sorted(nicknames.get(place, ())):
            if f"name:{nickname}" in named:
                full = f"name:{place} {nickname}"
                teams.append([full] if full in nodes else named[f"name:{nickname}"])
        if len(teams) == 1 and len(teams[0]) == 1:
            context.nodes.union(row.node, teams[0][0])
            if not (known_city(row.text) or known_region(row.text)):
                context.nodes.union(f"{row.key}{_SCOPE}{row.event}", teams[0][0])
        else:
            place_node = _place_node(row, context.rules, name_words.get(row.article_id, set()))
            context.nodes.union(row.node, place_node)


def _teams_by_place(context: _Context) -> dict[str, set[str]]:
    """The nicknames of teams named after a place, by the place: in one name, or two side by side."""
    teams: dict[str, set[str]] = defaultdict(set)
    place_keys = {key for key, labels in context.labels.items() if _PLACE_LABELS & set(labels)}
    places = {_bare(key) for key in place_keys}
    for name in set().union(*context.full_names_by_event.values()):
        words = _bare(name).split()
        if context.is_person(name) or context.is_place(name):
            continue
        for cut in range(1, len(words)):
            place, nickname = " ".join(words[:cut]), " ".join(words[cut:])
            if place in places and _nickname(nickname, context.rules):
                teams[place].add(nickname)
    for first, second in _side_by_side(context.frame):
        place, nickname = _bare(first), _bare(second)
        if first in place_keys and _nickname(nickname, context.rules):
            teams[place].add(nickname)
    return teams


def _side_by_side(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """Keys of mentions that follow each other with one space between them."""
    frame = frame.sort_values(["article_id", "start_char"])
    article, sentence = frame["article_id"].to_numpy(object), frame["sentence_id"].to_numpy()
    start, end = frame["start_char"].to_numpy(), frame["end_char"].to_numpy()
    together = (article[1:] == article[:-1]) & (sentence[1:] == sentence[:-1]) & (start[1:] == end[:-1] + 1)
    keys = frame["key"].tolist()
    return [(keys[first], keys[first + 1]) for first in np.flatnonzero(together).tolist()]


def _nickname(words: str, rules: NameRules) -> bool:
    """A team's nickname: a plural (`Colts`, `Tar Heels`) or a word teams go by (`Red Sox`, `Heat`).

    Plurals that end other bodies' names are none: the `Los Angeles Times`
    and the `New York Daily News` are newspapers.
    """
    last = words.split()[-1]
    plural = last.endswith("s") and not last.endswith(("ss", "us", "is")) and last not in rules.body_plurals
    return last in rules.team_nicknames or plural


def _link_cut_names(context: _Context) -> None:
    """Two mentions side by side in a sentence name what other articles name with both words together.

    The model sometimes cuts a name it finds whole elsewhere and labels the
    pieces apart (`Jermayne` a product, `Timmons` left untagged, where other
    articles tag `Jermayne Timmons` a person); both pieces join that name.
    The mentions stay as found, since only they are known to slice the text.
    A place's name cut off a body named after it (`Indianapolis` / `Colts`,
    `Telecom` / `Egypt`) joins the body by itself: the place's other mentions
    (`in Indianapolis`, `in Egypt`) stay the place. A team's member is
    named by the team's name in the singular (`an Indianapolis Colt`).
    """
    rules = context.rules
    names = set(context.frame.loc[~context.frame["candidate"], "node"])
    frame = context.frame.sort_values(["article_id", "start_char"])
    article, sentence = frame["article_id"].to_numpy(object), frame["sentence_id"].to_numpy()
    start, end = frame["start_char"].to_numpy(), frame["end_char"].to_numpy()
    side_by_side = (
        (article[1:] == article[:-1]) & (sentence[1:] == sentence[:-1]) & (start[1:] == end[:-1] + 1)
    )
    text, label, key, node = (frame[column].tolist() for column in ("text", "ner_label", "key", "node"))
    rows = frame.index.tolist()
    for first in np.flatnonzero(side_by_side).tolist():
        second = first + 1
        both = f"{text[first]} {text[second]}"
        keys = {_surface_key(both, kind, rules) for kind in (PERSON, label[first], label[second])}
        whole = sorted((keys & names) - {key[first], key[second]})
        if not whole:
            whole = sorted({f"{each}s" for each in keys} & names)
        if len(whole) == 1:
            for piece in (first, second):
                if label[piece] in _PLACE_LABELS and not context.is_place(whole[0]):
                    own = f"{key[piece]}{_SCOPE}{rows[piece]}{_CUT_PIECE}"
                    context.frame.at[rows[piece], "node"] = own
                    context.nodes.union(own, whole[0])
                else:
                    context.nodes.union(node[piece], whole[0])


def _link_reworded_bodies(context: _Context) -> None:
    """Within an event, names of one body with the same words, reordered or inflected, join.

    Outlets translate a foreign body's name each their own way: the `Central
    Commission for Elections`, `Central Elections Commission` and `Central
    Election Commission` are one commission. Function words do not count and
    a plural is its singular. A name with two words joined by `and` is the
    one body named with either of them (`Central Election and Referendum
    Commission` / `Central Election Commission`). People and places are left
    out, and names must keep two words.
    """
    for names in context.full_names_by_event.values():
        by_words: dict[frozenset[str], list[str]] = defaultdict(list)
        for name in sorted(names):
            if context.is_person(name) or context.is_place(name):
                continue
            words = _content_words(_bare(name).split(), context.rules)
            if len(words) >= 2:
                by_words[words].append(name)
        for same in by_words.values():
            for name in same[1:]:
                context.nodes.union(same[0], name)
        for words, same in by_words.items():
            for shorter in _shortened(_bare(same[0]).split(), context.rules):
                if shorter != words:
                    context.join_if_unique(same[0], by_words.get(shorter, []))


def _shortened(words: list[str], rules: NameRules) -> Iterator[frozenset[str]]:
    """The words of a name without one of two words joined by `and`: `election and referendum commission`."""
    for at, word in enumerate(words):
        if word == "and" and 0 < at < len(words) - 1:
            yield _content_words(words[: at - 1] + words[at + 1 :], rules)
            yield _content_words(words[:at] + words[at + 2 :], rules)


def _content_words(words: list[str], rules: NameRules) -> frozenset[str]:
    """The words of a name that carry meaning, in the singular, abbreviations spelt out.

    `commission for elections` -> commission, election; `us geological survey`
    -> united, state, geological, survey.
    """
    spelt = [part for word in words for part in rules.abbreviations.get(word, word).split()]
    return frozenset(_singular(word) for word in spelt if word not in rules.connecting_words)


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _link_acronyms(context: _Context) -> None:
    """Acronyms to their long forms: defined in the article, else the event, else one attested elsewhere.

    People are not known by acronyms: `AP` is not `Andrew Pusar`. An acronym
    that matches no long form may count a leading `The` (`THR` / `The
    Hollywood Reporter`); it joins the one long form of its event that
    matches without the `T`. Outside its event an acronym joins only a long
    form some article defines or some event uses it for: initials alone
    across unrelated stories are a guess (`BBC` is not the `Banstead Baptist
    Church` of another story).
    """
    frame, rules = context.frame, context.rules
    defined: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in frame[frame["acronym_of"].notna()].itertuples():
        long_node = _surface_key(row.acronym_of, "ORG", rules)
        context.nodes.union(row.node, long_node)
        defined[row.key].append((row.event, long_node))

    long_forms: dict[str, set[tuple[str, str]]] = defaultdict(set)
    rows = set(zip(frame["node"], frame["key"], frame["text"], frame["event"], strict=True))
    for node, key, text, event in sorted(rows):
        if (
            key.startswith("name:")
            and _SCOPE not in node
            and len(_bare(key).split()) >= 2
            and not context.is_person(key)
        ):
            long_forms[_name_initials(text, key, rules)].add((event, node))
    attested = {key: [node for _, node in meanings] for key, meanings in defined.items()}
    schools = _schools_by_event(context)
    unresolved = []
    for row in frame[frame["acronym_of"].isna()].itertuples():
        if not looks_like_acronym(row.text) or not row.key.startswith("name:"):
            continue
        meanings = defined.get(row.key) or long_forms.get(_bare(row.key).upper(), set())
        in_event = [node for event, node in meanings if event == row.event]
        if context.join_if_unique(row.node, in_event):
            attested.setdefault(row.key, []).extend(in_event)
        elif _school_initials(_bare(row.key), rules) and context.join_if_unique(
            row.node, schools.get((row.event, _bare(row.key)[0]), [])
        ):
            continue
        elif not meanings and _bare(row.key).startswith("t"):
            # `THR`: an acronym that counts the `The` its name is written without, in its event only.
            without_the = long_forms.get(_bare(row.key)[1:].upper(), set())
            context.join_if_unique(row.node, [node for event, node in without_the if event == row.event])
        else:
            unresolved.append(row)
    for row in unresolved:
        context.join_if_unique(row.node, attested.get(row.key, []))


def _school_initials(acronym: str, rules: NameRules) -> bool:
    """Two letters, the second a school noun's (`CU` for Creighton University, `XU`, `GU`)."""
    return len(acronym) == 2 and any(noun.startswith(acronym[1]) for noun in rules.school_nouns)


def _schools_by_event(context: _Context) -> dict[tuple[str, str], list[str]]:
    """The nodes of the one-word schools each event names, by event and initial.

    A school is a name a team its event names is named after (`Creighton
    Bluejays`) that no gazetteer knows as a place (`Creighton`, not `Boston`
    or `Kansas`) and is no team's nickname itself. Sports writers call it
    by its initial and a `U` (`CU`), as its event's only school with that
    initial.
    """
    teams = context.teams_by_place
    schools: dict[tuple[str, str], list[str]] = defaultdict(list)
    for event, words in context.words_by_event.items():
        names = context.full_names_by_event[event]
        for node in sorted(words):
            word = _bare(node)
            if (
                node == f"name:{word}{_SCOPE}{event}"
                and not _nickname(word, context.rules)
                and any(f"name:{word} {nickname}" in names for nickname in teams.get(word, ()))
                and not known_city(word)
                and not known_region(word)
            ):
                schools[(event, word[0])].append(node)
    return schools


def _name_initials(text: str, key: str, rules: NameRules) -> str:
    """The acronym a long form is written to abbreviate: `CIS Executive Committee` is `CISEC`, not `CEC`.

    An acronym inside the name counts all its letters, so the name as written
    is read, unless it is all capitals (a headline), whose key is read instead.
    """
    if any(char.islower() for char in text):
        return initials(_without_description(text, rules), rules)
    return initials(_bare(key), rules)


def _link_full_names(context: _Context) -> None:
    """Within an event, full names of one person written with or without initials join (`W. Mark Felt`).

    Fullest names first, each joins the one group it is compatible with
    throughout, so `Mark Felt` cannot chain `Mark Felt Jr.` to `W. Mark Felt
    Sr.`; a name that fits several groups goes to the one sharing most of its
    given names, if there is one.
    """
    rules = context.rules
    articles: dict[str, set[str]] = defaultdict(set)
    for article_id, names in context.full_names_by_article.items():
        for name in names:
            articles[name].add(article_id)
    for names in context.full_names_by_event.values():
        by_surname: dict[str, list[str]] = defaultdict(list)
        for name in names:
            if context.is_person(name):
                by_surname[surname(_bare(name), rules)].append(name)
        for same_surname in by_surname.values():
            people: list[list[str]] = []
            for name in sorted(same_surname, key=lambda key: (-len(key.split()), key)):
                fitting = [
                    group
                    for group in people
                    if all(
                        _same_person(_bare(name), _bare(other), rules, bool(articles[name] & articles[other]))
                        for other in group
                    )
                ]
                group = _closest_group(name, fitting)
                if group is None:
                    people.append([name])
                else:
                    group.append(name)
                    context.nodes.union(group[0], name)


def _link_misspelt_names(context: _Context) -> None:
    """Across events, a person's full name misspelt by one letter in the given name joins the name.

    `Jerymayne Timmons` in one outlet is the `Jermayne Timmons` of others.
    Only given names of five letters or more differing by one letter added,
    dropped or changed count (`Mark` / `Mary` stay apart), the surname must
    name no one else in the corpus, and no article may write both (`Mario`
    and `Maria Rossi` there are two people).
    """
    articles: dict[str, set[str]] = defaultdict(set)
    for article_id, full_names in context.full_names_by_article.items():
        for name in full_names:
            articles[name].add(article_id)
    by_surname: dict[str, set[str]] = defaultdict(set)
    for people in context.people_by_event.values():
        for last, names in people.items():
            by_surname[last] |= names
    for names in by_surname.values():
        if len(names) != 2:
            continue
        one, other = sorted(names)
        first, second = _given_name(one), _given_name(other)
        same_rest = _bare(one).split()[1:] == _bare(other).split()[1:]
        apart = not articles[one] & articles[other]
        if (
            same_rest
            and apart
            and min(len(first), len(second)) >= 5
            and Levenshtein.distance(first, second) == 1
        ):
            context.nodes.union(one, other)


def _link_scrambled_words(context: _Context) -> None:
    """Within an event, a long word with its letters typed out of order is the name it scrambles.

    `Turkeminstan` in one report is the `Turkmenistan` of the others. The word
    must be one the gazetteer does not know, of six letters or more, start
    with the same letter, and use exactly the letters of one other name of
    its event.
    """
    words_of: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for node, text, event in zip(
        context.frame["node"], context.frame["text"], context.frame["event"], strict=True
    ):
        word = _display(text, "", context.rules).lower()
        if word.isalpha() and len(word) >= 6:
            words_of[event][word].add(node)
    for words in words_of.values():
        by_letters: dict[tuple[str, str], set[str]] = defaultdict(set)
        for word in words:
            by_letters[(word[0], "".join(sorted(word)))].add(word)
        for word, nodes in words.items():
            same = by_letters[(word[0], "".join(sorted(word)))] - {word}
            if len(same) == 1 and all(node.startswith("name:") and _SCOPE in node for node in nodes):
                for node in nodes:
                    context.join_if_unique(node, words[next(iter(same))])


def _same_person(first: str, second: str, rules: NameRules, together: bool) -> bool:
    """Whether two full names with one surname can name one person in an event.

    Beyond initials and shortened forms, a familiar form of the given name
    (`Bill` / `William`, `Peggy` / `Margaret`) is the same given name, even
    in one article, which often gives both (`Robert Smith, known as Bob`). A
    familiar form or misspelling that shares the first three letters of the
    given name (`Katie` / `Kathryn`, `Alexis` / `Alexandros`) is too, unless
    one article writes both (`Mark Felt` and `Mary Felt` are two people). A
    given name spelt with `-ie` or `-y` is one name either way, even in one
    article (`Bettie Page ... was born Betty Mae Page`).
    """

    def formal(word: str, other: str) -> bool:
        return other in rules.familiar_names.get(word, ()) or _ie_or_y(word, other)

    formally = _written_as(first, second, formal), _written_as(second, first, formal)
    if given_names_compatible(first, second, rules) or given_names_compatible(*formally, rules):
        return True
    alike = _written_as(first, second, lambda word, other: len(word) >= 3 and other[:3] == word[:3])
    return not together and given_names_compatible(alike, second, rules)


def _ie_or_y(word: str, other: str) -> bool:
    """Whether two given names are one, spelt `-ie` and `-y`: `Bettie` / `Betty`, `Jodie` / `Jody`."""
    return len(word) >= 5 and word.endswith("ie") and other == word[:-2] + "y"


def _written_as(name: str, other: str, same_name: Callable[[str, str], bool]) -> str:
    """`name` with each word written as the one word of `other` that is the same name, if any."""
    words = other.split()
    rewritten = []
    for word in name.split():
        alike = [candidate for candidate in words if same_name(word, candidate)]
        rewritten.append(alike[0] if len(alike) == 1 else word)
    return " ".join(rewritten)


def _closest_group(name: str, groups: list[list[str]]) -> list[str] | None:
    """The group sharing most words with `name`, when exactly one does."""
    if len(groups) <= 1:
        return groups[0] if groups else None
    words = set(_bare(name).split())
    shared = [max(len(words & set(_bare(other).split())) for other in group) for group in groups]
    best = max(shared)
    return groups[shared.index(best)] if shared.count(best) == 1 else None


def _link_surnames(context: _Context) -> None:
    """A lone surname joins the person it abbreviates: in its article, else its event, else the corpus.

    In its own article a surname shared by several full names is the one
    introduced first (`W. Mark Felt` ... `his daughter, Joan Felt` ... `Felt`);
    in an event or the corpus a shared surname stays unresolved. A word that
    is no one's surname may be the first name of one person its article names
    in full (`Kathina Thomas` ... `Kathina`), else of the one person its event
    names in full with that first name (an article that writes only `Katie`
    about `Katie Jenkin`).
    """
    rules = context.rules
    corpus_people: dict[str, set[str]] = defaultdict(set)
    for by_surname in context.people_by_event.values():
        for last, names in by_surname.items():
            corpus_people[last] |= names
    named_first_in_event = _people_by_first_name(context)
    for node, key, article_id, event in context.unique_rows():
        if (
            not node.endswith(_SCOPE + article_id)
            or node in context.acronym_nodes
            or _is_full_name(key, rules)
        ):
            continue
        last = surname(_bare(key), rules)
        in_article = context.people_by_article.get((article_id, last), [])
        in_event = context.people_by_event.get(event, {}).get(last, set())
        if in_article:
            context.nodes.union(node, in_article[0])
        elif in_event:
            context.join_if_unique(node, in_event)
        elif not context.join_if_unique(node, _named_first(context, article_id, _bare(key))):
            context.nodes.union(node, f"{key}{_SCOPE}{event}")
            context.join_if_unique(node, corpus_people.get(last, set())) or context.join_if_unique(
                node, named_first_in_event.get((event, _bare(key)), [])
            )


def _named_first(context: _Context, article_id: str, given: str) -> list[str]:
    """The people its article names in full whose first name is `given` (`Kathina` / `Kathina Thomas`)."""
    return [
        name
        for name in context.full_names_by_article[article_id]
        if _plain_person(name, context.labels) and _given_name(name) == given
    ]


def _people_by_first_name(context: _Context) -> dict[tuple[str, str], list[str]]:
    """The people each event names in full, by event and first name (`Katie` / `Katie Jenkin`)."""
    people: dict[tuple[str, str], list[str]] = defaultdict(list)
    for event, names in context.full_names_by_event.items():
        for name in names:
            if _plain_person(name, context.labels):
                people[(event, _given_name(name))].append(name)
    return people


def _link_plurals(context: _Context) -> None:
    """Within an event, a name written in the singular joins its plural (`Indianapolis Colt` / `Colts`).

    People and places are left out: `Williams` is not `William`.
    """
    for event in context.full_names_by_event:
        by_key = _event_nodes_by_key(context, event)
        for key, singular in by_key.items():
            plural = by_key.get(key + "s")
            if plural and not any(context.is_person(k) or context.is_place(k) for k in (key, key + "s")):
                for node in singular:
                    context.join_if_unique(node, plural)


def _link_clipped_nicknames(context: _Context) -> None:
    """Within an event, a team's nickname clipped to its first letters joins it (`Jags` / `Jaguars`).

    Sports writers shorten a nickname to a syllable or two and an `s`
    (`Cavs`, `Mavs`, `Bucs`, `Pats`). Only the nickname of a team named after
    a place (`Jacksonville Jaguars`) counts, and only where its event names
    it and no other of its teams' nicknames starts the same way.
    """
    nicknames = {
        nickname for found in context.teams_by_place.values() for nickname in found if " " not in nickname
    }
    for event, words in context.words_by_event.items():
        by_key = _event_nodes_by_key(context, event)
        for node in sorted(words):
            word = _bare(node)
            stem = word[:-1]
            if not word.endswith("s") or len(stem) < _MIN_CLIPPED_STEM:
                continue
            longer = [
                nickname
                for nickname in nicknames
                if nickname.startswith(stem)
                and len(nickname) > len(word) + 1
                and f"name:{nickname}" in by_key
            ]
            if len(longer) == 1:
                context.join_if_unique(node, by_key[f"name:{longer[0]}"])


def _event_nodes_by_key(context: _Context, event: str) -> dict[str, list[str]]:
    """The full names and scoped single words of an event, by key."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for node in sorted(context.full_names_by_event[event] | context.words_by_event.get(event, set())):
        by_key[node.split(_SCOPE, 1)[0]].append(node)
    return by_key


def _link_place_nouns(context: _Context) -> None:
    """Within an event, a place named without its kind is that place (`Mediterranean` / `Mediterranean Sea`).

    Both must be places, so a people (`Indian` / `Indian Ocean`) stays apart;
    bays and gulfs are left out, as a city is often named after its bay
    (`Tampa` / `Tampa Bay`).
    """
    for event, names in context.full_names_by_event.items():
        by_key = _event_nodes_by_key(context, event)
        for name in sorted(names):
            *words, kind = _bare(name).split()
            short = "name:" + " ".join(words)
            if kind in context.rules.place_nouns and context.is_place(name) and context.is_place(short):
                for node in by_key.get(short, []):
                    context.nodes.union(node, name)


def _link_unit_nouns(context: _Context) -> None:
    """Names of a body that differ only in the nouns for its kind of unit are that body.

    `Staunton Police` is the `Staunton Police Department`, `Morningside
    Recovery` the `Morningside Recovery Center`, and the `Betty Ford Clinic`
    and `Betty Ford Treatment Center` the `Betty Ford Center`, in any story,
    as a name of two words or more means the same everywhere. What is left
    without those nouns must keep two words (`State Department` is no `State`),
    and no name may be a person or a place (`Betty Ford` is not the `Betty
    Ford Center`).
    """
    by_stem: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name in sorted(set().union(*context.full_names_by_event.values())):
        if not (context.is_person(name) or context.is_place(name)):
            # A name that says only what kind of body it is stays in its event.
            by_stem[(_unit_stem(_bare(name), context.rules), name.partition(_SCOPE)[2])].append(name)
    for same in by_stem.values():
        for name in same[1:]:
            context.nodes.union(same[0], name)


def _link_facilities_by_their_names(context: _Context) -> None:
    """A word that is all of one facility's name but its kind is that facility: in its event, else the corpus.

    `Morningside` is the `Morningside Recovery Center`, `Stiles` the `Stiles
    Unit` prison, `Cliffside` the `Cliffside Rehab Center` another article
    names. The word must be no name of a person of its event (`Betty` is not
    the `Betty Ford Center`) and no known city the model took for a place
    (`Cleveland` is not the `Cleveland Clinic`). A department is left out, as
    it is named for its field (`Justice`, `Police`). Outside its event a word
    joins only when the corpus has one such facility, and only a word the
    model tagged that found nothing in its event.
    """
    rules = context.rules
    by_event: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    in_corpus: dict[str, set[str]] = defaultdict(set)
    for event, names in context.full_names_by_event.items():
        for name in names:
            if _bare(name).split()[-1] in rules.facility_nouns and not (
                context.is_person(name) or context.is_place(name)
            ):
                stem = _unit_stem(_bare(name), rules, keep=1)
                by_event[event][stem].add(name)
                in_corpus[stem].add(name)
    linked = _linked_roots(context)
    tagged = set(context.frame.loc[~context.frame["candidate"], "node"])
    for event, words in context.words_by_event.items():
        people = {
            word
            for names in context.people_by_event.get(event, {}).values()
            for name in names
            for word in _bare(name).split()
        }
        for node in sorted(words):
            key = node.split(_SCOPE, 1)[0]
            word = _bare(key)
            if word in people or word not in in_corpus or (context.is_place(key) and known_city(word)):
                continue
            if word in by_event[event]:
                context.join_if_unique(node, by_event[event][word])
            elif node in tagged and context.nodes.find(node) not in linked:
                context.join_if_unique(node, in_corpus[word])


def _link_facilities_named_after_people(context: _Context) -> None:
    """A person's name read as a facility joins the one facility of its event named after them, else them.

    `checked into Betty Ford` is the `Betty Ford Center` its event names,
    while `Betty Ford's husband` in the same story stays the former first lady.
    Only full names: a single word resolves as any facility's name without its kind.
    """
    rules = context.rules
    read = context.frame[context.frame["node"].str.endswith(_AS_FACILITY)]
    for node, key, event in sorted(set(zip(read["node"], read["key"], read["event"], strict=True))):
        named = [
            name
            for name in context.full_names_by_event[event]
            if _bare(name).split()[-1] in rules.facility_nouns
            and _unit_stem(_bare(name), rules, keep=1) == _bare(key)
            and not context.is_person(name)
        ]
        if not context.join_if_unique(node, named):
            context.nodes.union(node, key)


def _unit_stem(name: str, rules: NameRules, keep: int = 2) -> str:
    """A body's name without the nouns for its kind of unit at its end, keeping `keep` words or more.

    `betty ford treatment center` -> `betty ford`, and with `keep=1`
    `morningside recovery center` -> `morningside`.
    """
    words = name.split()
    while len(words) > keep and words[-1] in rules.unit_nouns:
        words = words[:-1]
    return " ".join(words)


def _link_blended_nicknames(context: _Context) -> None:
    """Within an event, a nickname blended from a person's names joins them (`LiLo`, `J-Lo`, `A-Rod`).

    The word splits at an inner capital or a hyphen into the start of a given
    name and the start of the surname of exactly one person in the event.
    """
    for node, text, event in zip(
        context.frame["node"], context.frame["text"], context.frame["event"], strict=True
    ):
        parts = _BLEND.fullmatch(text.strip())
        if parts is None or _SCOPE not in node:
            continue
        given, last = parts["given"].lower(), parts["last"].lower()
        people = [
            name
            for name_surname, names in context.people_by_event.get(event, {}).items()
            if name_surname.startswith(last)
            for name in names
            if any(word.startswith(given) for word in _bare(name).split()[:-1])
        ]
        context.join_if_unique(node, people)


def _link_heads(context: _Context) -> None:
    """Within an event, a short name joins the one longer name it ends (`Colts` / `Indianapolis Colts`).

    Places are left out: `Southern California` is not `California`. Words
    already resolved (a surname to a full name in its own article) keep their
    resolution.
    """
    linked = _linked_roots(context)
    for event, names in context.full_names_by_event.items():
        by_suffix = _names_by_suffix(names, context)
        # Longest first, so `Fish and Wildlife Service` has joined `U.S. Fish and Wildlife Service`
        # when `Wildlife Service` looks for the one name it ends.
        for name in sorted(names, key=lambda key: (-len(key.split()), key)):
            longer = by_suffix.get(_bare(name))
            if longer and not context.is_place(name):
                context.join_if_unique(name, longer)
        for word in sorted(context.words_by_event.get(event, ())):
            longer = by_suffix.get(_bare(word))
            key = word.split(_SCOPE, 1)[0]
            if longer and not context.is_place(key) and context.nodes.find(word) not in linked:
                context.join_if_unique(word, longer)


def _without_suffixes(words: list[str], rules: NameRules) -> list[str]:
    while len(words) > 1 and words[-1] in rules.name_suffixes:
        words = words[:-1]
    return words


def _linked_roots(context: _Context) -> set[str]:
    """Roots of groups that hold more than one key."""
    keys_by_root: dict[str, set[str]] = defaultdict(set)
    for node, key in zip(context.frame["node"], context.frame["key"], strict=True):
        keys_by_root[context.nodes.find(node)].add(key)
    return {root for root, keys in keys_by_root.items() if len(keys) > 1}


def _link_lone_names_across_events(context: _Context) -> None:
    """A single word that found no longer name in its event is one name across events (`Microsoft`).

    It joins a longer name it ends only when the whole corpus has exactly one.
    Only words the model tagged somewhere in their event cross events: an
    untagged capital at the start of a sentence or in a headline is as often a
    common noun (`Police`, `Man`) as a name, and it names a different thing in
    each story. Nor do names that say only what kind of body they are
    (`Parliament`, `Daily News`), or a word that only qualifies one
    (`Interior`, `Democratic`): each story's is its own country's or city's.
    """
    linked = _linked_roots(context)
    alone: dict[str, list[str]] = defaultdict(list)
    labelled_nodes = set(context.frame.loc[~context.frame["candidate"], "node"])
    for node, key in zip(context.frame["node"], context.frame["key"], strict=True):
        if (
            _SCOPE in node
            and node in labelled_nodes
            and context.nodes.find(node) not in linked
            and not _is_generic(key, context.rules)
            and _bare(key) not in context.rules.generic_body_qualifiers
        ):
            alone[key].append(node)
    by_suffix = _names_by_suffix(
        (name for names in context.full_names_by_event.values() for name in names), context
    )
    for key, nodes in alone.items():
        for node in nodes[1:]:
            context.nodes.union(nodes[0], node)
        if not context.is_place(key):
            context.join_if_unique(nodes[0], by_suffix.get(_bare(key), set()))


def _names_by_suffix(names: Iterable[str], context: _Context) -> dict[str, set[str]]:
    """Names that are not places, by each shorter name they end with (`colts` -> `indianapolis colts`)."""
    by_suffix: dict[str, set[str]] = defaultdict(set)
    for name in names:
        if context.is_place(name):
            continue
        words = _without_suffixes(_bare(name).split(), context.rules)
        for first in range(1, len(words)):
            by_suffix[" ".join(words[first:])].add(name)
    return by_suffix


def _tables(frame: pd.DataFrame, rules: NameRules) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows_of: dict[str, list[int]] = defaultdict(list)
    for row, root in enumerate(frame["root"]):
        rows_of[root].append(row)
    columns = ("text", "key", "ner_label", "candidate", "acronym_of", "article_id")
    values = {column: frame[column].tolist() for column in columns}
    entity_rows = []
    entity_of_root: dict[str, tuple[str, str]] = {}
    for root in sorted(rows_of):
        members = {column: [values[column][row] for row in rows_of[root]] for column in columns}
        label = _vote_label(members)
        entity_id = "E" + hashlib.sha256(f"{label}|{root}".encode()).hexdigest()[:12]
        entity_of_root[root] = (entity_id, label)
        entity_rows.append(
            {
                "entity_id": entity_id,
                "name": _canonical_name(members["text"], label, rules),
                "label": label,
                "aliases": sorted({_SPACES.sub(" ", text) for text in members["text"]}),
                "article_count": len(set(members["article_id"])),
                "mention_count": len(rows_of[root]),
            }
        )
    labels = [entity_of_root[root][1] for root in frame["root"]]
    mentions = pd.DataFrame(
        {
            "mention_id": [
                f"{a}:{s}-{e}"
                for a, s, e in zip(frame["article_id"], frame["start_char"], frame["end_char"], strict=True)
            ],
            "article_id": frame["article_id"],
            "sentence_id": frame["sentence_id"],
            "start_char": frame["start_char"],
            "end_char": frame["end_char"],
            "text": frame["text"],
            "label": labels,
            "entity_id": [entity_of_root[root][0] for root in frame["root"]],
            # A span the model left untagged carries the label its entity was resolved to.
            "ner_label": [
                label if candidate else ner
                for label, ner, candidate in zip(labels, frame["ner_label"], frame["candidate"], strict=True)
            ],
        }
    )
    # Explicit columns: every candidate may have been dropped as unresolved.
    entities = pd.DataFrame(entity_rows, columns=_ENTITY_COLUMNS).sort_values("entity_id", ignore_index=True)
    mentions = mentions.drop_duplicates("mention_id")
    return mentions.sort_values(["article_id", "start_char"], ignore_index=True), entities


def _vote_label(members: dict[str, list[Any]]) -> str:
    """Majority of the model's labels; a group known by an acronym or a country code is no person."""
    votes = Counter(
        label
        for label, candidate in zip(members["ner_label"], members["candidate"], strict=True)
        if not candidate
    )
    if any(key.startswith("country:") for key in members["key"]):
        return "GPE"
    if any(key.startswith("law:") for key in members["key"]):
        return "LAW"
    has_acronym = any(pd.notna(long_form) for long_form in members["acronym_of"])
    if has_acronym or any(members["candidate"]):
        without_people = votes.copy()
        without_people.pop(PERSON, None)
        if has_acronym or not votes or without_people.total() >= votes[PERSON]:
            votes = without_people
    return votes.most_common(1)[0][0] if votes else "ORG"


def _canonical_name(texts: list[str], label: str, rules: NameRules) -> str:
    """The most frequent of the fullest spellings, acronyms only when nothing else names it.

    A place's kind written first, and what precedes it, adds nothing to its
    name: `Alaska` is as full as `the state of Alaska`. A place's kind in
    lower case (`Qeshm island`) names it only where no spelling as full
    writes the kind with a capital (`Qeshm Island`).
    """
    surfaces = [_display(text, label, rules) for text in texts]
    spelled_out = [text for text in surfaces if not looks_like_acronym(text.split()[0])] or surfaces

    def words(text: str) -> int:
        return len(_kind_last(name_key(text, rules), rules).split())

    longest = max(words(text) for text in spelled_out)
    fullest = [text for text in spelled_out if words(text) == longest]
    return _most_common([text for text in fullest if text.split()[-1] not in rules.place_nouns] or fullest)


def _display(text: str, label: str, rules: NameRules) -> str:
    """A surface form without line breaks, possessive or (for people) leading titles."""
    words = text.split()
    if label == PERSON:
        while len(words) > 1 and name_key(words[0], rules) in rules.person_titles:
            words = words[1:]
    display = " ".join(words)
    for suffix in ("'s", "’s"):
        display = display.removesuffix(suffix)
    return display


def _most_common(values: Iterable[str]) -> str:
    counts = Counter(values)
    return min(counts, key=lambda value: (-counts[value], -len(value), value))


def _empty_mentions() -> pd.DataFrame:
    columns = ["mention_id", "article_id", "sentence_id", "start_char", "end_char", "text", "label",
               "entity_id", "ner_label"]  # fmt: skip
    return pd.DataFrame({column: [] for column in columns})


_ENTITY_COLUMNS = ["entity_id", "name", "label", "aliases", "article_count", "mention_count"]


def _empty_entities() -> pd.DataFrame:
    return pd.DataFrame({column: [] for column in _ENTITY_COLUMNS})
