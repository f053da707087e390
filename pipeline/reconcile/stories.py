"""Stories: groups of articles that report the same event.

Two articles report the same event when they name the same rare entities:
each article is the set of entities it mentions, weighted by inverse
document frequency, and pairs whose cosine similarity reaches a threshold
are linked, unless their publication dates lie too far apart. Pairs are only
formed within blocks of articles that share an entity, never all against all.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

import pandas as pd

from pipeline.reconcile.groups import UnionFind


@dataclass(frozen=True)
class StorySettings:
    """Thresholds of story grouping."""

    min_similarity: float = 0.3
    max_days_apart: int = 7
    # Entities in more than this share of articles (in corpora of 20 or more) block nothing.
    max_block_share: float = 0.5


def group_stories(
    articles: pd.DataFrame, mentions: pd.DataFrame, settings: StorySettings | None = None
) -> pd.DataFrame:
    """One row per story, with the columns of `schema.py`; every article is in exactly one story."""
    settings = settings or StorySettings()
    article_ids = sorted(articles["article_id"])
    entity_sets = mentions.groupby("article_id")["entity_id"].agg(set).to_dict()
    weights = _weights(entity_sets, len(article_ids))
    dates = dict(zip(articles["article_id"], articles["published_date"], strict=True))

    groups = UnionFind()
    for article_id in article_ids:
        groups.find(article_id)
    for first, second in _candidate_pairs(entity_sets, len(article_ids), settings):
        if _too_far_apart(dates.get(first), dates.get(second), settings.max_days_apart):
            continue
        if _cosine(entity_sets[first], entity_sets[second], weights) >= settings.min_similarity:
            groups.union(first, second)

    members: dict[str, list[str]] = defaultdict(list)
    for article_id in article_ids:
        members[groups.find(article_id)].append(article_id)
    indexed = articles.set_index("article_id")
    rows = [_story_row(sorted(ids), indexed) for ids in members.values()]
    columns = ["story_id", "title", "article_ids", "first_published", "outlet_count", "article_count"]
    return pd.DataFrame(rows, columns=columns).sort_values("story_id", ignore_index=True)


def _weights(entity_sets: dict[str, set[str]], n_articles: int) -> dict[str, float]:
    frequency: dict[str, int] = defaultdict(int)
    for entities in entity_sets.values():
        for entity in entities:
            frequency[entity] += 1
    return {entity: math.log((1 + n_articles) / (1 + count)) + 1 for entity, count in frequency.items()}


def _candidate_pairs(
    entity_sets: dict[str, set[str]], n_articles: int, settings: StorySettings
) -> set[tuple[str, str]]:
    """Pairs of articles that share at least one entity rare enough to block on."""
    index: dict[str, list[str]] = defaultdict(list)
    for article_id in sorted(entity_sets):
        for entity in entity_sets[article_id]:
            index[entity].append(article_id)
    limit = max(2, int(settings.max_block_share * n_articles)) if n_articles >= 20 else n_articles
    pairs: set[tuple[str, str]] = set()
    for block in index.values():
        if len(block) <= limit:
            pairs.update(combinations(block, 2))
    return pairs


def _cosine(first: set[str], second: set[str], weights: dict[str, float]) -> float:
    shared = sum(weights[entity] ** 2 for entity in first & second)
    norm = math.sqrt(sum(weights[e] ** 2 for e in first)) * math.sqrt(sum(weights[e] ** 2 for e in second))
    return shared / norm if norm else 0.0


def _too_far_apart(first: object, second: object, max_days: int) -> bool:
    if first is None or second is None or pd.isna(first) or pd.isna(second):
        return False
    return abs((pd.Timestamp(first) - pd.Timestamp(second)).days) > max_days


def _story_row(article_ids: list[str], articles: pd.DataFrame) -> dict:
    members = articles.loc[article_ids]
    dated = members["published_date"].dropna()
    titled = sorted(
        (pd.isna(row.published_date), str(row.published_date), row.Index, row.title)
        for row in members.itertuples()
        if isinstance(row.title, str)
    )
    outlets = members["outlet"]
    return {
        "story_id": "S" + hashlib.sha256("|".join(article_ids).encode()).hexdigest()[:12],
        "title": titled[0][-1] if titled else None,
        "article_ids": article_ids,
        "first_published": min(dated) if len(dated) else None,
        "outlet_count": outlets.dropna().nunique() + int(outlets.isna().sum()),
        "article_count": len(article_ids),
    }
