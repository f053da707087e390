"""Dates in publication stamps: complete dates only, never a guess.

A publication date must be written in full (day, month and year); a numeric
date whose day/month order cannot be told (`03/04/2024`) is not a date here.
"""

from __future__ import annotations

import datetime as dt
import re

from pipeline.parse.rules import FurnitureRules, fold

_TIME = re.compile(
    r"\b\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s*[ap]\.?\s?m\b\.?)?|\b\d{1,2}\s*[ap]\.?m\b\.?",
    re.IGNORECASE,
)
_ZONE = re.compile(r"\b(?:GMT|UTC)\s*(?:[+-]\s*\d{1,2}(?::?\d{2})?)?|\b[A-Z]{2,5}\b")
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*|[^\w\s]")


def _calendar_date(match: re.Match[str], rules: FurnitureRules) -> dt.date | None:
    groups = match.groupdict()
    year = int(groups["y"])
    if groups.get("a"):
        first, second = int(groups["a"]), int(groups["b"])
        if first <= 12 and second <= 12 and first != second:
            return None
        month, day = (first, second) if second > 12 else (second, first)
    else:
        day = int(groups["d"])
        mon = groups.get("mon")
        month = rules.months.get(fold(mon).rstrip(".")) if mon else int(groups["m"])
    if month is None or not 1900 <= year <= 2100:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_date(text: str, rules: FurnitureRules) -> tuple[dt.date, int, int] | None:
    """The first complete, valid calendar date in `text`, with its offsets."""
    found = []
    for regex in rules.date_res:
        for match in regex.finditer(text):
            date = _calendar_date(match, rules)
            if date is not None:
                found.append((match.start(), -match.end(), date))
                break
    if not found:
        return None
    start, neg_end, date = min(found)
    return date, start, -neg_end


def _without_dates(text: str, rules: FurnitureRules) -> str:
    for regex in rules.date_res:
        text = regex.sub(" ", text)
    return text


def datetime_only(text: str, rules: FurnitureRules) -> bool:
    """Whether `text` says nothing but when: dates, times, zones, `3 hours ago`, stamp words.

    This keeps `Published reports say 400 died on December 2, 2024` from
    passing for a publication stamp.
    """
    rest = _without_dates(text, rules)
    has_when = rest != text or bool(rules.relative_time_re.search(rest))
    for regex in (rules.relative_time_re, rules.stamp_word_re, rules.weekday_re, _TIME, _ZONE):
        rest = regex.sub(" ", rest)
    words = [w for w in _WORD.findall(rest) if fold(w) not in rules.stamp_fillers]
    return has_when and all(not any(c.isalnum() for c in w) for w in words)
