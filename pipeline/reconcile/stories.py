"""Stories: groups of articles that report the same event.

Two articles report the same event when they share rare words and rare
entities: each article is a TF-IDF vector of its sentences' words next to one
of its resolved entities, and pairs whose cosine similarity reaches a
threshold are linked, unless their publication dates lie too far apart.
Stories are the connected groups. Terms found in more than half the articles
of a large corpus are dropped, so similarities come from a sparse product
over shared rare terms, never from comparing all pairs.

Thresholds were chosen on the ECB+ train topics (adjusted Rand 0.78,
V-measure 0.95 there; entities alone gave 0.74 and 0.92).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

_WORD = r"(?u)\b[^\W\d_][\w'-]+\b"
_ENTITY = r"\S+"


@dataclass(frozen=True)
class StorySettings:
    """Thresholds of story grouping."""

    min_similarity: float = 0.2
    text_weight: float = 0.5
    max_days_apart: int = 7
    # Corpora at least this large drop terms found in more than `max_term_share` of articles.
    large_corpus: int = 20
    max_term_share: float = 0.5


def group_stories(
    articles: pd.DataFrame,
    sentences: pd.DataFrame,
    mentions: pd.DataFrame,
    settings: StorySettings | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """One row per story, with the columns of `schema.py`; every article is in exactly one story."""
    settings = settings or StorySettings()
    columns = ["story_id", "title", "article_ids", "first_published", "outlet_count", "article_count"]
    if articles.empty:
        return pd.DataFrame(columns=columns)
    ordered = articles.sort_values("article_id", ignore_index=True)
    ids = ordered["article_id"].tolist()
    texts = sentences.groupby("article_id")["text"].agg(" ".join).reindex(ids, fill_value="")
    entities = mentions.groupby("article_id")["entity_id"].agg(" ".join).reindex(ids, fill_value="")
    vectors = sp.hstack(
        [
            np.sqrt(settings.text_weight) * _tfidf(texts, _WORD, True, settings),
            np.sqrt(1 - settings.text_weight) * _tfidf(entities, _ENTITY, False, settings),
        ]
    ).tocsr()
    similarity = (normalize(vectors) @ normalize(vectors).T).tocoo()
    linked = (similarity.data >= settings.min_similarity) & (similarity.row < similarity.col)
    rows, cols = similarity.row[linked], similarity.col[linked]
    near = _close_in_time(ordered["published_date"], rows, cols, settings.max_days_apart)
    graph = sp.coo_matrix((np.ones(near.sum()), (rows[near], cols[near])), shape=(len(ids), len(ids)))
    _, labels = connected_components(graph, directed=False)

    indexed = ordered.set_index("article_id")
    stories = []
    for label in np.unique(labels):
        members = sorted(ordered["article_id"][labels == label])
        stories.append(_story_row(members, indexed))
        if on_progress is not None:
            on_progress(len(members))
    return pd.DataFrame(stories, columns=columns).sort_values("story_id", ignore_index=True)


def _tfidf(documents: pd.Series, token_pattern: str, words: bool, settings: StorySettings) -> sp.csr_matrix:
    max_df = settings.max_term_share if len(documents) >= settings.large_corpus else 1.0
    vectorizer = TfidfVectorizer(
        token_pattern=token_pattern,
        lowercase=words,
        stop_words="english" if words else None,
        sublinear_tf=True,
        max_df=max_df,
    )
    try:
        return vectorizer.fit_transform(documents)
    except ValueError:  # no term left: empty texts, or every term too common
        return sp.csr_matrix((len(documents), 0))


def _close_in_time(dates: pd.Series, rows: np.ndarray, cols: np.ndarray, max_days: int) -> np.ndarray:
    """Whether each pair may be one event: true unless both dates are known and too far apart."""
    days = pd.to_datetime(dates).to_numpy(dtype="datetime64[D]")
    first, second = days[rows], days[cols]
    known = ~(np.isnat(first) | np.isnat(second))
    apart = np.zeros(len(rows), dtype="int64")
    apart[known] = np.abs((first[known] - second[known]).astype("int64"))
    return apart <= max_days


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
