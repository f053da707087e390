"""Time expressions from a parsed article, normalized to ISO 8601 without guessing.

A small grammar (month and weekday names here, every other word in
`pipeline/data/time_words.json`) finds and reads each expression in the
parse view, so it also reads the dates inside spaCy's TIME entities
(`Monday night`) and the ones the model misses. spaCy's DATE entities vouch
for readings that are ambiguous on their own (a bare `2015`, `May`), and
other entities veto names that only look like dates (`Theresa May`,
`Windows Server 2003`). What the grammar cannot read (`the day`, `years`,
`recent days`) is skipped rather than guessed.

Values: a day `2024-12-02`, an ISO week `2024-W48`, a month `2024-11`, a year
`2011`, a decade `199X` and a century `20XX` (ISO 8601-2 unspecified digits,
so a decade never reads as a year), a range `2025-01-05/2025-01-07`, and a
duration `P10Y` / `PT48H`. Words that relate an expression to its event
(`since`, `before`, `by`) stay outside the span and go to `modifier`, as do
qualifiers inside it (`more than a decade`, `mid-2023`).

Expressions that do not name their own year resolve against the article's
publication date, else the latest full date the article writes, else the
date of its story; durations are never dated. A year-less date goes to the
year nearest the anchor, unless the verb it depends on is past or future.

Extraction is per batch (`time_candidates`): each relative expression keeps
its `Relative` rule, as data. Anchoring an undated article on its story is
the one step across batches (`time_expressions`), and needs no parse.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, timedelta
from functools import cache, cached_property
from pathlib import Path

import pandas as pd
from spacy.tokens import Doc
from spacy.vocab import Vocab

from pipeline.datafiles import load_json
from pipeline.extract.sentences import SentenceSpan, sentence_at, spans_by_article

ABSOLUTE = "absolute"
PUBLICATION_DATE = "publication_date"
LATEST_DATE = "latest_date"
STORY_DATE = "story_date"
UNRESOLVED = "unresolved"
DURATION = "duration"

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_FULL_MONTHS = list(_MONTHS)[:12]
# Month names that are also common words: they need a DATE entity or a preposition to count.
_AMBIGUOUS_MONTHS = frozenset({"may", "march"})
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
             "sunday": 6}  # fmt: skip
# Read only in front of a full date (`Sun., Dec. 1, 2024`): on their own they are too often words.
_WEEKDAY_ABBREVIATIONS = ("mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun")
# Entities a date name may stand inside without being part of a name (`Monday night` is TIME).
_NEUTRAL_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL"})
_QUARTERS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
# ISO 8601-2 season codes in calendar order from spring; a winter belongs to the year of its December.
_SEASON_CODES = ("SP", "SU", "FA", "WI")
_EMPTY_DOC = Doc(Vocab())  # a parse with no tokens: every reading stands on its text alone
_ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                  "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
                  "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
                  "nineteenth": 19, "twentieth": 20, "twenty-first": 21, "twenty-second": 22}  # fmt: skip


@dataclass(frozen=True)
class TimeExpression:
    """One row of `time_expressions`."""

    time_id: str
    article_id: str
    sentence_id: int
    start_char: int
    end_char: int
    text: str
    value: str | None
    granularity: str
    anchor: str
    anchor_date: date | None
    modifier: str | None


@dataclass(frozen=True)
class TimeCandidate(TimeExpression):
    """One row of `time_candidates`: an expression and, when relative, the rule that dates it."""

    relative_rule: str | None
    relative_args: list[int] | None


@dataclass(frozen=True, eq=False)
class TimeWords:
    """The words of `pipeline/data/time_words.json`: all of the grammar but month and weekday names."""

    numbers: dict[str, float]
    units: dict[str, dict]
    unit_of_form: dict[str, str]
    shifts: dict[str, int]
    shift_units: frozenset[str]
    within_period: dict[str, str]
    relative_days: dict[str, int]
    ago: dict[str, int]
    duration_leads: frozenset[str]
    single_duration_leads: frozenset[str]
    qualifiers: frozenset[str]
    relations: dict[str, str]
    following_relations: dict[str, str]
    range_modifiers: tuple[str, str]
    positions: dict[str, str]
    year_context: frozenset[str]
    frequency_context: frozenset[str]
    not_weekday_after: frozenset[str]
    generic_leads: frozenset[str]
    holidays: dict[str, str]
    seasons: dict[str, str]
    parts_of_day: frozenset[str]
    future_auxiliaries: frozenset[str]

    @classmethod
    def load(cls, path: Path | None = None) -> TimeWords:
        """Read the vocabulary from `path`, or the packaged defaults."""
        data = load_json(path, "time_words.json")
        units = dict(data["units"])
        return cls(
            numbers={_key(k): float(v) for k, v in data["numbers"].items()},
            units=units,
            unit_of_form={_key(form): unit for unit, spec in units.items() for form in spec["forms"]},
            shifts={_key(k): int(v) for k, v in data["shifts"].items()},
            shift_units=frozenset(data["shift_units"]),
            within_period={_key(k): v for k, v in data["within_period"].items()},
            relative_days={_key(k): int(v) for k, v in data["relative_days"].items()},
            ago={_key(k): int(v) for k, v in data["ago"].items()},
            duration_leads=frozenset(map(_key, data["duration_leads"])),
            single_duration_leads=frozenset(map(_key, data["single_duration_leads"])),
            qualifiers=frozenset(map(_key, data["qualifiers"])),
            relations={_key(k): v for k, v in data["relations"].items()},
            following_relations={_key(k): v for k, v in data["following_relations"].items()},
            range_modifiers=(data["range_modifiers"]["first"], data["range_modifiers"]["last"]),
            positions={_key(k): v for k, v in data["positions"].items()},
            year_context=frozenset(map(_key, data["year_context"])),
            frequency_context=frozenset(map(_key, data["frequency_context"])),
            not_weekday_after=frozenset(map(_key, data["not_weekday_after"])),
            generic_leads=frozenset(map(_key, data["generic_leads"])),
            holidays={_key(k): v for k, v in data["holidays"].items()},
            seasons={_key(k): v for k, v in data["seasons"].items()},
            parts_of_day=frozenset(map(_key, data["parts_of_day"])),
            future_auxiliaries=frozenset(map(_key, data["future_auxiliaries"])),
        )


@cache
def default_time_words() -> TimeWords:
    """The packaged vocabulary, read once per process."""
    return TimeWords.load()


def _key(phrase: str) -> str:
    return " ".join(phrase.lower().replace("-", " ").replace("\u2019", "'").split())


def _alt(phrases: Iterable[str]) -> str:
    """A regex alternation of phrases, longest first, spaces matching any white space or a hyphen."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(r"(?:\s+|\s?-\s?)".join(map(re.escape, p.split())) for p in ordered)


@dataclass(frozen=True)
class Relative:
    """How a relative expression is dated once an anchor is known: a rule of `RULES` and its integers.

    Data rather than a closure, so a batch's table can keep it and a later step can date the
    expression against a date it learns only then (the story's).
    """

    rule: str
    args: tuple[int, ...]

    def resolve(self, anchor: date, granularity: str) -> str | None:
        """The value against `anchor`; None when the rule has no answer there."""
        return RULES[self.rule](anchor, granularity, *self.args)


@dataclass(frozen=True)
class _Reading:
    """An expression as read, before it is dated.

    `value` is set when the text is enough (it names its year, or it is a
    duration); otherwise `relative` turns an anchor date into the value.
    `day` is an absolute full date, a candidate for the article's latest date.
    """

    start: int
    end: int
    granularity: str
    value: str | None = None
    relative: Relative | None = None
    modifier: str | None = None
    day: date | None = None


@dataclass(frozen=True)
class _Context:
    """What a pattern's reader needs besides its match: the text, its entities, the vocabulary."""

    view: str
    doc: Doc
    entities: Sequence[tuple[int, int, str]]
    words: TimeWords

    def labels(self, start: int, end: int) -> set[str]:
        """Labels of the entities overlapping `start:end` (entities are sorted and never overlap)."""
        found = set()
        index = bisect_right(self._entity_ends, start)
        while index < len(self.entities) and self.entities[index][0] < end:
            found.add(self.entities[index][2])
            index += 1
        return found

    @cached_property
    def _entity_ends(self) -> list[int]:
        return [end for _, end, _ in self.entities]

    def word_before(self, start: int, words: Iterable[str]) -> str | None:
        """The longest of `words` that ends right before `start` (white space between), as a key."""
        found = _ending(tuple(sorted(words))).search(self.view, max(0, start - 40), start)
        return _key(found["w"]) if found else None

    def word_after(self, end: int, words: Iterable[str]) -> str | None:
        """The longest of `words` that starts right after `end`, as a key."""
        found = _starting(tuple(sorted(words))).match(self.view, end)
        return _key(found["w"]) if found else None

    def vouched(self, start: int, end: int) -> bool:
        """A DATE entity covers it, or a word before it makes it a time (`in`, `since`).

        A TIME entity does not: `1336` in `1336 GMT` is a clock time.
        """
        labels = self.labels(start, end)
        if "DATE" in labels:
            return True
        return not labels and self.word_before(start, self.words.year_context) is not None

    def tense(self, start: int, end: int) -> int:
        """-1 when the verb the expression depends on is past (`was killed in February`), 1 when
        future (`will meet on Monday`), 0 when the parse does not say."""
        span = self.doc.char_span(start, end, alignment_mode="expand") if len(self.doc) else None
        if span is None or not self.doc.has_annotation("DEP"):
            return 0
        token = span.root
        while token.pos_ not in {"VERB", "AUX"} and token.head.i != token.i:
            token = token.head
        auxiliaries = [child for child in token.children if child.dep_ in {"aux", "auxpass"}]
        if any(child.lower_ in self.words.future_auxiliaries for child in auxiliaries):
            return 1
        return -1 if "VBD" in {token.tag_, *(child.tag_ for child in auxiliaries)} else 0

    def named(self, start: int, end: int) -> bool:
        """It stands inside a name the model found (`Theresa May`, `Black Friday`)."""
        return bool(self.labels(start, end) - _NEUTRAL_LABELS)


@cache
def _ending(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w'])(?P<w>{_alt(phrases)})\s*$", re.IGNORECASE)


@cache
def _starting(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"\s+(?P<w>{_alt(phrases)})(?![\w])", re.IGNORECASE)


# A reader returns one reading, or two for a range (`Jan. 5-7`: its first and last day), or None.
_Reader = Callable[[re.Match[str], _Context], "_Reading | tuple[_Reading, _Reading] | None"]


def _patterns(words: TimeWords) -> list[tuple[re.Pattern[str], _Reader]]:
    """The grammar: each pattern with the function that reads its matches, most specific first."""
    month = rf"(?:{_alt(_MONTHS)})\b(?:\s?\.)?"
    full_month = rf"(?:{_alt(_FULL_MONTHS)})\b"
    weekday = rf"(?:{_alt([*_WEEKDAYS, *_WEEKDAY_ABBREVIATIONS])})\b\.?"
    day = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\d:])(?![.,]\d)"
    year = r"(?<![\d$£€.,/])(?<!/ )(?:1\d{3}|20\d{2})(?![\w%])(?![.,]\d)(?!\s?/)"
    spelled = _alt(words.numbers)
    # Not the end of a fraction: `2-1/2 year` is no two years.
    number = rf"(?<![/.,])(?<!/ )(?:\d+(?:\.\d+)?|(?:{spelled})(?:\s?-\s?(?:{spelled}))?)"
    figure = _alt(k for k in words.numbers if k not in {"a", "an", "half a"})
    number_word = rf"(?<![/.,])(?<!/ )(?:\d+|(?:{figure})(?:\s?-\s?(?:{figure}))?)"
    units = _alt(words.unit_of_form)
    unit = _alt(words.units)
    position = rf"(?:(?P<pos>{_alt(words.positions)})(?:\s+|\s?-\s?))?"
    qualifier = rf"(?:(?P<q>{_alt(words.qualifiers)})\s+)?"
    shift = rf"(?P<shift>{_alt(words.shifts)})"
    part_of_day = rf"(?:\s+(?:{_alt(words.parts_of_day)})\b)?"
    weekday_prefix = rf"(?:(?P<wd>{weekday})\s*,?\s*)?"
    range_end = rf"(?:\s?-\s?(?:(?P<m2>{month})\s*)?(?P<d2>{day}))?"
    grammar: list[tuple[str, _Reader]] = [
        (r"(?<![\d/-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?![\d-])", _read_iso),
        (r"(?<![\d/])(?P<a>\d{1,2})\s?/\s?(?P<b>\d{1,2})\s?/\s?(?P<y>\d{4})(?!\d)", _read_numeric),
        (rf"{weekday_prefix}(?P<m>{month})\s*(?P<d>{day}){range_end}(?:\s*,?\s*(?P<y>{year}))?", _read_day),
        (
            rf"{weekday_prefix}(?<![\d.,$])(?P<d>{day})(?:\s?-\s?(?P<d2>{day}))?\s+(?:of\s+)?(?P<m>{month})"
            rf"(?:\s*,?\s*(?P<y>{year}))?",
            _read_day,
        ),
        (rf"{position}(?P<m>{month})\s*,?\s*(?:of\s+)?(?P<y>{year})", _read_month_year),
        (rf"(?P<y>{year})\s?-\s?(?P<y2>{year})", _read_year_range),
        (rf"{position}(?P<y>{year})", _read_year),
        (rf"{position}(?P<dec>1\d{{2}}0|20\d0)\s?'?s\b", _read_decade),
        (
            rf"{position}(?P<c>\d{{1,2}}(?:st|nd|rd|th)|{_alt(_ORDINAL_WORDS)})(?:\s+|\s?-\s?)century\b",
            _read_century,
        ),
        (rf"{position}(?P<season>{_alt(words.seasons)})(?:\s+of)?\s*,?\s+(?P<y>{year})", _read_season),
        (rf"{position}{shift}\s+(?P<season>{_alt(words.seasons)})\b", _read_season),
        (rf"(?P<q>{_alt(_QUARTERS)})\s+quarter\s+(?:of\s+)?(?P<y>{year})", _read_quarter),
        (rf"Q(?P<q>[1-4])\s*,?\s*(?P<y>{year})", _read_quarter),
        (rf"(?P<h>{_alt(words.holidays)})\b(?:\s*,?\s*(?P<y>{year}))?", _read_holiday),
        (rf"{position}(?:{shift}\s+)?(?P<m>{full_month})", _read_month),
        (rf"{position}(?:{shift}\s+)?(?P<wd>{_alt(_WEEKDAYS)})\b{part_of_day}", _read_weekday),
        (rf"{position}(?P<rel>{_alt(words.relative_days)})\b{part_of_day}", _read_relative_day),
        (rf"{position}{shift}\s+(?P<u>{_alt(words.shift_units)})\b", _read_shifted),
        (rf"(?P<within>{_alt(words.within_period)})\s+(?P<u>{_alt(words.shift_units)})\b", _read_shifted),
        (rf"{qualifier}(?P<n>{number})\s+(?P<u>{units})\s+(?P<ago>{_alt(words.ago)})\b", _read_ago),
        (
            rf"{qualifier}(?:(?P<lead>{_alt(words.duration_leads)})\s+)?(?P<n>{number})\s+(?P<u>{units})\b",
            _read_duration,
        ),
        (rf"(?P<lead>{_alt(words.single_duration_leads)})\s+(?P<u>{unit})\b", _read_duration),
        (rf"(?P<n>{number_word})\s?-\s?(?P<u>{unit})(?:(?:\s?-\s?|\s)(?P<adj>old|long))?\b", _read_duration),
        (rf"(?P<u>{unit})\s?-\s?long\b", _read_duration),
    ]
    return [(re.compile(rf"(?<![\w-]){source}", re.IGNORECASE), reader) for source, reader in grammar]


@cache
def _compiled(words: TimeWords) -> list[tuple[re.Pattern[str], _Reader]]:
    return _patterns(words)


# Readers: each returns a reading of its match, or None when the match is not a time after all.


def _read_iso(match: re.Match[str], context: _Context) -> _Reading | None:
    day = _date(int(match["y"]), int(match["m"]), int(match["d"]))
    return _absolute_day(match, day)


def _read_numeric(match: re.Match[str], context: _Context) -> _Reading | None:
    """`25/12/2024` or `12/25/2024`; `03/04/2024` could be either, so it is no date."""
    first, second = int(match["a"]), int(match["b"])
    if first <= 12 and second <= 12 and first != second:
        return None
    month, day = (first, second) if second > 12 else (second, first)
    return _absolute_day(match, _date(int(match["y"]), month, day))


def _absolute_day(match: re.Match[str], day: date | None) -> _Reading | None:
    if day is None:
        return None
    return _Reading(match.start(), match.end(), "day", value=day.isoformat(), day=day)


def _read_day(match: re.Match[str], context: _Context) -> _Reading | tuple[_Reading, _Reading] | None:
    """`December 2, 2024`, `Dec. 2`, `2 December`, `Monday, Dec. 2`; `Jan. 5-7` and `Nov. 30-Dec. 2`
    are ranges: their first day (`Jan. 5`) and their last (`7`)."""
    if not _capitalized(match["m"]) or (match["wd"] and not _capitalized(match["wd"])):
        return None
    month, day = _MONTHS[_word(match["m"])], _number(match["d"])
    if match["d2"] is None:
        return _day_reading(match.start(), match.end(), month, day, match["y"], context)
    month2 = _MONTHS[_word(match["m2"])] if match.groupdict().get("m2") else month
    second_start = match.start("m2") if match.groupdict().get("m2") else match.start("d2")
    first = _day_reading(match.start(), match.end("d"), month, day, match["y"], context)
    last = _day_reading(second_start, match.end(), month2, _number(match["d2"]), match["y"], context)
    if first is None or last is None or (first.day and last.day and last.day <= first.day):
        return None
    start, end = context.words.range_modifiers
    return replace(first, modifier=start), replace(last, modifier=end)


def _day_reading(
    start: int, end: int, month: int, day: int, year: str | None, context: _Context
) -> _Reading | None:
    """A month-day, absolute when it has a year, otherwise the one nearest the anchor."""
    if year:
        found = _date(int(year), month, day)
        return _Reading(start, end, "day", value=found.isoformat(), day=found) if found else None
    if _date(2000, month, day) is None:
        return None
    relative = Relative("nearest_day", (month, day, context.tense(start, end)))
    return _Reading(start, end, "day", relative=relative)


def _read_month_year(match: re.Match[str], context: _Context) -> _Reading | None:
    if not _capitalized(match["m"]):
        return None
    value = f"{int(match['y']):04d}-{_MONTHS[_word(match['m'])]:02d}"
    return _Reading(match.start(), match.end(), "month", value=value, modifier=_position(match, context))


def _read_year_range(match: re.Match[str], context: _Context) -> tuple[_Reading, _Reading] | None:
    """`2011-2013`: its first year and its last."""
    if int(match["y2"]) <= int(match["y"]):
        return None
    start, end = context.words.range_modifiers
    return (
        _Reading(match.start("y"), match.end("y"), "year", value=match["y"], modifier=start),
        _Reading(match.start("y2"), match.end("y2"), "year", value=match["y2"], modifier=end),
    )


def _read_year(match: re.Match[str], context: _Context) -> _Reading | None:
    """A bare year only where a DATE entity or a word before it (`in`, `since`, `mid-`) says so,
    and not inside a name (`Windows Server 2003`)."""
    start, end = match.start("y"), match.end("y")
    if context.named(start, end) or not (match["pos"] or context.vouched(start, end)):
        return None
    return _Reading(match.start(), match.end(), "year", value=match["y"], modifier=_position(match, context))


def _read_decade(match: re.Match[str], context: _Context) -> _Reading | None:
    value = match["dec"][:3] + "X"
    return _Reading(match.start(), match.end(), "decade", value=value, modifier=_position(match, context))


def _read_century(match: re.Match[str], context: _Context) -> _Reading | None:
    ordinal = match["c"].lower()
    number = _ORDINAL_WORDS.get(ordinal) or int(re.sub(r"\D", "", ordinal))
    if not 1 <= number <= 22:
        return None
    value = f"{number - 1:02d}XX"
    return _Reading(match.start(), match.end(), "century", value=value, modifier=_position(match, context))


def _read_season(match: re.Match[str], context: _Context) -> _Reading | None:
    """`summer 2023`, `the winter of 2022`, `last summer` (the latest one over before the anchor's season)."""
    code = context.words.seasons[_key(match["season"])]
    modifier = _position(match, context)
    if match.groupdict().get("y"):
        return _Reading(match.start(), match.end(), "season", value=f"{match['y']}-{code}", modifier=modifier)
    relative = Relative("season", (_SEASON_CODES.index(code), context.words.shifts[_key(match["shift"])]))
    return _Reading(match.start(), match.end(), "season", relative=relative, modifier=modifier)


def _season_index(day: date) -> int:
    """Seasons counted from spring of year 0 (northern hemisphere, meteorological: March-May is spring)."""
    return (day.year * 12 + day.month - 3) // 3


def _read_quarter(match: re.Match[str], context: _Context) -> _Reading | None:
    """`the first quarter of 2023`, `Q1 2023`."""
    quarter = _QUARTERS.get(match["q"].lower()) or int(match["q"])
    return _Reading(match.start(), match.end(), "quarter", value=f"{match['y']}-Q{quarter}")


def _read_holiday(match: re.Match[str], context: _Context) -> _Reading | None:
    if not _capitalized(match["h"]) or context.named(match.start(), match.end()):
        return None
    month, day = map(int, context.words.holidays[_key(match["h"])].split("-"))
    if match["y"]:
        return _absolute_day(match, _date(int(match["y"]), month, day))
    relative = Relative("nearest_day", (month, day, context.tense(match.start(), match.end())))
    return _Reading(match.start(), match.end(), "day", relative=relative)


def _read_month(match: re.Match[str], context: _Context) -> _Reading | None:
    """`December`, `last December`, `early March`: the nearest such month, or the one the shift names."""
    start = match.start("m")
    if not _capitalized(match["m"]) or context.named(start, match.end()):
        return None
    if re.match(r"\s*\d", context.view[match.end() : match.end() + 3]):
        return None  # `this August 2nd`: a day, read by the day patterns
    month = _MONTHS[_word(match["m"])]
    marked = match["shift"] or match["pos"] or context.vouched(start, match.end())
    if _word(match["m"]) in _AMBIGUOUS_MONTHS and not marked:
        return None
    if match["shift"]:
        relative = Relative("shifted_month", (month, context.words.shifts[_key(match["shift"])]))
    else:
        relative = Relative("nearest_month", (month, context.tense(start, match.end())))
    modifier = _position(match, context)
    return _Reading(match.start(), match.end(), "month", relative=relative, modifier=modifier)


def _read_weekday(match: re.Match[str], context: _Context) -> _Reading | None:
    """`Monday` is the latest Monday on or before the anchor (the next one on or after it when the verb
    is future); `last`/`next`/`this Monday` name the week."""
    start = match.start("wd")
    if not _capitalized(match["wd"]) or context.named(start, match.end()):
        return None
    if context.word_before(start, context.words.not_weekday_after | context.words.generic_leads):
        return None  # `Black Friday`, `a Sunday walk`
    weekday = _WEEKDAYS[_word(match["wd"])]
    if match["shift"]:
        relative = Relative("weekday_of_week", (weekday, context.words.shifts[_key(match["shift"])]))
    elif context.tense(start, match.end()) > 0:
        relative = Relative("weekday_on_or_after", (weekday,))
    else:
        relative = Relative("weekday_on_or_before", (weekday,))
    return _Reading(match.start(), match.end(), "day", relative=relative, modifier=_position(match, context))


def _read_relative_day(match: re.Match[str], context: _Context) -> _Reading | None:
    relative = Relative("shift", (context.words.relative_days[_key(match["rel"])],))
    return _Reading(match.start(), match.end(), "day", relative=relative, modifier=_position(match, context))


def _read_shifted(match: re.Match[str], context: _Context) -> _Reading | None:
    """`last week`, `this year`, `next month`, `earlier this month` (the month, modifier `earlier`)."""
    unit, groups = match["u"].lower(), match.groupdict()
    if groups.get("shift") and not groups.get("pos") and context.word_before(match.start(), ["the"]):
        return None  # `the last week of the season`, `the next year`: not counted from the anchor
    if groups.get("within"):
        steps, modifier = 0, context.words.within_period[_key(match["within"])]
    else:
        steps, modifier = context.words.shifts[_key(match["shift"])], _position(match, context)
    return _Reading(match.start(), match.end(), unit, relative=Relative("shift", (steps,)), modifier=modifier)


def _read_ago(match: re.Match[str], context: _Context) -> _Reading | None:
    """`three weeks ago`: the week three weeks before the anchor's; a unit of clock time is no date."""
    words = context.words
    amount = _amount(match["n"], words)
    spec = words.units[words.unit_of_form[_key(match["u"])]]
    if amount is None or amount != int(amount) or "granularity" not in spec:
        return None
    direction = words.ago[_key(match["ago"])]
    relative = Relative("shift", (direction * int(amount) * int(spec.get("factor", 1)),))
    modifier = _key(match["q"]) if match["q"] else None
    return _Reading(match.start(), match.end(), spec["granularity"], relative=relative, modifier=modifier)


def _read_duration(match: re.Match[str], context: _Context) -> _Reading | None:
    """`six days`, `more than a decade`, `12-year`, `past week`, `decade-long`: never dated.

    An age (`16-year-old`) describes a person, not a time of the story.
    """
    words = context.words
    groups = match.groupdict()
    if (groups.get("adj") or "").lower() == "old":
        return None
    amount = _amount(groups["n"], words) if groups.get("n") else 1.0
    spec = words.units[words.unit_of_form[_key(match["u"])]]
    if amount is None or amount <= 0 or context.word_after(match.end(), words.ago):
        return None
    single = groups.get("n") and match["n"].lower() in {"a", "an"} and not groups.get("q")
    if single and _rate(context, match.start()):
        return None
    total = amount * float(spec.get("factor", 1))
    figure = str(int(total)) if total == int(total) else f"{total:g}"
    value = f"PT{figure}{spec['iso']}" if spec.get("clock") else f"P{figure}{spec['iso']}"
    modifier = _key(groups["q"]) if groups.get("q") else None
    if modifier is None:
        following = context.word_after(match.end(), words.following_relations)
        modifier = words.following_relations[following] if following else None
    return _Reading(match.start(), match.end(), DURATION, value=value, modifier=modifier)


# Small helpers.


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _word(name: str) -> str:
    return name.lower().rstrip(". ").strip()


def _number(day: str) -> int:
    return int(re.sub(r"\D", "", day))


def _capitalized(name: str) -> bool:
    return name[:1].isupper()


def _amount(text: str, words: TimeWords) -> float | None:
    key = _key(text)
    if key in words.numbers:
        return words.numbers[key]
    parts = key.split()
    if len(parts) == 2 and all(p in words.numbers for p in parts) and words.numbers[parts[0]] >= 20:
        return words.numbers[parts[0]] + words.numbers[parts[1]]
    try:
        return float(text)
    except ValueError:
        return None


def _rate(context: _Context, start: int) -> bool:
    """`$200 million a year`, `three times a week`: a rate, not a duration."""
    if context.word_before(start, context.words.frequency_context):
        return True
    return bool(re.search(r"[\d%]\s*$", context.view[max(0, start - 20) : start]))


def _position(match: re.Match[str], context: _Context) -> str | None:
    position = match.groupdict().get("pos")
    return context.words.positions[_key(position)] if position else None


def _nearest(options: Sequence[int], here: int, tense: int) -> int:
    """The option nearest `here`, the past winning a tie; a past verb keeps it on or before `here`
    and a future one on or after, where the options allow."""
    side = [o for o in options if (o <= here if tense < 0 else o >= here)] if tense else []
    return min(side or options, key=lambda o: (abs(o - here), o > here))


def _nearest_day(anchor: date, month: int, day: int, tense: int) -> date | None:
    """The month-day nearest the anchor over the years around it (see `_nearest`)."""
    options = [d.toordinal() for y in range(anchor.year - 1, anchor.year + 2) if (d := _date(y, month, day))]
    return date.fromordinal(_nearest(options, anchor.toordinal(), tense)) if options else None


def _shift(anchor: date, unit: str, signed: int) -> str:
    """The day, week, month or year `signed` units after the anchor's (before it when negative)."""
    if unit == "day":
        return (anchor + timedelta(signed)).isoformat()
    if unit == "week":
        year, week, _ = (anchor + timedelta(weeks=signed)).isocalendar()
        return f"{year:04d}-W{week:02d}"
    if unit == "month":
        index = anchor.year * 12 + anchor.month - 1 + signed
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    return f"{anchor.year + signed:04d}"


# Rules: how a `Relative` dates its expression. Each takes the anchor and the expression's granularity,
# then the rule's own integers.


def _nearest_day_rule(anchor: date, granularity: str, month: int, day: int, tense: int) -> str | None:
    """A year-less month-day (`Dec. 2`, `Christmas`): see `_nearest_day`."""
    return _iso(_nearest_day(anchor, month, day, tense))


def _season_rule(anchor: date, granularity: str, wanted: int, shift: int) -> str:
    """`last summer`: the latest such season over before the anchor's; `next`: the first after it."""
    here = _season_index(anchor)
    options = [o for o in range(here - 4, here + 5) if o % 4 == wanted]
    if shift < 0:
        chosen = max(o for o in options if o < here)
    elif shift > 0:
        chosen = min(o for o in options if o > here)
    else:
        chosen = _nearest(options, here, 0)
    return f"{chosen // 4:04d}-{_SEASON_CODES[chosen % 4]}"


def _month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def _month_value(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _nearest_month_rule(anchor: date, granularity: str, month: int, tense: int) -> str:
    """`December`: the December nearest the anchor (see `_nearest`)."""
    options = [_month_index(anchor.year + offset, month) for offset in (-1, 0, 1)]
    return _month_value(_nearest(options, _month_index(anchor.year, anchor.month), tense))


def _shifted_month_rule(anchor: date, granularity: str, month: int, shift: int) -> str:
    """`last December` (the latest before the anchor's month), `this December`, `next December`."""
    here = _month_index(anchor.year, anchor.month)
    options = [_month_index(anchor.year + offset, month) for offset in (-1, 0, 1)]
    if shift == 0:
        chosen = _month_index(anchor.year, month)
    elif shift < 0:
        chosen = max(o for o in options if o < here)
    else:
        chosen = min(o for o in options if o > here)
    return _month_value(chosen)


def _weekday_on_or_before_rule(anchor: date, granularity: str, weekday: int) -> str:
    """`Monday` in a past or tenseless sentence: the latest Monday on or before the anchor."""
    return (anchor - timedelta((anchor.weekday() - weekday) % 7)).isoformat()


def _weekday_on_or_after_rule(anchor: date, granularity: str, weekday: int) -> str:
    """`will meet on Monday`: the first Monday on or after the anchor."""
    return (anchor + timedelta((weekday - anchor.weekday()) % 7)).isoformat()


def _weekday_of_week_rule(anchor: date, granularity: str, weekday: int, shift: int) -> str:
    """`last Monday` (strictly before the anchor), `next Monday` (strictly after), `this Monday`."""
    if shift < 0:
        found = anchor - timedelta((anchor.weekday() - weekday - 1) % 7 + 1)
    elif shift > 0:
        found = anchor + timedelta((weekday - anchor.weekday() - 1) % 7 + 1)
    else:
        found = anchor + timedelta(weekday - anchor.weekday())
    return found.isoformat()


def _shift_rule(anchor: date, granularity: str, steps: int) -> str:
    """`yesterday`, `last week`, `three years ago`, `two decades ago`: the anchor's unit moved by `steps`."""
    value = _shift(anchor, granularity if granularity in {"day", "week", "month"} else "year", steps)
    if granularity == "decade":
        return value[:3] + "X"
    if granularity == "century":
        return value[:2] + "XX"
    return value


RULES: Mapping[str, Callable[..., str | None]] = {
    "nearest_day": _nearest_day_rule,
    "season": _season_rule,
    "nearest_month": _nearest_month_rule,
    "shifted_month": _shifted_month_rule,
    "weekday_on_or_before": _weekday_on_or_before_rule,
    "weekday_on_or_after": _weekday_on_or_after_rule,
    "weekday_of_week": _weekday_of_week_rule,
    "shift": _shift_rule,
}


# Extraction.


def _read(view: str, doc: Doc, words: TimeWords) -> list[_Reading]:
    """Every reading in the text: the longest match wins where matches overlap."""
    entities = [(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]
    context = _Context(view, doc, entities, words)
    found: list[tuple[int, int, int, _Reading]] = []
    for rank, (pattern, reader) in enumerate(_compiled(words)):
        for match in pattern.finditer(view):
            try:
                reading = reader(match, context)
            except (ValueError, KeyError, OverflowError):  # a reading the vocabulary cannot finish
                continue
            if reading is not None:
                parts = reading if isinstance(reading, tuple) else (reading,)
                found.append((parts[0].start, parts[-1].end, rank, parts))
    chosen: list[_Reading] = []
    taken: list[tuple[int, int]] = []  # chosen spans, in text order; they never overlap
    for start, end, _, parts in sorted(found, key=lambda f: (-(f[1] - f[0]), f[2], f[0])):
        index = bisect_left(taken, (start, end))
        if (index > 0 and taken[index - 1][1] > start) or (index < len(taken) and taken[index][0] < end):
            continue
        taken.insert(index, (start, end))
        chosen.extend(_with_relation(part, context) for part in parts)
    return sorted(chosen, key=lambda r: r.start)


def _with_relation(reading: _Reading, context: _Context) -> _Reading:
    """Add the relation word before the span (`since 2012`) to a reading without a modifier of its own."""
    if reading.modifier:
        return reading
    relation = context.word_before(reading.start, context.words.relations)
    if relation is None:
        return reading
    return replace(reading, modifier=context.words.relations[relation])


def extract_times(
    article_id: str,
    text: str,
    doc: Doc,
    sentences: Sequence[SentenceSpan],
    published: date | None,
    words: TimeWords | None = None,
) -> list[TimeCandidate]:
    """Time expressions of one article; `text` is `articles.text`, `doc` its parse.

    Relative expressions resolve against the publication date or, without one, the latest full
    date the article writes; failing both they stay `unresolved`, with the rule that dates them
    once the article's story is known (`anchor_on_stories`).
    """
    words = words or default_time_words()
    view = doc.text if len(doc.text) == len(text) else text
    readings = _read(view, doc, words)
    anchor, anchor_kind = published, PUBLICATION_DATE
    if anchor is None:
        anchor, anchor_kind = _latest_day(readings), LATEST_DATE
    rows = []
    for reading in readings:
        row = _row(article_id, text, sentences, reading, anchor, anchor_kind)
        if row is not None:
            rows.append(row)
    return rows


def _latest_day(readings: Iterable[_Reading]) -> date | None:
    return max((r.day for r in readings if r.day is not None), default=None)


def latest_written_date(text: str, words: TimeWords | None = None) -> date | None:
    """The latest full date a text writes (`18 September 2013`), read without a parse.

    It dates an article that has no publication date, as `extract_times` does; with no parse,
    no entity vetoes a reading, which full dates rarely need.
    """
    return _latest_day(_read(text, _EMPTY_DOC, words or default_time_words()))


def _row(
    article_id: str,
    text: str,
    sentences: Sequence[SentenceSpan],
    reading: _Reading,
    anchor: date | None,
    anchor_kind: str,
) -> TimeCandidate | None:
    start, end = reading.start, reading.end
    relative = reading.relative
    if reading.granularity == DURATION:
        value, kind, used = reading.value, DURATION, None
    elif reading.value is not None:
        value, kind, used = reading.value, ABSOLUTE, None
    elif anchor is None or relative is None:
        value, kind, used = None, UNRESOLVED, None
    else:
        value, kind, used = _resolved(relative, reading.granularity, anchor), anchor_kind, anchor
        if value is None:
            return None
    return TimeCandidate(
        time_id=f"{article_id}:{start}-{end}",
        article_id=article_id,
        sentence_id=sentence_at(sentences, start),
        start_char=start,
        end_char=end,
        text=text[start:end],
        value=value,
        granularity=reading.granularity,
        anchor=kind,
        anchor_date=used,
        modifier=reading.modifier,
        relative_rule=relative.rule if relative else None,
        relative_args=list(relative.args) if relative else None,
    )


def _resolved(relative: Relative, granularity: str, anchor: date) -> str | None:
    """The rule's value, or None where the calendar has none (a date beyond year 9999)."""
    try:
        return relative.resolve(anchor, granularity)
    except (ValueError, OverflowError):
        return None


def _as_date(value: object) -> date | None:
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def story_dates(stories: pd.DataFrame | None) -> dict[str, date]:
    """Each article's story date: the earliest `first_published` among the stories it belongs to."""
    dates: dict[str, date] = {}
    if stories is None:
        return dates
    for members, first in zip(stories["article_ids"], stories["first_published"], strict=True):
        day = _as_date(first)
        if day is None or members is None:
            continue
        for article_id in members:
            if article_id not in dates or day < dates[article_id]:
                dates[article_id] = day
    return dates


_EXPRESSION_COLUMNS = [field.name for field in fields(TimeExpression)]


def time_candidates_table(
    articles: pd.DataFrame,
    sentences: pd.DataFrame,
    docs: Iterable[tuple[str, Doc]],
    words: TimeWords | None = None,
) -> pd.DataFrame:
    """The `time_candidates` table of one batch: every article's time expressions, with their rules."""
    texts = dict(zip(articles["article_id"], articles["text"], strict=True))
    published = {
        a: _as_date(d) for a, d in zip(articles["article_id"], articles["published_date"], strict=True)
    }
    spans = spans_by_article(sentences)
    rows = []
    for article_id, doc in docs:
        found = extract_times(
            article_id, texts[article_id], doc, spans.get(article_id, []), published.get(article_id), words
        )
        rows.extend(asdict(row) for row in found)
    return pd.DataFrame(rows, columns=[field.name for field in fields(TimeCandidate)])


def anchor_on_stories(candidates: pd.DataFrame, stories: pd.DataFrame | None) -> pd.DataFrame:
    """The `time_expressions` table: candidates, the unresolved ones of undated articles dated by their story.

    An expression whose rule has no value against the story's date is dropped, as it would be
    against a publication date.
    """
    by_story = story_dates(stories)
    expressions = candidates[_EXPRESSION_COLUMNS].reset_index(drop=True)
    rules = candidates.reset_index(drop=True)
    waiting = rules[
        (rules["anchor"] == UNRESOLVED) & rules["relative_rule"].notna() & rules["article_id"].isin(by_story)
    ]
    anchors = [by_story[article_id] for article_id in waiting["article_id"]]
    values = [
        _resolved(Relative(rule, tuple(int(a) for a in args)), granularity, anchor)
        for rule, args, granularity, anchor in zip(
            waiting["relative_rule"], waiting["relative_args"], waiting["granularity"], anchors, strict=True
        )
    ]
    expressions.loc[waiting.index, "value"] = values
    expressions.loc[waiting.index, "anchor"] = STORY_DATE
    expressions.loc[waiting.index, "anchor_date"] = pd.Series(anchors, index=waiting.index, dtype=object)
    unanswered = [index for index, value in zip(waiting.index, values, strict=True) if value is None]
    return expressions.drop(index=unanswered).reset_index(drop=True)
