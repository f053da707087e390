"""The furniture rules: word lists and patterns read from `pipeline/data/furniture.json`.

Kept as data so a user can teach the parser a new outlet's page furniture by
editing a file instead of the code. Regular expressions are compiled once per
rules object, on first use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from pipeline.datafiles import load_json


def fold(text: str) -> str:
    """Lower-case with curly apostrophes straightened, for phrase comparison."""
    return text.replace("\u2019", "'").replace("\u2018", "'").casefold()


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of `words`, longest first so `BREAKING NEWS` beats `BREAKING`."""
    items = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    parts = [re.escape(w).replace(r"\ ", r"\s+") for w in items]
    return "(?:" + "|".join(parts) + ")" if parts else "(?!)"


@dataclass(frozen=True)
class Limits:
    """Size thresholds: furniture lines are short, headlines and crossheads shorter."""

    furniture_line_chars: int
    navigation_line_words: int
    title_max_words: int
    title_max_chars: int
    heading_max_words: int
    heading_max_chars: int
    byline_max_chars: int
    place_max_words: int
    stamp_max_chars: int


@dataclass(frozen=True)
class CreditLine:
    """One credit-line pattern and the furniture kind of the lines it matches."""

    kind: str
    regex: re.Pattern[str]


@dataclass(frozen=True)
class FurnitureRules:
    """Word lists and patterns that recognise page furniture and front matter."""

    limits: Limits
    line_markers: tuple[str, ...]
    section_labels: tuple[str, ...]
    publication_header_keys: tuple[str, ...]
    other_header_keys: tuple[str, ...]
    publication_stamp_words: tuple[str, ...]
    other_stamp_words: tuple[str, ...]
    stamp_fillers: frozenset[str]
    relative_units: tuple[str, ...]
    relative_counts: tuple[str, ...]
    relative_words: tuple[str, ...]
    months: dict[str, int]
    weekdays: tuple[str, ...]
    notice_phrases: tuple[str, ...]
    navigation_phrases: frozenset[str]
    navigation_prefixes: tuple[str, ...]
    link_line: re.Pattern[str]
    masthead_sections: tuple[str, ...]
    agencies: tuple[str, ...]
    generic_agency_words: frozenset[str]
    credit_lines: tuple[CreditLine, ...]
    credit_verbs: tuple[str, ...]
    byline_prefixes: tuple[str, ...]
    byline_role_words: frozenset[str]
    name_particles: frozenset[str]
    place_regions: frozenset[str]

    @classmethod
    def load(cls, path: Path | str | None = None) -> FurnitureRules:
        """Read the rules from `path`, or the packaged `pipeline/data/furniture.json`."""
        data = load_json(path, "furniture.json")
        agencies = tuple(data["agencies"])
        agency = alternation(agencies)
        return cls(
            limits=Limits(**data["limits"]),
            line_markers=tuple(data["line_markers"]),
            section_labels=tuple(data["section_labels"]),
            publication_header_keys=tuple(fold(k) for k in data["header_keys"]["publication"]),
            other_header_keys=tuple(fold(k) for k in data["header_keys"]["other"]),
            publication_stamp_words=tuple(fold(w) for w in data["stamp_words"]["publication"]),
            other_stamp_words=tuple(fold(w) for w in data["stamp_words"]["other"]),
            stamp_fillers=frozenset(fold(w) for w in data["stamp_fillers"]),
            relative_units=tuple(data["relative_time"]["units"]),
            relative_counts=tuple(data["relative_time"]["counts"]),
            relative_words=tuple(data["relative_time"]["words"]),
            months={fold(k): int(v) for k, v in data["months"].items()},
            weekdays=tuple(data["weekdays"]),
            notice_phrases=tuple(fold(p) for p in data["notice_phrases"]),
            navigation_phrases=frozenset(fold(p) for p in data["navigation_phrases"]),
            navigation_prefixes=tuple(fold(p) for p in data["navigation_prefixes"]),
            link_line=re.compile(data["link_line"], re.IGNORECASE),
            masthead_sections=tuple(data["masthead_sections"]),
            agencies=agencies,
            generic_agency_words=frozenset(fold(w) for w in data["generic_agency_words"]),
            credit_lines=tuple(
                CreditLine(
                    kind=item["kind"],
                    regex=re.compile(item["pattern"].replace("{agency}", agency), re.IGNORECASE),
                )
                for item in data["credit_lines"]
            ),
            credit_verbs=tuple(data["credit_verbs"]),
            byline_prefixes=tuple(data["byline_prefixes"]),
            byline_role_words=frozenset(fold(w) for w in data["byline_role_words"]),
            name_particles=frozenset(fold(w) for w in data["name_particles"]),
            place_regions=frozenset(data["place_regions"]),
        )

    @cached_property
    def agency_keys(self) -> frozenset[str]:
        """Folded agency names, to tell wire copy from an outlet's own credit."""
        return frozenset(fold(a) for a in self.agencies)

    @cached_property
    def section_names(self) -> frozenset[str]:
        """Folded section labels and masthead sections: a line of just `World` is a label."""
        return frozenset(fold(w) for w in self.section_labels + self.masthead_sections)

    @cached_property
    def marker_re(self) -> re.Pattern[str]:
        """A line marker followed by a space or the end of the line."""
        return re.compile(alternation(self.line_markers) + r"(?=\s|$)")

    @cached_property
    def section_label_re(self) -> re.Pattern[str]:
        """An upper-case label such as `STORY:` (case-sensitive: `Story:` may be prose)."""
        return re.compile(alternation(self.section_labels) + r"\s*:(?=\s|$)")

    @cached_property
    def header_re(self) -> re.Pattern[str]:
        """`key` then a separator; the value (a date) is matched separately."""
        keys = alternation(self.publication_header_keys + self.other_header_keys)
        return re.compile(
            r"(?P<q>[\"']?)(?P<key>" + keys + r")(?P=q)"
            r"(?:\s*[:=]\s*|\s+(?=\d{4}-\d{1,2}-\d{1,2}))(?P<vq>[\"']?)",
            re.IGNORECASE,
        )

    @cached_property
    def stamp_word_re(self) -> re.Pattern[str]:
        """A stamp word (`Published`, `Last updated`...) as a whole word."""
        words = alternation(self.publication_stamp_words + self.other_stamp_words)
        return re.compile(r"\b(?P<word>" + words + r")\b(?:\s+(?:on|at))?\s*:?", re.IGNORECASE)

    @cached_property
    def masthead_re(self) -> re.Pattern[str]:
        """`<Outlet Name> <SECTION>`: capitalised name words, then an upper-case section."""
        word = r"[^\W\d_][\w.&'’-]*"
        sections = alternation(self.masthead_sections)
        return re.compile(rf"(?P<outlet>{word}(?:\s+{word}){{0,4}}?)\s+(?P<section>{sections})")

    @cached_property
    def month_re(self) -> str:
        """Month names and abbreviations (with an optional full stop), as a regex fragment."""
        return alternation(self.months) + r"\.?"

    @cached_property
    def iso_date_re(self) -> re.Pattern[str]:
        """`2024-12-03`, with an optional time: how machine headers write dates."""
        return re.compile(
            r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
            r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?!\d)"
        )

    @cached_property
    def date_res(self) -> tuple[re.Pattern[str], ...]:
        """Complete dates: ISO, `December 02,2024`, `2 Dec. 2024`, `02.12.2024`, `12/31/2024`.

        Groups: `y`, and `m` (number) or `mon` (name), and `d`; slashed dates
        with two small numbers use `a`/`b` because their order is ambiguous.
        """
        month = r"(?P<mon>(?i:" + self.month_re + "))"
        day = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
        others = (
            r"\b(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})\b",
            r"\b" + month + r"\s*" + day + r"(?:\s*,\s*|\s+)(?P<y>\d{4})\b",
            r"\b" + day + r"\s+(?:of\s+)?" + month + r",?\s+(?P<y>\d{4})\b",
            r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})\b",
            r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})\b",
        )
        return (self.iso_date_re, *(re.compile(p) for p in others))

    @cached_property
    def month_day_re(self) -> re.Pattern[str]:
        """A date without a year, as written in a wire dateline: `Dec 2`, `2 December`."""
        month = r"(?i:" + self.month_re + ")"
        return re.compile(r"(?:" + month + r"\s*\d{1,2}\b|\d{1,2}\s+" + month + ")")

    @cached_property
    def inline_dateline_re(self) -> re.Pattern[str]:
        """A wire dateline opening a paragraph: `WASHINGTON, Dec 2 (Reuters) -`, `BEIRUT (AP) —`."""
        word = r"[^\W\d_][\w'’.-]*"
        return re.compile(
            r"(?P<place>" + word + r"(?:\s+" + word + r"){0,3}?)"
            r"(?:,\s*" + word + r"(?:\s+" + word + r"){0,2}?)?"
            r"(?:,?\s*(?P<date>" + self.month_day_re.pattern + r"))?"
            r"(?:\s*\((?P<agency>[^()\n]{1,40})\))?"
            r"\s*(?:[-–—]+|:)(?=\s)"
        )

    @cached_property
    def relative_time_re(self) -> re.Pattern[str]:
        """`3 hours ago`, `a day ago`, `yesterday`..."""
        count = r"(?:\d+|" + alternation(self.relative_counts) + ")"
        return re.compile(
            r"\b(?:" + count + r"\s+" + alternation(self.relative_units) + r"\s+ago"
            r"|" + alternation(self.relative_words) + r")\b",
            re.IGNORECASE,
        )

    @cached_property
    def weekday_re(self) -> re.Pattern[str]:
        """Weekday names, with an optional full stop."""
        return re.compile(r"\b" + alternation(self.weekdays) + r"\b\.?", re.IGNORECASE)

    @cached_property
    def credit_verb_re(self) -> re.Pattern[str]:
        """`, Caliber.Az reports.`: an outlet crediting itself at the end of a sentence."""
        name = r"[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,3}"
        verbs = alternation(self.credit_verbs)
        return re.compile(rf"(?:,|\s[-–—])\s*(?P<source>{name})\s+{verbs}(?=\s*(?:[.;]|$))")


@cache
def default_rules() -> FurnitureRules:
    """The packaged rules, read once per process."""
    return FurnitureRules.load()
