"""Claims that agree and claims that conflict, across the articles of one story.

An analyst asks what is corroborated and where outlets disagree. Figures are
hedged (`more than 400`, `nearly 50,000`), so equality says little: each claim
becomes an interval of plausible true values, and two claims agree when their
intervals overlap (`pipeline/data/claim_reconciliation.json` gives each
qualifier's interval; news rounds down, so `more than 400` is a little over
400, not any number above it). Years are exact: `since 2012` is not `2011`.

Only comparable claims are compared: the same story, the same measure, and
the same stated subject (`towns and villages` is not `settlements`; claims
without a subject are compared with each other). A sub-claim of a claim of
the same measure and subject (`including 72 in Aleppo`) is compared only with
other such sub-claims, never with its parent.

Agreement: within each comparable set, claims are partitioned into groups
that share a common plausible value (fewest groups; a claim that agrees with
two groups that disagree joins the lower one). Repeats inside one article
(headline and body) land in the same group: one voice.

Conflict: one per pair of groups of a comparable set that disagree, listing
the claims of each side that disagree with a claim on the other side. Claims that are
parts, not totals, never conflict:
- sub-claims (above);
- increments, an addition over a later period (`eight more settlements`,
  `another 20`): a different time span from a total;
- a count below another count of the same measure given in the same article
  by the same source (an article does not dispute itself: `at least 18
  killed` in one air strike next to `over 250 fatalities` in the offensive).
Articles published on different days are still compared: the analyst sees
the dates in `articles` and judges whether a toll simply rose.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from pathlib import Path

import pandas as pd
from anyascii import anyascii

from pipeline.datafiles import load_json
from pipeline.reconcile.overlap import independent_groups
from pipeline.text import name_key

GROUP_COLUMNS = [
    "group_id",
    "story_id",
    "measure",
    "value_low",
    "value_high",
    "claim_ids",
    "article_ids",
    "independent_sources",
    "description",
]
CONFLICT_COLUMNS = [
    "conflict_id",
    "story_id",
    "measure",
    "description",
    "claim_ids",
    "article_ids",
    "values",
    "spread",
]
# Intervals that touch agree; this absorbs floating-point error in `X * (1 + t)`.
_EPSILON = 1e-9


@dataclass(frozen=True)
class Shape:
    """A qualifier's interval around X: [X * (1 + low * t), X * (1 + high * t)]."""

    low: float
    high: float
    open: bool = False


@dataclass(frozen=True)
class ReconciliationRules:
    """How figures become intervals and groups sentences (`pipeline/data/claim_reconciliation.json`)."""

    qualifiers: dict[str, Shape]
    unqualified: Shape
    unknown_qualifier: Shape
    vague_amounts: dict[str, float]
    exact_units: frozenset[str]
    increments_before: re.Pattern[str]
    increments_after: re.Pattern[str]
    statements: dict[str, str]
    default_statement: str

    @classmethod
    def load(cls, path: Path | None = None) -> ReconciliationRules:
        """Read the rules from `path`, or the packaged defaults."""
        data = load_json(path, "claim_reconciliation.json")
        qualifiers = {name: Shape(**shape) for name, shape in data["qualifiers"].items()}
        increments = data["increments"]
        return cls(
            qualifiers=qualifiers,
            unqualified=Shape(**data["unqualified"]),
            unknown_qualifier=qualifiers[data["unknown_qualifier"]],
            vague_amounts={key: float(value) for key, value in data["vague_amounts"].items()},
            exact_units=frozenset(data["exact_units"]),
            increments_before=re.compile(rf"\b(?:{_alternatives(increments['before'])})\s*$"),
            increments_after=re.compile(rf"^\s+(?:{_alternatives(increments['after'])})\b(?!\s+than\b)"),
            statements=dict(data["statements"]),
            default_statement=data["default_statement"],
        )


@cache
def default_rules() -> ReconciliationRules:
    """The packaged rules, read once per process."""
    return ReconciliationRules.load()


@dataclass(frozen=True)
class ConflictSettings:
    """Thresholds of claim reconciliation."""

    # Relative width of a hedged figure's interval: `more than 400` is [400, 400 * (1 + t)].
    tolerance: float = 0.25
    # Rules file to use instead of the packaged `claim_reconciliation.json`.
    rules_path: Path | None = None


@dataclass(frozen=True)
class _Reading:
    """One claim as an interval, with what comparing and describing it needs."""

    claim_id: str
    article_id: str
    rank: tuple[int, int]  # article order, then position in the article
    measure: str
    subject: str | None
    subject_key: str
    unit: str | None
    low: float
    high: float
    open: bool
    value: float
    figure: str
    written: str
    attributed_to: str | None
    exact: bool
    vague: bool
    sub: bool
    increment: bool

    def agrees(self, other: _Reading) -> bool:
        """Whether the two intervals overlap (touching counts)."""
        return _at_most(self.low, other.high) and _at_most(other.low, self.high)


def reconcile_claims(
    claims: pd.DataFrame,
    stories: pd.DataFrame,
    articles: pd.DataFrame,
    overlap: pd.DataFrame,
    settings: ConflictSettings | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Groups of agreeing claims and the conflicts between them, per story and measure.

    Returns `(claim_groups, conflicts)`; every claim of an article in a story is
    in exactly one group. Independent sources are counted over the story's
    articles with `independent_groups`, so articles sharing copy count once.
    """
    settings = settings or ConflictSettings()
    rules = ReconciliationRules.load(settings.rules_path) if settings.rules_path else default_rules()
    story_of = {
        article_id: story_id
        for story_id, article_ids in zip(stories["story_id"], stories["article_ids"], strict=True)
        for article_id in article_ids
    }
    labels, order = _article_labels(articles, story_of)
    readings = _readings(claims, story_of, order, rules, settings.tolerance)
    comparable: dict[tuple[str, str, str, bool], list[_Reading]] = defaultdict(list)
    for reading in readings:
        story_id = story_of[reading.article_id]
        comparable[(story_id, reading.measure, reading.subject_key, reading.sub)].append(reading)
    source_of = _sources(stories, overlap, story_of)

    group_rows, conflict_rows = [], []
    for (story_id, measure, _, _), members in sorted(comparable.items()):
        groups = _agreeing_groups(members)
        parts = _parts(members)
        for group in groups:
            group_rows.append(_group_row(story_id, measure, group, source_of, rules))
        for lower, upper in combinations(groups, 2):
            conflict = _disagreeing(upper, lower, parts)
            if conflict is not None:
                conflict_rows.append(_conflict_row(story_id, measure, *conflict, labels))
    return (
        pd.DataFrame(group_rows, columns=GROUP_COLUMNS).astype(
            {"value_low": "float64", "value_high": "float64", "independent_sources": "int64"}
        ),
        pd.DataFrame(conflict_rows, columns=CONFLICT_COLUMNS).astype({"spread": "float64"}),
    )


def _readings(
    claims: pd.DataFrame,
    story_of: dict[str, str],
    order: dict[str, int],
    rules: ReconciliationRules,
    tolerance: float,
) -> list[_Reading]:
    rows = [row for row in claims.to_dict("records") if row["article_id"] in story_of]
    by_id = {row["claim_id"]: row for row in rows}
    readings = []
    for row in rows:
        parent = by_id.get(_present(row["parent_claim_id"]))
        subject_key = _subject_key(row["subject"])
        sub = parent is not None and (parent["measure"], _subject_key(parent["subject"])) == (
            row["measure"],
            subject_key,
        )
        readings.append(_reading(row, order, subject_key, sub, rules, tolerance))
    return sorted(readings, key=lambda reading: reading.rank)


def _reading(
    row: dict, order: dict[str, int], subject_key: str, sub: bool, rules: ReconciliationRules, t: float
) -> _Reading:
    value = float(row["value"])
    value_high = _present(row["value_high"])
    top = float(value_high) if value_high is not None else value
    qualifier = _present(row["qualifier"])
    written = " ".join(str(row["number_text"]).split())
    exact = row["unit"] in rules.exact_units
    vague_high = rules.vague_amounts.get(written.casefold()) if value_high is None else None
    vague = vague_high is not None
    if exact:
        low, high, is_open = value, top, False
    elif vague_high is not None:
        low, high, is_open = value, max(vague_high, value), False
    else:
        shape = rules.qualifiers.get(qualifier, rules.unknown_qualifier) if qualifier else rules.unqualified
        low, high, is_open = value * (1 + shape.low * t), top * (1 + shape.high * t), shape.open
    return _Reading(
        claim_id=row["claim_id"],
        article_id=row["article_id"],
        rank=(order[row["article_id"]], int(row["number_start"])),
        measure=row["measure"],
        subject=_present(row["subject"]),
        subject_key=subject_key,
        unit=_present(row["unit"]),
        low=low,
        high=high,
        open=is_open,
        value=value,
        figure=_figure(value, value_high, None if exact else qualifier, written, vague, exact),
        written=written,
        attributed_to=_present(row["attributed_to"]),
        exact=exact,
        vague=vague,
        sub=sub,
        increment=_is_increment(row, rules),
    )


def _agreeing_groups(members: list[_Reading]) -> list[list[_Reading]]:
    """The fewest groups sharing a common plausible value, lowest first (greedy clique cover)."""
    pending = sorted(members, key=lambda reading: (reading.high, reading.low, reading.rank))
    groups = []
    while pending:
        # Every pending claim ends at or after the first one's high end: those starting by then hold it.
        lowest = pending[0]
        groups.append([reading for reading in pending if reading.agrees(lowest)])
        pending = [reading for reading in pending if not reading.agrees(lowest)]
    return [sorted(group, key=lambda reading: reading.rank) for group in groups]


def _parts(members: list[_Reading]) -> set[str]:
    """Claims that count a part of something, not a competing total: they never conflict."""
    parts = {reading.claim_id for reading in members if reading.sub or reading.increment}
    for reading in members:
        if reading.exact:
            continue
        if any(
            other.article_id == reading.article_id
            and _same_source(other, reading)
            and other.low > reading.high
            and not other.agrees(reading)
            for other in members
        ):
            parts.add(reading.claim_id)
    return parts


def _disagreeing(
    first: list[_Reading], second: list[_Reading], parts: set[str]
) -> tuple[list[_Reading], list[_Reading]] | None:
    """The claims of each group that disagree with a claim of the other, when both sides have some."""
    first = [reading for reading in first if reading.claim_id not in parts]
    second = [reading for reading in second if reading.claim_id not in parts]
    left = [reading for reading in first if any(not reading.agrees(other) for other in second)]
    right = [reading for reading in second if any(not reading.agrees(other) for other in first)]
    return (left, right) if left and right else None


def _group_row(
    story_id: str,
    measure: str,
    group: list[_Reading],
    source_of: dict[str, int],
    rules: ReconciliationRules,
) -> dict:
    article_ids = list(dict.fromkeys(reading.article_id for reading in group))
    sources = len({source_of[article_id] for article_id in article_ids})
    figures = _figures(group)
    statement = _statement(measure, figures[0][1], rules)
    also = [representative.figure for _, representative in figures[1:]]
    if also:
        statement += f" (also given as {_join(also)})"
    if len(article_ids) == 1:
        description = f"1 article says that {statement}."
    else:
        independent = f"{sources} independent source" + ("s" if sources != 1 else "")
        description = f"{len(article_ids)} articles ({independent}) agree that {statement}."
    claim_ids = [reading.claim_id for reading in group]
    low = max(reading.low for reading in group)
    return {
        "group_id": _stable_id("G", claim_ids),
        "story_id": story_id,
        "measure": measure,
        "value_low": low,
        # What every member allows; touching intervals may cross by a rounding error.
        "value_high": None if all(r.open for r in group) else max(low, min(r.high for r in group)),
        "claim_ids": claim_ids,
        "article_ids": article_ids,
        "independent_sources": sources,
        "description": description,
    }


def _conflict_row(
    story_id: str, measure: str, high_side: list[_Reading], low_side: list[_Reading], labels: dict[str, str]
) -> dict:
    subject = high_side[0].subject or low_side[0].subject
    topic = measure.replace("_", " ").capitalize() + (f" ({subject})" if subject else "")
    sides = [_side(side, labels) for side in (high_side, low_side)]
    claims = high_side + low_side
    values = [reading.value for reading in claims]
    claim_ids = [reading.claim_id for reading in claims]
    return {
        "conflict_id": _stable_id("C", claim_ids),
        "story_id": story_id,
        "measure": measure,
        "description": f"{topic}: {sides[0]}, while {sides[1]}.",
        "claim_ids": claim_ids,
        "article_ids": list(dict.fromkeys(reading.article_id for reading in claims)),
        "values": values,
        "spread": max(values) / min(values) if min(values) > 0 else math.inf,
    }


def _side(side: list[_Reading], labels: dict[str, str]) -> str:
    """`001 says more than 400 (according to the UN)` for each figure one side gives."""
    phrases = []
    for readings, representative in _figures(side):
        names = list(dict.fromkeys(labels[reading.article_id] for reading in readings))
        verb = "says" if len(names) == 1 else "say"
        written = representative.written
        written = "" if written.casefold() == representative.figure else f' ("{written}")'
        source = f" (according to {representative.attributed_to})" if representative.attributed_to else ""
        phrases.append(f"{_join(names)} {verb} {representative.figure}{written}{source}")
    return " and ".join(phrases)


def _figures(readings: list[_Reading]) -> list[tuple[list[_Reading], _Reading]]:
    """Claims with the same interval, each set with the claim that best words it, most articles first.

    The best wording names its source, then reads as the figure itself (`2011`
    rather than `fourteenth year`), then comes first.
    """
    same: dict[tuple[float, float], list[_Reading]] = defaultdict(list)
    for reading in readings:
        same[(reading.low, reading.high)].append(reading)
    ranked = sorted(
        same.values(), key=lambda group: (-len({r.article_id for r in group}), group[0].high - group[0].low)
    )
    return [
        (
            group,
            min(
                group,
                key=lambda r: (r.attributed_to is None, r.written.casefold() != r.figure, r.rank),
            ),
        )
        for group in ranked
    ]


def _statement(measure: str, reading: _Reading, rules: ReconciliationRules) -> str:
    template = rules.statements.get(measure, rules.default_statement)
    counted = reading.subject or reading.unit or ""
    if reading.vague:
        counted = f"of {counted}"
    return " ".join(
        template.format(figure=reading.figure, counted=counted, measure=measure.replace("_", " ")).split()
    )


def _figure(
    value: float, value_high: float | None, qualifier: str | None, written: str, vague: bool, exact: bool
) -> str:
    """The figure as a phrase: `more than 400`, `between 20 and 30`, `dozens`, `2011`."""
    if vague:
        return written.casefold()
    number = f"{value:g}" if exact else _number(value)
    if value_high is not None:
        high = f"{value_high:g}" if exact else _number(value_high)
        return f"{qualifier} {number} to {high}" if qualifier else f"between {number} and {high}"
    return f"{qualifier} {number}" if qualifier else number


def _number(value: float) -> str:
    return f"{int(value):,}" if value.is_integer() else f"{value:,}"


def _is_increment(row: dict, rules: ReconciliationRules) -> bool:
    """`another 20 people`, `eight more settlements`: the figure adds to an earlier one."""
    start, text = int(row["start_char"]), str(row["text"])
    before, after = int(row["number_start"]) - start, int(row["number_end"]) - start
    if not 0 <= before <= after <= len(text):
        return False
    return bool(
        rules.increments_before.search(text[:before].casefold())
        or rules.increments_after.match(text[after:].casefold())
    )


def _article_labels(
    articles: pd.DataFrame, story_of: dict[str, str]
) -> tuple[dict[str, str], dict[str, int]]:
    """How descriptions name each article (its outlet, else its file), and the articles' order.

    Two articles of one story with the same outlet are told apart by their file.
    """
    ordered = articles.sort_values(["source_path", "article_id"], ignore_index=True)
    order = {article_id: position for position, article_id in enumerate(ordered["article_id"])}
    files = {
        article_id: re.sub(r"\.[A-Za-z0-9]{1,5}$", "", str(path).rsplit("/", 1)[-1])
        for article_id, path in zip(ordered["article_id"], ordered["source_path"], strict=True)
    }
    outlets = {
        article_id: outlet
        for article_id, outlet in zip(ordered["article_id"], ordered["outlet"], strict=True)
        if isinstance(outlet, str) and outlet.strip()
    }
    shared = Counter((story_of.get(article_id), outlet) for article_id, outlet in outlets.items())
    labels = {}
    for article_id in order:
        outlet = outlets.get(article_id)
        if outlet is None:
            labels[article_id] = files[article_id]
        elif shared[(story_of.get(article_id), outlet)] > 1:
            labels[article_id] = f"{outlet} ({files[article_id]})"
        else:
            labels[article_id] = outlet
    for article_id in sorted(story_of.keys() - order.keys()):
        order[article_id] = len(order)
        labels[article_id] = article_id
    return labels, order


def _sources(stories: pd.DataFrame, overlap: pd.DataFrame, story_of: dict[str, str]) -> dict[str, int]:
    """Each article's independent source: the connected group of shared copy within its story."""
    story = overlap["article_id"].map(story_of)
    within = overlap[story.notna() & (story == overlap["other_article_id"].map(story_of))]
    by_story = dict(tuple(within.groupby(story[within.index])))
    source_of = {}
    for story_id, article_ids in zip(stories["story_id"], stories["article_ids"], strict=True):
        for group in independent_groups(list(article_ids), by_story.get(story_id, within.iloc[0:0])):
            number = len(source_of)
            source_of.update(dict.fromkeys(group, number))
    return source_of


def _subject_key(subject: object) -> str:
    """`Towns and villages` and `town and village` compare equal; no subject is the empty key."""
    if _present(subject) is None:
        return ""
    return " ".join(re.sub(r"s$", "", word) for word in re.findall(r"[a-z]+", anyascii(str(subject)).lower()))


def _present(value: object) -> object | None:
    """The value, or None for pandas' missing values."""
    return None if value is None or (not isinstance(value, list | tuple) and pd.isna(value)) else value


def _same_source(one: _Reading, other: _Reading) -> bool:
    """The same attribution (`the UN` is `UN`), or none for both: the outlet itself."""
    keys = [name_key(r.attributed_to) if r.attributed_to else None for r in (one, other)]
    return keys[0] == keys[1]


def _at_most(value: float, bound: float) -> bool:
    return value <= bound + _EPSILON * max(1.0, abs(bound))


def _stable_id(prefix: str, claim_ids: list[str]) -> str:
    return prefix + hashlib.sha256("|".join(sorted(claim_ids)).encode()).hexdigest()[:12]


def _alternatives(phrases: list[str]) -> str:
    return "|".join(r"\s+".join(map(re.escape, phrase.split())) for phrase in phrases)


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
