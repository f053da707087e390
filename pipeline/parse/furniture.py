"""Line by line: which characters are page furniture and which are content.

Furniture is peeled off the start of a line (header stamp, section label,
line marker, in any order and repeated), then the rest of the line is either
furniture as a whole (notice, navigation, stamp, credit, masthead) or content.
The facts the furniture carries (publication date, outlet, credits) are
collected on the way, because that is the only place they are stated.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from pipeline.parse.dates import datetime_only, find_date
from pipeline.parse.model import Span
from pipeline.parse.rules import FurnitureRules, fold

_NEWLINE = re.compile(r"\r\n|\r|\n")
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"
_NAV_SEPARATORS = re.compile(r"[|•·/›»>,]|\s[-–—]\s")
_SOURCE_SPLIT = re.compile(r"\s*(?:[,;/&+]|\band\b)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Segment:
    """The content part of one line, trimmed; `after_header` when a header stamp preceded it."""

    start: int
    end: int
    line: int
    after_header: bool


@dataclass
class Scan:
    """Everything the line pass found: furniture, content segments and stated facts."""

    furniture: list[Span] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    published: dt.date | None = None
    outlet: str | None = None
    copyright_holder: str | None = None
    credits: list[tuple[int, str]] = field(default_factory=list)
    agency_credit: bool = False
    credited_authors: list[str] = field(default_factory=list)


def lines(text: str) -> list[tuple[int, int]]:
    """Each line's trimmed (start, end); blank lines give start == end."""
    bounds, pos = [], 0
    for match in _NEWLINE.finditer(text):
        bounds.append((pos, match.start()))
        pos = match.end()
    bounds.append((pos, len(text)))
    return [trim(text, start, end) for start, end in bounds]


def _blank(char: str) -> bool:
    """Whitespace, or an invisible byte-order mark / zero-width space left by a scraper."""
    return char.isspace() or char in _INVISIBLE


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink `[start, end)` past surrounding whitespace."""
    while start < end and _blank(text[start]):
        start += 1
    while end > start and _blank(text[end - 1]):
        end -= 1
    return start, end


def scan(text: str, rules: FurnitureRules) -> Scan:
    """Split `text` into furniture spans and content segments, line by line."""
    result = Scan()
    for number, (start, end) in enumerate(lines(text)):
        if start == end:
            continue
        start, after_header = _peel(text, start, end, rules, result)
        if start == end:
            continue
        kind = None
        if end - start <= rules.limits.furniture_line_chars:
            kind = _line_kind(text, start, end, rules, result)
        if kind:
            result.furniture.append(Span(start, end, kind))
        else:
            result.segments.append(Segment(start, end, number, after_header))
    return result


def _peel(text: str, start: int, end: int, rules: FurnitureRules, result: Scan) -> tuple[int, bool]:
    """Take header stamps, section labels and line markers off the start of a line."""
    after_header = False
    while start < end:
        stop, kind = _header(text, start, end, rules, result), "header"
        if stop is None:
            match = rules.section_label_re.match(text, start, end)
            kind = "section_label"
            if match is None:
                match = rules.marker_re.match(text, start, end)
                kind = "marker"
            if match is None:
                break
            stop = match.end()
        after_header = after_header or kind == "header"
        result.furniture.append(Span(*trim(text, start, stop), kind))
        start, _ = trim(text, stop, end)
    return start, after_header


def _header(text: str, start: int, end: int, rules: FurnitureRules, result: Scan) -> int | None:
    """End of a machine `key value` header (`date 2024-12-03`, `"published": "..."`) at `start`.

    Only ISO dates: `Updated: 4 Dec 2024` is a human stamp, read as a whole line.
    """
    match = rules.header_re.match(text, start, end)
    value = match and rules.iso_date_re.match(text, match.end(), end)
    found = value and find_date(value.group(), rules)
    if not (match and value and found):
        return None
    stop = value.end()
    quote = match.group("vq")
    if quote and not text.startswith(quote, stop):
        return None
    stop += len(quote)
    stop = stop + 1 if text.startswith(",", stop) else stop
    if fold(match.group("key")) in rules.publication_header_keys and result.published is None:
        result.published = found[0]
    return stop


def _line_kind(text: str, start: int, end: int, rules: FurnitureRules, result: Scan) -> str | None:
    """The furniture kind of the line `text[start:end]`, or None when it is content."""
    line = text[start:end]
    folded = fold(line)
    if any(phrase in folded for phrase in rules.notice_phrases):
        return "notice"
    if rules.link_line.match(line):
        return "link"
    if " ".join(folded.rstrip(":").split()) in rules.section_names:
        return "section_label"
    if folded.startswith(rules.navigation_prefixes) or _navigation_only(folded, rules):
        return "navigation"
    if _stamp(line, rules, result):
        return "publication_stamp"
    for credit in rules.credit_lines:
        match = credit.regex.match(line)
        if match and all(_source_like(s, rules) for s in _sources(match)):
            _record_credit(match, start, rules, result)
            return credit.kind
    masthead = rules.masthead_re.fullmatch(line)
    if masthead and _is_name(masthead.group("outlet")):
        result.outlet = result.outlet or masthead.group("outlet")
        return "masthead"
    return None


def _navigation_only(folded: str, rules: FurnitureRules) -> bool:
    """Whether the line is nothing but navigation: `Share Facebook Twitter Email`, breadcrumbs."""
    parts = [" ".join(p.split()) for p in _NAV_SEPARATORS.split(folded)]
    if len(parts) > 1 and all(parts) and _breadcrumbs(parts, rules):
        return True
    words = [w.strip(".!:") for w in _NAV_SEPARATORS.sub(" ", folded).split()]
    words = [w for w in words if w]
    if not words or len(words) > rules.limits.navigation_line_words:
        return False
    reachable = [True] + [False] * len(words)
    for i in range(len(words)):
        if reachable[i]:
            for j in range(i + 1, len(words) + 1):
                phrase = " ".join(words[i:j])
                if phrase in rules.navigation_phrases or phrase in rules.section_names:
                    reachable[j] = True
    return reachable[-1]


def _breadcrumbs(parts: list[str], rules: FurnitureRules) -> bool:
    """`News | Syria's War`: short separated parts, one of them a section or navigation name."""
    known = rules.navigation_phrases | rules.section_names
    return all(len(p.split()) <= 4 for p in parts) and any(p in known for p in parts)


def _stamp(line: str, rules: FurnitureRules, result: Scan) -> bool:
    """A `Published <date>` / `Updated 3 hours ago` line; notes the publication date."""
    if len(line) > rules.limits.stamp_max_chars or not rules.stamp_word_re.match(line):
        return False
    if not datetime_only(line, rules):
        return False
    words = list(rules.stamp_word_re.finditer(line))
    for word, following in zip(words, [*words[1:], None], strict=True):
        if " ".join(fold(word.group("word")).split()) not in rules.publication_stamp_words:
            continue
        found = find_date(line[word.end() : following.start() if following else len(line)], rules)
        if found and result.published is None:
            result.published = found[0]
    return True


def _sources(match: re.Match[str]) -> list[str]:
    """The credited names in a credit line: `Reuters and AFP` -> [`Reuters`, `AFP`]."""
    listed = match.groupdict().get("sources") or ""
    return [name for name in (s.strip(" .()") for s in _SOURCE_SPLIT.split(listed)) if name]


def _source_like(name: str, rules: FurnitureRules) -> bool:
    """A name (`Al Jazeera`, `AFP`) or `agencies`, not a sentence (`Sources: Assad fled`)."""
    words = name.split()
    generic = fold(name) in rules.generic_agency_words
    return generic or (len(words) <= 5 and all(w[0].isupper() or w[0].isdigit() for w in words))


def _record_credit(match: re.Match[str], start: int, rules: FurnitureRules, result: Scan) -> None:
    groups = match.groupdict()
    for name in _sources(match):
        credit = "agencies" if fold(name) in rules.generic_agency_words else name
        wire = credit == "agencies" or fold(credit) in rules.agency_keys
        result.agency_credit = result.agency_credit or wire
        result.credits.append((start + match.start("sources"), credit))
    if groups.get("authors"):
        result.credited_authors.append(groups["authors"])
    if groups.get("outlet"):
        result.copyright_holder = result.copyright_holder or groups["outlet"].strip()


def _is_name(phrase: str) -> bool:
    """Capitalised words, not all upper case: how an outlet's name is printed in a masthead."""
    words = phrase.split()
    return all(w[0].isupper() for w in words) and not phrase.isupper()
