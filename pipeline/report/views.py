"""What one story's report shows, gathered from the warehouse tables into plain records.

Every text shown is sliced from `articles.text` with the offsets the tables
carry, so what the analyst reads is what the outlet wrote. Missing or empty
tables read as empty, so a story with no quotes or no conflicts still gets
its page.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from anyascii import anyascii

from pipeline.report.markup import Segment, marked, word_diff
from pipeline.schema import schema_for

# Time expressions that place an event on the calendar (durations and unresolved ones do not).
_UNDATED_ANCHORS = frozenset({"duration", "unresolved"})
_FILE_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,5}$")
_YEAR = re.compile(r"^\d{4}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class ArticleView:
    """One article of the story, named the way the rest of the page names it."""

    article_id: str
    label: str
    outlet: str | None
    source_path: str
    title: str | None
    published: str | None
    author: str | None
    dateline: str | None
    url: str | None
    credits: tuple[str, ...]
    agency_copy: bool


@dataclass(frozen=True)
class TimelineEntry:
    """What one article says happened on a date, or (`published`) that it was published then."""

    source: str
    expression: str
    sentence: list[Segment]
    published: bool = False


@dataclass(frozen=True)
class TimelineDate:
    """A calendar date (or week, month, year) and every entry placed on it."""

    value: str
    granularity: str
    entries: list[TimelineEntry]


@dataclass(frozen=True)
class VariantView:
    """One wording of a quote cluster, its differences from the canonical text, and who carries it."""

    text: str
    segments: list[Segment]
    sources: list[str]
    canonical: bool


@dataclass(frozen=True)
class ClusterView:
    """A quote found across the story's articles, with its wordings side by side."""

    cluster_id: str
    text: str
    speaker: str | None
    sources: list[str]
    outlet_count: int
    variants: list[VariantView]

    @property
    def shared(self) -> bool:
        """Carried by more than one of the story's articles."""
        return len(self.sources) > 1


@dataclass(frozen=True)
class ClaimView:
    """A figure one article gives, with the sentence it stands in (figure marked)."""

    claim_id: str
    article_id: str
    source: str
    measure: str
    number_text: str
    qualifier: str | None
    value: float
    value_high: float | None
    unit: str | None
    subject: str | None
    attributed_to: str | None
    sentence: list[Segment]
    group: int


@dataclass(frozen=True)
class ConflictSide:
    """The claims of one agreeing group that a conflict sets against another."""

    description: str
    claims: list[ClaimView]


@dataclass(frozen=True)
class ConflictView:
    """Where the story's outlets disagree about one measure."""

    conflict_id: str
    measure: str
    description: str
    spread: float
    sides: list[ConflictSide]


@dataclass(frozen=True)
class EntityView:
    """An entity the story's articles mention, with the other names it goes by."""

    name: str
    label: str
    aliases: list[str]
    mentions: int
    articles: int


@dataclass(frozen=True)
class OverlapView:
    """Two articles of the story that share copy outside quotations."""

    first: str
    second: str
    shared_chars: int
    shared_share: float
    passages: int


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a warehouse table; `row["column"]` reads its cell."""

    warehouse: Warehouse
    table: str
    position: int

    def __getitem__(self, column: str) -> Any:
        return self.warehouse.column(self.table, column)[self.position]


@dataclass(frozen=True)
class StoryView:
    """Everything one story's page shows."""

    story_id: str
    title: str
    first_published: str | None
    outlet_count: int
    articles: list[ArticleView]
    timeline: list[TimelineDate]
    clusters: list[ClusterView]
    claims: list[ClaimView]
    conflicts: list[ConflictView]
    entities: list[EntityView]
    overlap: list[OverlapView]

    @property
    def measures(self) -> list[str]:
        """Measures the story's claims count, in name order."""
        return sorted({claim.measure for claim in self.claims})


class Warehouse:
    """The tables a report reads, each present with its schema's columns even when missing or empty."""

    def __init__(self, tables: Mapping[str, pd.DataFrame]) -> None:
        self._tables = tables
        self._cache: dict[str, pd.DataFrame] = {}
        self._columns: dict[tuple[str, str], list[Any]] = {}
        self._positions: dict[tuple[str, str], dict[object, list[int]]] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            self._cache[name] = _with_schema(name, self._tables.get(name))
        return self._cache[name]

    def column(self, name: str, column: str) -> list[Any]:
        """A column of table `name` as Python values, listed once."""
        if (name, column) not in self._columns:
            self._columns[(name, column)] = self[name][column].tolist()
        return self._columns[(name, column)]

    def rows(self, name: str, column: str, keys: Iterable[object]) -> list[Row]:
        """Rows of table `name` whose `column` is one of `keys` (a list column: holds one), in table order.

        Each story reads only its own rows: the table is indexed by `column` once,
        and a row reads its cells from columns listed once, so a report costs one
        pass over each column it shows, not a DataFrame per story.
        """
        if (name, column) not in self._positions:
            self._positions[(name, column)] = _positions(self[name][column])
        index = self._positions[(name, column)]
        return [
            Row(self, name, position) for position in sorted({p for key in keys for p in index.get(key, ())})
        ]

    def story_ids(self) -> list[str]:
        """Stories in page order: earliest first, undated last."""
        stories = self["stories"]
        order = sorted(
            zip(stories["story_id"], stories["first_published"], strict=True),
            key=lambda pair: (_present(pair[1]) is None, str(_present(pair[1]) or ""), pair[0]),
        )
        return [story_id for story_id, _ in order]


def story_view(warehouse: Warehouse, story_id: str) -> StoryView:
    """The records of one story's page."""
    story = warehouse.rows("stories", "story_id", [story_id])
    if not story:
        raise KeyError(f"no story {story_id!r}")
    row = story[0]
    article_ids = [str(article_id) for article_id in row["article_ids"]]
    articles = sorted(
        warehouse.rows("articles", "article_id", article_ids),
        key=lambda article: (article["source_path"], article["article_id"]),
    )
    labels = article_labels(articles)
    texts = {article["article_id"]: article["text"] for article in articles}
    sentences = _SentenceSpans(warehouse.rows("sentences", "article_id", texts), texts)
    claims = _claims(warehouse, story_id, labels, sentences)
    return StoryView(
        story_id=story_id,
        title=_text(row["title"]) or f"Story {story_id}",
        first_published=_date_text(row["first_published"]),
        outlet_count=int(row["outlet_count"]),
        articles=[_article(article, labels) for article in articles],
        timeline=_timeline(warehouse, articles, labels, sentences),
        clusters=_clusters(warehouse, labels, texts),
        claims=claims,
        conflicts=_conflicts(warehouse, story_id, claims),
        entities=_entities(warehouse, labels),
        overlap=_overlap(warehouse, labels),
    )


def article_labels(articles: Sequence[Row]) -> dict[str, str]:
    """How the page names each article: its outlet, else its file (outlet and file if an outlet has two)."""
    files = {
        article["article_id"]: _FILE_SUFFIX.sub("", str(article["source_path"]).rsplit("/", 1)[-1])
        for article in articles
    }
    outlets = {
        article["article_id"]: article["outlet"].strip() for article in articles if _text(article["outlet"])
    }
    shared = Counter(outlets.values())
    return {
        article_id: (
            files[article_id]
            if article_id not in outlets
            else outlets[article_id]
            if shared[outlets[article_id]] == 1
            else f"{outlets[article_id]} ({files[article_id]})"
        )
        for article_id in files
    }


def measure_title(measure: str) -> str:
    """`war_start_year` reads `War start year`."""
    return measure.replace("_", " ").capitalize()


class _SentenceSpans:
    """The sentence around a span of an article, from the sentences table's offsets."""

    def __init__(self, sentences: Iterable[Row], texts: Mapping[str, str]) -> None:
        """`sentences`: the rows of the articles in `texts`."""
        self._texts = texts
        self._spans = {
            (row["article_id"], int(row["sentence_id"])): (int(row["start_char"]), int(row["end_char"]))
            for row in sentences
        }

    def around(
        self, article_id: str, sentence_id: int, start: int, end: int, mark: tuple[int, int]
    ) -> list[Segment]:
        """The sentence `sentence_id` widened to hold `start:end`, with `mark` (article offsets) marked."""
        text = self._texts.get(article_id, "")
        sentence_start, sentence_end = self._spans.get((article_id, sentence_id), (start, end))
        low, high = min(start, sentence_start), max(end, sentence_end)
        return marked(text[low:high], mark[0] - low, mark[1] - low)


def _positions(values: pd.Series) -> dict[object, list[int]]:
    """Row positions by value; a row whose value is a list is filed under each of its items."""
    index: dict[object, list[int]] = defaultdict(list)
    for position, value in enumerate(values):
        for item in value if isinstance(value, list | np.ndarray) else (value,):
            index[item].append(position)
    return index


def _with_schema(name: str, frame: pd.DataFrame | None) -> pd.DataFrame:
    empty = schema_for(name).empty_table().to_pandas()
    if frame is None or (frame.empty and not set(empty.columns) <= set(frame.columns)):
        return empty
    missing = [column for column in empty.columns if column not in frame.columns]
    if missing:
        raise ValueError(f"table {name!r} lacks columns {missing}")
    return frame


def _article(row: Row, labels: Mapping[str, str]) -> ArticleView:
    url = _text(row["url"])
    return ArticleView(
        article_id=row["article_id"],
        label=labels[row["article_id"]],
        outlet=_text(row["outlet"]),
        source_path=str(row["source_path"]),
        title=_text(row["title"]),
        published=_date_text(row["published_date"]),
        author=_text(row["author"]),
        dateline=_text(row["dateline"]),
        # Only web addresses become links: a `javascript:` URL from the wild must not.
        url=url if url and re.match(r"https?://", url, re.IGNORECASE) else None,
        credits=tuple(str(credit) for credit in _items(row["credits"])),
        agency_copy=bool(row["agency_copy"]),
    )


def _timeline(
    warehouse: Warehouse, articles: list[Row], labels: Mapping[str, str], sentences: _SentenceSpans
) -> list[TimelineDate]:
    """Dated events the articles mention, and their publications, in calendar order."""
    dated: dict[tuple[str, str], list[TimelineEntry]] = defaultdict(list)
    for row in articles:
        published = _date_text(row["published_date"])
        if published:
            title = _text(row["title"])
            dated[(published, "day")].append(
                TimelineEntry(labels[row["article_id"]], published, [Segment(title)] if title else [], True)
            )
    times = warehouse.rows("time_expressions", "article_id", labels)
    order = {article_id: position for position, article_id in enumerate(labels)}
    rows = sorted(times, key=lambda row: (order[row["article_id"]], row["start_char"]))
    for row in rows:
        value = _text(row["value"])
        if not value or row["anchor"] in _UNDATED_ANCHORS or row["granularity"] == "duration":
            continue
        span = (int(row["start_char"]), int(row["end_char"]))
        sentence = sentences.around(row["article_id"], int(row["sentence_id"]), *span, mark=span)
        dated[(value, str(row["granularity"]))].append(
            TimelineEntry(labels[row["article_id"]], str(row["text"]), sentence)
        )
    keys = sorted(dated, key=lambda key: (_period_start(key[0]) or date.max, key[0]))
    return [TimelineDate(value, granularity, dated[(value, granularity)]) for value, granularity in keys]


def _clusters(warehouse: Warehouse, labels: Mapping[str, str], texts: Mapping[str, str]) -> list[ClusterView]:
    """Quote clusters the story's articles carry, most widely carried first."""
    quotes = warehouse.rows("quotes", "article_id", labels)
    clusters = warehouse.rows("quote_clusters", "article_ids", labels)
    quote_rows = {row["quote_id"]: row for row in quotes}
    views = []
    for row in clusters:
        carriers = [str(article_id) for article_id in _items(row["article_ids"]) if article_id in labels]
        if not carriers:
            continue
        members = [quote_rows[quote_id] for quote_id in _items(row["quote_ids"]) if quote_id in quote_rows]
        views.append(
            ClusterView(
                cluster_id=row["cluster_id"],
                text=str(row["text"]),
                speaker=_text(row["speaker_name"]),
                sources=_ordered_labels(carriers, labels),
                outlet_count=int(row["outlet_count"]),
                variants=_variants(str(row["text"]), row["cluster_id"], members, labels, texts),
            )
        )
    return sorted(
        views, key=lambda view: (-len(view.sources), -view.outlet_count, -len(view.variants), view.text)
    )


def _variants(
    canonical: str, cluster_id: str, members: list[Row], labels: Mapping[str, str], texts: Mapping[str, str]
) -> list[VariantView]:
    """The distinct wordings of a cluster: each member's passages of it, sliced from its article."""
    wordings: dict[str, tuple[str, list[str]]] = {}
    for member in members:
        text = texts.get(member["article_id"], "")
        passages = [
            text[int(passage["start_char"]) : int(passage["end_char"])]
            for passage in _items(member["passages"])
            if passage["cluster_id"] == cluster_id
        ]
        wording = " … ".join(passages) if passages else str(member["text"])
        key = " ".join(anyascii(wording).split())
        _, carriers = wordings.setdefault(key, (wording, []))
        if member["article_id"] not in carriers:
            carriers.append(member["article_id"])
    canonical_key = " ".join(anyascii(canonical).split())
    views = [
        VariantView(
            text=wording,
            segments=word_diff(canonical, wording),
            sources=_ordered_labels(carriers, labels),
            canonical=key == canonical_key,
        )
        for key, (wording, carriers) in wordings.items()
    ]
    return sorted(views, key=lambda view: (not view.canonical, -len(view.sources), view.text))


def _claims(
    warehouse: Warehouse, story_id: str, labels: Mapping[str, str], sentences: _SentenceSpans
) -> list[ClaimView]:
    """The story's numeric claims, each with its agreeing group's number within its measure."""
    claims = warehouse.rows("claims", "article_id", labels)
    group_of: dict[str, int] = {}
    for measure_groups in _groups_by_measure(warehouse, story_id).values():
        for number, group in enumerate(measure_groups):
            group_of.update(dict.fromkeys(_items(group["claim_ids"]), number))
    order = {article_id: position for position, article_id in enumerate(labels)}
    rows = sorted(claims, key=lambda row: (row["measure"], order[row["article_id"]], row["number_start"]))
    views = []
    for row in rows:
        figure = (int(row["number_start"]), int(row["number_end"]))
        views.append(
            ClaimView(
                claim_id=row["claim_id"],
                article_id=row["article_id"],
                source=labels[row["article_id"]],
                measure=str(row["measure"]),
                number_text=str(row["number_text"]),
                qualifier=_text(row["qualifier"]),
                value=float(row["value"]),
                value_high=_number(row["value_high"]),
                unit=_text(row["unit"]),
                subject=_text(row["subject"]),
                attributed_to=_text(row["attributed_to"]),
                sentence=sentences.around(
                    row["article_id"],
                    int(row["sentence_id"]),
                    int(row["start_char"]),
                    int(row["end_char"]),
                    figure,
                ),
                group=group_of.get(row["claim_id"], -1),
            )
        )
    return views


def _conflicts(warehouse: Warehouse, story_id: str, claims: list[ClaimView]) -> list[ConflictView]:
    """The story's conflicts, each split into sides by the claim groups that disagree."""
    conflicts = warehouse.rows("conflicts", "story_id", [story_id])
    groups = _groups_by_measure(warehouse, story_id)
    by_id = {claim.claim_id: claim for claim in claims}
    views = []
    for row in sorted(conflicts, key=lambda conflict: (conflict["measure"], conflict["conflict_id"])):
        claim_ids = [claim_id for claim_id in _items(row["claim_ids"]) if claim_id in by_id]
        sides, placed = [], set()
        for group in groups.get(row["measure"], []):
            members = [claim_id for claim_id in claim_ids if claim_id in set(_items(group["claim_ids"]))]
            if members:
                sides.append(
                    ConflictSide(str(group["description"]), [by_id[claim_id] for claim_id in members])
                )
                placed.update(members)
        for claim_id in claim_ids:
            if claim_id not in placed:
                claim = by_id[claim_id]
                sides.append(ConflictSide(f"{claim.source} says {claim.number_text}.", [claim]))
        views.append(
            ConflictView(
                conflict_id=row["conflict_id"],
                measure=str(row["measure"]),
                description=str(row["description"]),
                spread=float(row["spread"]),
                sides=sides,
            )
        )
    return views


def _groups_by_measure(warehouse: Warehouse, story_id: str) -> dict[str, list[Row]]:
    """The story's claim groups by measure, each measure's lowest values first."""
    groups: dict[str, list[Row]] = defaultdict(list)
    for group in warehouse.rows("claim_groups", "story_id", [story_id]):
        groups[group["measure"]].append(group)
    return {
        measure: sorted(rows, key=lambda group: (group["value_low"], group["group_id"]))
        for measure, rows in groups.items()
    }


def _entities(warehouse: Warehouse, labels: Mapping[str, str]) -> list[EntityView]:
    """Entities the story's articles mention, most mentioned first."""
    mention_counts: Counter[str] = Counter()
    articles_of: dict[str, set[str]] = defaultdict(set)
    for mention in warehouse.rows("mentions", "article_id", labels):
        entity_id = mention["entity_id"]
        if _present(entity_id) is not None:
            mention_counts[entity_id] += 1
            articles_of[entity_id].add(mention["article_id"])
    views = {
        entity["entity_id"]: EntityView(
            name=str(entity["name"]),
            label=str(entity["label"]),
            aliases=sorted({str(alias) for alias in _items(entity["aliases"])} - {str(entity["name"])}),
            mentions=mention_counts[entity["entity_id"]],
            articles=len(articles_of[entity["entity_id"]]),
        )
        for entity in warehouse.rows("entities", "entity_id", mention_counts)
    }
    return [
        views[entity_id]
        for entity_id in sorted(views, key=lambda key: (-views[key].mentions, views[key].name, key))
    ]


def _overlap(warehouse: Warehouse, labels: Mapping[str, str]) -> list[OverlapView]:
    """Pairs of the story's articles that share copy, the most shared first (ties in label order)."""
    views = [
        OverlapView(
            first=labels[row["article_id"]],
            second=labels[row["other_article_id"]],
            shared_chars=int(row["shared_chars"]),
            shared_share=float(row["shared_share"]),
            passages=int(row["passages"]),
        )
        for row in warehouse.rows("source_overlap", "article_id", labels)
        if row["other_article_id"] in labels
    ]
    return sorted(views, key=lambda view: (-view.shared_chars, view.first, view.second))


def _ordered_labels(article_ids: Iterable[str], labels: Mapping[str, str]) -> list[str]:
    """Labels in the page's article order, each once."""
    wanted = set(article_ids)
    return [label for article_id, label in labels.items() if article_id in wanted]


def _period_start(value: str) -> date | None:
    """First day of an ISO date, week, month or year; None for other values (decades...)."""
    if _YEAR.match(value):
        return date(int(value), 1, 1)
    month = _MONTH.match(value)
    try:
        if month:
            return date(int(month[1]), int(month[2]), 1)
        return date.fromisoformat(value)
    except ValueError:
        return None


def _items(value: object) -> list:
    """A list cell as a list (Parquet gives arrays; a missing cell is empty)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    return list(value)


def _present(value: object) -> object | None:
    return None if value is None or pd.isna(value) else value


def _text(value: object) -> str | None:
    present = _present(value)
    return str(present) if present is not None and str(present).strip() else None


def _number(value: object) -> float | None:
    present = _present(value)
    return float(present) if present is not None else None


def _date_text(value: object) -> str | None:
    present = _present(value)
    if present is None:
        return None
    if isinstance(present, datetime):
        present = present.date()
    return present.isoformat() if isinstance(present, date) else str(present)[:10]
