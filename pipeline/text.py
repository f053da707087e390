"""Comparing names across outlets: folding spelling variants to keys, and acronyms.

Outlets write the same name as `Hay’at`/`Hayat`, `U.S.`/`US`, `Türkiye`/`Turkiye`,
`al-Assad`/`al Assad`; a key erases those differences and nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from anyascii import anyascii

from pipeline.datafiles import load_json

_APOSTROPHES = re.compile(r"['’‘`´]")
_POSSESSIVE = re.compile(r"(?:['’]s|s['’])$", re.IGNORECASE)
_NON_WORD = re.compile(r"[^a-z0-9]+")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.]{1,9}$")


@dataclass(frozen=True)
class NameRules:
    """Word lists that steer key-making and acronym matching (`pipeline/data/entity_rules.json`)."""

    person_titles: frozenset[str]
    government_nouns: frozenset[str]
    name_particles: frozenset[str]
    name_suffixes: frozenset[str]
    organisation_suffixes: frozenset[str]
    acronym_function_words: frozenset[str]
    determiners: frozenset[str]
    abbreviations: dict[str, str]
    instrument_nouns: frozenset[str]
    place_nouns: frozenset[str]
    # Kinds of place whose `<kind> of <name>` is the name alone: `the City of Palmer` is `Palmer`.
    settlement_nouns: frozenset[str]
    # The kind of unit a body is, which writers often leave out or vary: `Betty Ford Center` / `Clinic`.
    unit_nouns: frozenset[str]
    # Those of them for a place that houses a body, which is often named without them: `Morningside`.
    facility_nouns: frozenset[str]
    # Prepositions whose object is where someone is (`at Betty Ford`), and those that are a move to or from
    # a place only after a word of moving (`going back to`, `check-in to`, `out of`).
    place_prepositions: frozenset[str]
    movement_prepositions: frozenset[str]
    movement_words: frozenset[str]
    # Verbs whose object is a place one goes in or out of: `leaves Betty Ford`.
    leaving_verbs: frozenset[str]
    # Nouns for a school, whose initial follows its name's in its acronym: `CU` for Creighton University.
    school_nouns: frozenset[str]
    # Words that join the words of a name and carry no meaning of their own: `Commission for Elections`.
    connecting_words: frozenset[str]
    # Teams' nicknames that are not plurals, after the place a team is named for: `Red Sox`, `Miami Heat`.
    team_nicknames: frozenset[str]
    # Plurals that end the names of bodies other than teams: `Los Angeles Times`, `Daily News`.
    body_plurals: frozenset[str]
    # Nouns for a kind of body that every country, state or city has: `Court`, `Parliament`, `News`.
    generic_body_nouns: frozenset[str]
    # Words that narrow such a kind without naming which body it is: `Supreme`, `Interior`, `Daily`.
    generic_body_qualifiers: frozenset[str]
    # Familiar given names and the formal ones they stand for: `bill` -> `william`.
    familiar_names: dict[str, frozenset[str]]
    # Nouns for a person by role or kin, which a headline writes where the story names them: `Man held`.
    role_nouns: frozenset[str]
    # Nouns of a sport or a side's play that a team's place modifies: `North Carolina basketball`.
    sport_nouns: frozenset[str]
    # Nouns for a police force, which news writes after the place it serves: `Staunton police said`.
    police_nouns: frozenset[str]
    # Ranks and roles a body's member is named by right after its name: `Palmer Police Sgt. Ann Lee`.
    rank_titles: frozenset[str]

    @classmethod
    def load(cls, path: Path | None = None) -> NameRules:
        """Read the rules from `path`, or the packaged defaults."""
        data = load_json(path, "entity_rules.json")
        return cls(
            person_titles=frozenset(data["person_titles"]),
            government_nouns=frozenset(data["government_nouns"]),
            name_particles=frozenset(data["name_particles"]),
            name_suffixes=frozenset(data["name_suffixes"]),
            organisation_suffixes=frozenset(data["organisation_suffixes"]),
            acronym_function_words=frozenset(data["acronym_function_words"]),
            determiners=frozenset(data["determiners"]),
            abbreviations=dict(data["abbreviations"]),
            instrument_nouns=frozenset(data["instrument_nouns"]),
            place_nouns=frozenset(data["place_nouns"]),
            settlement_nouns=frozenset(data["settlement_nouns"]),
            unit_nouns=frozenset(data["unit_nouns"]),
            facility_nouns=frozenset(data["facility_nouns"]),
            place_prepositions=frozenset(data["place_prepositions"]),
            movement_prepositions=frozenset(data["movement_prepositions"]),
            movement_words=frozenset(data["movement_words"]),
            leaving_verbs=frozenset(data["leaving_verbs"]),
            school_nouns=frozenset(data["school_nouns"]),
            connecting_words=frozenset(data["connecting_words"]),
            team_nicknames=frozenset(data["team_nicknames"]),
            body_plurals=frozenset(data["body_plurals"]),
            generic_body_nouns=frozenset(data["generic_body_nouns"]),
            generic_body_qualifiers=frozenset(data["generic_body_qualifiers"]),
            familiar_names={name: frozenset(formal) for name, formal in data["familiar_names"].items()},
            role_nouns=frozenset(data["role_nouns"]),
            sport_nouns=frozenset(data["sport_nouns"]),
            police_nouns=frozenset(data["police_nouns"]),
            rank_titles=frozenset(data["rank_titles"]),
        )


@cache
def default_rules() -> NameRules:
    """The packaged rules, read once per process."""
    return NameRules.load()


@dataclass(frozen=True)
class SpellingRules:
    """British-to-US spelling folds, applied to both sides of a comparison only."""

    rules: tuple[tuple[re.Pattern[str], str], ...]
    words: dict[str, str]
    _folded: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def load(cls, path: Path | None = None) -> SpellingRules:
        """Read the rules from `path`, or the packaged defaults."""
        data = load_json(path, "spelling_variants.json")
        return cls(
            rules=tuple((re.compile(rule["pattern"]), rule["replace"]) for rule in data["rules"]),
            words=dict(data["words"]),
        )

    def fold(self, word: str) -> str:
        """The US form of a lower-case word (`destabilise` -> `destabilize`); other words unchanged."""
        folded = self._folded.get(word)
        if folded is None:
            folded = self.words.get(word, word)
            for pattern, replace in self.rules:
                folded, changed = pattern.subn(replace, folded)
                if changed:
                    break
            self._folded[word] = folded
        return folded


@cache
def default_spelling() -> SpellingRules:
    """The packaged spelling rules, read once per process."""
    return SpellingRules.load()


def name_key(text: str, rules: NameRules | None = None) -> str:
    """Fold a surface form to a comparison key: ASCII, lower case, no punctuation.

    `The Hay’at Tahrir al-Sham's` and `Hayat Tahrir al Sham` share the key
    `hayat tahrir al sham`; `U.S.` becomes `us`.
    """
    rules = rules or default_rules()
    folded = anyascii(_POSSESSIVE.sub("", text.strip()))
    folded = _APOSTROPHES.sub("", folded).replace(".", "").lower()
    words = _NON_WORD.sub(" ", folded).split()
    while len(words) > 1 and words[0] in rules.determiners:
        words = words[1:]
    return " ".join(words)


def strip_titles(key: str, rules: NameRules | None = None) -> str:
    """Drop leading titles and roles from a person key: `spokesperson matthew miller` -> `matthew miller`."""
    rules = rules or default_rules()
    words = key.split()
    while len(words) > 1 and words[0] in rules.person_titles:
        words = words[1:]
    return " ".join(words)


def strip_legal_form(key: str, rules: NameRules | None = None) -> str:
    """Drop a trailing legal form from an organisation key: `microsoft corp` -> `microsoft`."""
    rules = rules or default_rules()
    words = key.split()
    while len(words) > 1 and words[-1] in rules.organisation_suffixes:
        words = words[:-1]
    return " ".join(words)


def surname(key: str, rules: NameRules | None = None) -> str:
    """The last name of a person key, without particles or suffixes: `bashar al assad` -> `assad`."""
    rules = rules or default_rules()
    words = _name_words(key, rules)
    return words[-1] if words else key


def _name_words(key: str, rules: NameRules) -> list[str]:
    words = [word for word in key.split() if word not in rules.name_particles]
    while len(words) > 1 and words[-1] in rules.name_suffixes:
        words = words[:-1]
    return words


def given_names_compatible(first: str, second: str, rules: NameRules | None = None) -> bool:
    """Whether two person keys with one surname can name one person.

    Every given name of the shorter must stand for one of the longer's: the
    same word, its initial, or a shortened form (`w mark felt` / `mark felt`,
    `fred larue` / `frederick c larue`), so `jane miller` and `matthew miller`
    stay two people, and so do `mark felt jr` and `mark felt sr`.
    """
    rules = rules or default_rules()
    first_words, second_words = _name_words(first, rules), _name_words(second, rules)
    if not first_words or not second_words or first_words[-1] != second_words[-1]:
        return False
    first_suffixes, second_suffixes = _suffixes(first, rules), _suffixes(second, rules)
    if first_suffixes and second_suffixes and first_suffixes != second_suffixes:
        return False
    shorter, longer = sorted((first_words[:-1], second_words[:-1]), key=len)
    return all(any(_same_given_name(word, other) for other in longer) for word in shorter)


def _suffixes(key: str, rules: NameRules) -> set[str]:
    return {word for word in key.split() if word in rules.name_suffixes}


def _same_given_name(word: str, other: str) -> bool:
    if len(word) == 1 or len(other) == 1:
        return word[0] == other[0]
    short, long = sorted((word, other), key=len)
    return long.startswith(short) and len(short) >= 3


def looks_like_acronym(text: str) -> bool:
    """Upper-case token of two or more letters such as `HTS`, `U.N.`, `UNSCR`."""
    stripped = text.strip()
    letters = stripped.replace(".", "").replace("&", "")
    return bool(_ACRONYM.match(stripped)) and letters.isupper() and sum(c.isalpha() for c in letters) >= 2


def initials(long_form: str, rules: NameRules | None = None) -> str:
    """The acronym a long form abbreviates to, in upper case.

    Upper-case words contribute all their letters (`UN Security Council` ->
    `UNSC`), hyphenated words after a particle contribute the name part
    (`al-Sham` -> `S`), function words nothing.
    """
    rules = rules or default_rules()
    letters = []
    for word in re.split(r"\s+", anyascii(long_form).strip()):
        parts = [part for part in re.split(r"-", word.replace(".", "")) if part]
        parts = [part for part in parts if part.lower() not in rules.name_particles] or parts
        for part in parts:
            clean = re.sub(r"[^A-Za-z0-9]", "", part)
            if not clean or clean.lower() in rules.acronym_function_words:
                continue
            letters.append(clean if clean.isupper() and len(clean) > 1 else clean[0])
    return "".join(letters).upper()


def matches_acronym(acronym: str, long_form: str, rules: NameRules | None = None) -> bool:
    """Whether `acronym` abbreviates `long_form` (`HTS` / `Hayat Tahrir al-Sham`)."""
    letters = re.sub(r"[^A-Za-z0-9]", "", anyascii(acronym)).upper()
    if len(letters) < 2:
        return False
    return initials(long_form, rules) == letters
