"""Cross-document entity resolution: which mentions, in any article, name the same thing.

Mentions are linked by evidence that holds across outlets' styles:
- the same key once spelling, case, diacritics, titles and determiners are
  folded away (`Spokesperson Miller` / `Miller`, `Hay’at` / `Hayat`), whatever
  label the model gave each mention;
- a country's names in every gazetteer spelling (`Türkiye` / `Turkey`), and a
  capital the extraction marked as acting for its government (`Washington
  urged`), while the same capital as a place (`WASHINGTON —`) stays the city;
- acronyms defined in an article, or implied by a long form elsewhere
  (`HTS`, `UNSCR 2254`);
- short forms inside one *event*, a group of articles that name the same rare
  things: a bare surname or a team's last word (`Lohan`, `Colts`) joins the one
  longer name in the event it ends (`Lindsay Lohan`, `Indianapolis Colts`), and
  full names that differ only by initials or a shortened first name
  (`Mark Felt` / `W. Mark Felt`) join. Outside an event, a bare surname joins a
  full name only when the whole corpus has exactly one, so two people who share
  a surname stay apart.

Resolution reads only the candidate table, so candidates can be extracted per
batch of documents and resolved once over all of them.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from pipeline.gazetteer import capital_country, country_code
from pipeline.reconcile.groups import UnionFind
from pipeline.text import (
    NameRules,
    default_rules,
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
_PLACE_LABELS = frozenset({"GPE", "LOC"})
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class ResolutionSettings:
    """How articles are grouped into events before short forms are resolved (chosen on ECB+ train)."""

    min_event_similarity: float = 0.2
    # A name found in more than this share of the articles says nothing about which event they report.
    max_name_share: float = 0.05
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
    frame = _narrow_unlabelled(frame, rules)
    if frame.empty:
        return _empty_mentions(), _empty_entities()
    frame["event"] = _events(frame, settings)
    frame["node"] = [_node(row, rules) for row in frame.itertuples()]

    nodes = UnionFind()
    for node in frame["node"]:
        nodes.find(node)
    context = _Context(frame, nodes, rules)
    _link_laws(context)
    _link_acronyms(context)
    _link_full_names(context)
    _link_surnames(context)
    _link_heads(context)
    _link_lone_names_across_events(context)

    frame["root"] = [nodes.find(node) for node in frame["node"]]
    labelled_roots = set(frame.loc[~frame["candidate"], "root"])
    frame = frame[frame["root"].isin(labelled_roots)].reset_index(drop=True)
    return _tables(frame, rules)


def _surface_key(text: str, label: str, rules: NameRules) -> str:
    """What a mention's name folds to: a person's name without titles, a country code, or a law."""
    key = name_key(text, rules)
    if label == PERSON:
        return "name:" + strip_titles(key, rules)
    if label == "ORG" and capital_country(key) is not None:
        # A capital acting as an organisation is its country's government (`Washington urged`).
        return "country:" + capital_country(key)
    if label in _PLACE_LABELS or looks_like_acronym(text):
        code = country_code(key)
        if code is not None:
            return "country:" + code
    if label == "LAW":
        return "law:" + key
    return "name:" + strip_legal_form(key, rules)


def _bare(key: str) -> str:
    return key.split(_SCOPE, 1)[0].split(":", 1)[1]


def _is_full_name(key: str, rules: NameRules) -> bool:
    return len([word for word in _bare(key).split() if word not in rules.name_particles]) >= 2


def _narrow_unlabelled(frame: pd.DataFrame, rules: NameRules) -> pd.DataFrame:
    """Narrow each unlabelled proper-noun run to the longest words in it that name something labelled.

    The model misses names in title-case headlines and at sentence starts
    (`Lindsay Lohan Checks Into Rehab`); the same name labelled elsewhere, or
    the last word of a labelled name (`Colts`), says which words of the run
    are a name. Runs that name nothing known are dropped; bare acronyms are
    kept for acronym resolution.
    """
    labelled = frame[~frame["candidate"]]
    known = {key for key in labelled["key"] if key.startswith("name:")}
    for key, label in zip(labelled["key"], labelled["ner_label"], strict=True):
        if key.startswith("name:") and label not in _PLACE_LABELS and _is_full_name(key, rules):
            known.add("name:" + _bare(key).split()[-1])
    rows = []
    for row in frame.to_dict("records"):
        if row["candidate"] and not looks_like_acronym(row["text"]):
            narrowed = _longest_known_span(row["text"], known, rules)
            if narrowed is None:
                continue
            offset, row["text"], row["key"] = narrowed
            row["start_char"] += offset
            row["end_char"] = row["start_char"] + len(row["text"])
        rows.append(row)
    return pd.DataFrame(rows, columns=frame.columns)


def _longest_known_span(text: str, known: set[str], rules: NameRules) -> tuple[int, str, str] | None:
    """`(offset, text, key)` of the longest run of whole words in `text` whose key is known."""
    words = list(_WORD.finditer(text))
    for length in range(len(words), 0, -1):
        for first in range(len(words) - length + 1):
            start, end = words[first].start(), words[first + length - 1].end()
            key = "name:" + name_key(text[start:end], rules)
            if key in known:
                return start, text[start:end], key
    return None


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


def _node(row: object, rules: NameRules) -> str:
    """The union-find node a mention starts in: its key, scoped to where its meaning holds.

    Countries, laws and names of two words or more mean the same everywhere.
    A lone surname, or an acronym an article defines, means what it means in
    that article; any other single word (`Saints`, `Police`) what it means in
    its event.
    """
    key = row.key
    if key.startswith(("country:", "law:")):
        return key
    if isinstance(row.acronym_of, str) or (row.ner_label == PERSON and not _is_full_name(key, rules)):
        return f"{key}{_SCOPE}{row.article_id}"
    if len(_bare(key).split()) == 1:
        return f"{key}{_SCOPE}{row.event}"
    return key


class _Context:
    """The frame, the union-find over its nodes, and lookups every linking step shares."""

    def __init__(self, frame: pd.DataFrame, nodes: UnionFind, rules: NameRules) -> None:
        self.frame = frame
        self.nodes = nodes
        self.rules = rules
        labels: dict[str, Counter[str]] = defaultdict(Counter)
        for key, label, candidate in zip(frame["key"], frame["ner_label"], frame["candidate"], strict=True):
            if not candidate:
                labels[key][label] += 1
        self.labels = labels
        self.event_of_article = dict(zip(frame["article_id"], frame["event"], strict=False))
        # Full names (global nodes) by event and by article, for short forms to resolve against.
        self.full_names_by_event: dict[str, set[str]] = defaultdict(set)
        # In order of first mention.
        self.full_names_by_article: dict[str, list[str]] = defaultdict(list)
        # Single words scoped to an article or an event, by event.
        self.words_by_event: dict[str, set[str]] = defaultdict(set)
        in_order = frame.sort_values(["article_id", "start_char"])
        for node, article_id, event in zip(
            in_order["node"], in_order["article_id"], in_order["event"], strict=True
        ):
            if _SCOPE not in node and node.startswith("name:") and len(_bare(node).split()) >= 2:
                self.full_names_by_event[event].add(node)
                if node not in self.full_names_by_article[article_id]:
                    self.full_names_by_article[article_id].append(node)
            elif _SCOPE in node and len(_bare(node).split()) == 1:
                self.words_by_event[event].add(node)
        self.acronym_nodes = set(frame.loc[frame["acronym_of"].notna(), "node"])

    def is_person(self, key: str) -> bool:
        votes = self.labels.get(key)
        return bool(votes) and votes.most_common(1)[0][0] == PERSON

    def is_person_named(self, key: str, last: str) -> bool:
        """Whether `key` is a person's full name with the surname `last`."""
        return self.is_person(key) and surname(_bare(key), self.rules) == last

    def is_place(self, key: str) -> bool:
        votes = self.labels.get(key)
        return bool(votes) and votes.most_common(1)[0][0] in _PLACE_LABELS

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


def _link_acronyms(context: _Context) -> None:
    """Acronyms to their long forms: defined in the article, else the event, else implied by one long form."""
    frame, rules = context.frame, context.rules
    defined: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in frame[frame["acronym_of"].notna()].itertuples():
        long_node = _surface_key(row.acronym_of, "ORG", rules)
        context.nodes.union(row.node, long_node)
        defined[row.key].append((row.event, long_node))

    long_forms: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for node, key, _, event in context.unique_rows():
        if key.startswith("name:") and _SCOPE not in node and len(_bare(key).split()) >= 2:
            long_forms[initials(_bare(key), rules)].add((event, node))
    for row in frame[frame["acronym_of"].isna()].itertuples():
        if not looks_like_acronym(row.text) or not row.key.startswith("name:"):
            continue
        meanings = defined.get(row.key) or long_forms.get(_bare(row.key).upper(), set())
        in_event = [node for event, node in meanings if event == row.event]
        context.join_if_unique(row.node, in_event) or context.join_if_unique(
            row.node, [node for _, node in meanings]
        )


def _link_full_names(context: _Context) -> None:
    """Within an event, full names of one person written with or without initials join (`W. Mark Felt`).

    Fullest names first, each joins the one group it is compatible with
    throughout, so `Mark Felt` cannot chain `Mark Felt Jr.` to `W. Mark Felt
    Sr.`; a name that fits several groups goes to the one sharing most of its
    given names, if there is one.
    """
    rules = context.rules
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
                    if all(given_names_compatible(_bare(name), _bare(other), rules) for other in group)
                ]
                group = _closest_group(name, fitting)
                if group is None:
                    people.append([name])
                else:
                    group.append(name)
                    context.nodes.union(group[0], name)


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
    in an event or the corpus a shared surname stays unresolved.
    """
    rules = context.rules
    corpus_people: dict[str, set[str]] = defaultdict(set)
    for names in context.full_names_by_event.values():
        for name in names:
            if context.is_person(name):
                corpus_people[surname(_bare(name), rules)].add(name)
    for node, key, article_id, event in context.unique_rows():
        if (
            not node.endswith(_SCOPE + article_id)
            or node in context.acronym_nodes
            or _is_full_name(key, rules)
        ):
            continue
        last = surname(_bare(key), rules)
        in_article = [
            name for name in context.full_names_by_article[article_id] if context.is_person_named(name, last)
        ]
        in_event = [
            name for name in context.full_names_by_event[event] if context.is_person_named(name, last)
        ]
        if in_article:
            context.nodes.union(node, in_article[0])
        elif not context.join_if_unique(node, in_event) and not in_event:
            context.nodes.union(node, f"{key}{_SCOPE}{event}")
            context.join_if_unique(node, corpus_people.get(last, set()))


def _link_heads(context: _Context) -> None:
    """Within an event, a short name joins the one longer name it ends (`Colts` / `Indianapolis Colts`).

    Places are left out: `Southern California` is not `California`. Words
    already resolved (a surname to a full name in its own article) keep their
    resolution.
    """
    linked = _linked_roots(context)
    for event, names in context.full_names_by_event.items():
        by_suffix = _names_by_suffix(names, context)
        for name in names:
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
    """
    linked = _linked_roots(context)
    alone: dict[str, list[str]] = defaultdict(list)
    for node, key in zip(context.frame["node"], context.frame["key"], strict=True):
        if _SCOPE in node and context.nodes.find(node) not in linked:
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
    entity_rows = []
    entity_of_root: dict[str, tuple[str, str]] = {}
    for root, members in frame.groupby("root", sort=True):
        label = _vote_label(members)
        name = _canonical_name(members, label, rules)
        entity_id = "E" + hashlib.sha256(f"{label}|{root}".encode()).hexdigest()[:12]
        entity_of_root[root] = (entity_id, label)
        entity_rows.append(
            {
                "entity_id": entity_id,
                "name": name,
                "label": label,
                "aliases": sorted(set(members["text"].str.replace(r"\s+", " ", regex=True))),
                "article_count": members["article_id"].nunique(),
                "mention_count": len(members),
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


def _vote_label(members: pd.DataFrame) -> str:
    """Majority of the model's labels; a group known by an acronym or a country code is no person."""
    labelled = members[~members["candidate"]]
    votes = Counter(labelled["ner_label"])
    if any(key.startswith("country:") for key in members["key"]):
        return "GPE"
    if any(key.startswith("law:") for key in members["key"]):
        return "LAW"
    if members["acronym_of"].notna().any() or members["candidate"].any():
        without_people = votes.copy()
        without_people.pop(PERSON, None)
        if members["acronym_of"].notna().any() or not votes or without_people.total() >= votes[PERSON]:
            votes = without_people
    return votes.most_common(1)[0][0] if votes else "ORG"


def _canonical_name(members: pd.DataFrame, label: str, rules: NameRules) -> str:
    """The most frequent of the fullest spellings, acronyms only when nothing else names it."""
    surfaces = [_display(text, label, rules) for text in members["text"]]
    spelled_out = [text for text in surfaces if not looks_like_acronym(text.split()[0])] or surfaces
    longest = max(len(name_key(text, rules).split()) for text in spelled_out)
    fullest = [text for text in spelled_out if len(name_key(text, rules).split()) == longest]
    return _most_common(fullest)


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
