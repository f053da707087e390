"""Cross-document entity resolution: which mentions, in any article, name the same thing.

Mentions are linked by evidence that holds across outlets' styles:
- the same key once spelling, case, diacritics, titles and determiners are
  folded away (`Spokesperson Miller` / `Miller`, `Hay’at` / `Hayat`);
- a country's names in every gazetteer spelling (`Türkiye` / `Turkey`);
- acronyms defined in an article, or implied by a long form elsewhere
  (`HTS`, `UNSCR 2254`);
- a bare surname to the one full name it belongs to, in its own article
  first, across the corpus only when that is unambiguous, so two people who
  share a surname stay apart.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable

import pandas as pd

from pipeline.gazetteer import country_code
from pipeline.reconcile.groups import UnionFind
from pipeline.text import (
    NameRules,
    default_rules,
    initials,
    looks_like_acronym,
    name_key,
    strip_titles,
    surname,
)

PERSON = "PERSON"
_SCOPE = "#"
_PLACE_LABELS = frozenset({"GPE", "LOC"})


def resolve_entities(
    candidates: pd.DataFrame, rules: NameRules | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Link mention candidates into entities.

    `candidates` has the columns of `MentionCandidate`. Returns the mentions
    (with `mention_id`, `entity_id`, the entity's `label` and the model's
    `ner_label`) and the entities, with the columns of `schema.py`. Bare
    acronyms that match nothing are dropped: nothing says what they name.
    """
    rules = rules or default_rules()
    if candidates.empty:
        return _empty_mentions(), _empty_entities()
    frame = candidates.reset_index(drop=True).copy()
    frame["key"] = [
        _surface_key(text, label, rules)
        for text, label in zip(frame["text"], frame["ner_label"], strict=True)
    ]
    frame["key"] = _scope_to_article(frame, rules)
    groups = UnionFind()
    for key in frame["key"]:
        groups.find(key)
    _link_laws(frame, groups, rules)
    _link_acronyms(frame, groups, rules)
    _link_surnames(frame, groups, rules)

    frame["root"] = [groups.find(key) for key in frame["key"]]
    unresolved_bare = frame["candidate"] & (frame["root"] == frame["key"]) & ~_root_shared(frame)
    frame = frame[~unresolved_bare].reset_index(drop=True)
    return _tables(frame, rules)


def _surface_key(text: str, label: str, rules: NameRules) -> str:
    """The node a mention starts in: its folded name, a country code, or a law's number."""
    key = name_key(text, rules)
    if label == PERSON:
        return "person:" + strip_titles(key, rules)
    if label in _PLACE_LABELS or looks_like_acronym(text):
        code = country_code(key)
        if code is not None:
            return "country:" + code
    if label == "LAW":
        return "law:" + key
    return "name:" + key


def _scope_to_article(frame: pd.DataFrame, rules: NameRules) -> list[str]:
    """Keys whose meaning depends on the article get the article's id.

    A lone surname, or an acronym the article itself defines, means what it
    means *there*: `Miller` in one article and `Miller` in another may be two
    people, `PA` two organisations.
    """
    scoped = []
    for key, article_id, acronym_of in zip(
        frame["key"], frame["article_id"], frame["acronym_of"], strict=True
    ):
        local = isinstance(acronym_of, str) or (key.startswith("person:") and not _is_full_name(key, rules))
        scoped.append(f"{key}{_SCOPE}{article_id}" if local else key)
    return scoped


def _unscoped(node: str) -> str:
    return node.split(_SCOPE, 1)[0]


def _bare_name(node: str) -> str:
    return _unscoped(node).split(":", 1)[1]


def _link_laws(frame: pd.DataFrame, groups: UnionFind, rules: NameRules) -> None:
    """`Resolution 2254`, `UN Security Council Resolution, 2254` and `UNSCR 2254` are one instrument."""
    law_keys = sorted({key for key in frame["key"] if key.startswith("law:")})
    # Names of numbered instruments written out in full (`united nations ... resolution`), to expand `UNSCR`.
    long_names = {
        " ".join(_bare_name(key).split()[:-1]) for key in law_keys if len(_bare_name(key).split()) > 2
    }
    for key in law_keys:
        words = _bare_name(key).split()
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
            groups.union(key, f"law:{noun} {number}")


def _link_acronyms(frame: pd.DataFrame, groups: UnionFind, rules: NameRules) -> None:
    """Acronyms to their long forms: defined in the article, else implied by one long form in the corpus."""
    defined: dict[str, set[str]] = defaultdict(set)
    for row in frame[frame["acronym_of"].notna()].itertuples():
        long_key = _surface_key(row.acronym_of, "ORG", rules)
        groups.union(row.key, long_key)
        # The model may have taken the long form for a person elsewhere: it is the same name.
        groups.union(long_key, "person:" + _bare_name(long_key))
        defined[_unscoped(row.key)].add(long_key)

    long_forms: dict[str, set[str]] = defaultdict(set)
    for key in set(frame["key"]):
        words = _bare_name(key).split()
        if len(words) >= 2 and not key.startswith("law:"):
            long_forms[initials(_bare_name(key), rules)].add(key)
    for row in frame[frame["acronym_of"].isna()].itertuples():
        if not looks_like_acronym(row.text) or row.key.startswith(("country:", "law:")):
            continue
        if row.key in defined:
            targets = defined[row.key]
        else:
            targets = {groups.find(key) for key in long_forms.get(_bare_name(row.key).upper(), set())}
        if len({groups.find(target) for target in targets}) == 1:
            groups.union(row.key, next(iter(targets)))


def _link_surnames(frame: pd.DataFrame, groups: UnionFind, rules: NameRules) -> None:
    """A lone surname joins the full name it abbreviates, nearest article first."""
    people = frame[frame["key"].str.startswith("person:")]
    full_names_by_article: dict[str, set[str]] = defaultdict(set)
    full_names: set[str] = set()
    for article_id, key in zip(people["article_id"], people["key"], strict=True):
        if _is_full_name(key, rules):
            full_names_by_article[article_id].add(key)
            full_names.add(key)
    by_surname: dict[str, set[str]] = defaultdict(set)
    for key in full_names:
        by_surname[surname(_bare_name(key), rules)].add(key)

    for article_id, key in zip(people["article_id"], people["key"], strict=True):
        if _is_full_name(key, rules):
            continue
        last = surname(_bare_name(key), rules)
        local = {name for name in full_names_by_article[article_id] if name in by_surname[last]}
        matches = local or by_surname[last]
        if len({groups.find(name) for name in matches}) == 1:
            groups.union(key, next(iter(matches)))
        elif not matches:
            groups.union(key, _unscoped(key))


def _is_full_name(key: str, rules: NameRules) -> bool:
    return len([word for word in _bare_name(key).split() if word not in rules.name_particles]) >= 2


def _root_shared(frame: pd.DataFrame) -> pd.Series:
    """Whether a mention's group holds any other key (a bare acronym that found its long form)."""
    keys_per_root = frame.groupby("root")["key"].nunique()
    return frame["root"].map(keys_per_root).gt(1)


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
            "label": [entity_of_root[root][1] for root in frame["root"]],
            "entity_id": [entity_of_root[root][0] for root in frame["root"]],
            "ner_label": frame["ner_label"],
        }
    )
    # Explicit columns: every candidate may have been dropped as an unresolved bare acronym.
    entities = pd.DataFrame(entity_rows, columns=_ENTITY_COLUMNS).sort_values("entity_id", ignore_index=True)
    return mentions.sort_values(["article_id", "start_char"], ignore_index=True), entities


def _vote_label(members: pd.DataFrame) -> str:
    """Majority of the model's labels; a group known by an acronym or a country code is no person."""
    votes = Counter(members["ner_label"])
    if any(key.startswith("country:") for key in members["key"]):
        return "GPE"
    if any(key.startswith("law:") for key in members["key"]):
        return "LAW"
    if members["acronym_of"].notna().any() or members["candidate"].any():
        votes.pop(PERSON, None)
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
