"""Invariants that span tables, which a one-table suite cannot state.

Each function returns the offending rows or names, empty when all is well,
so a check can say exactly what broke.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


def span_mismatches(
    spans: pd.DataFrame,
    articles: pd.DataFrame,
    start: str = "start_char",
    end: str = "end_char",
    text: str = "text",
) -> pd.DataFrame:
    """Rows whose `text` column is not `articles.text[start:end]`, or whose article is unknown."""
    texts = dict(zip(articles["article_id"], articles["text"], strict=True))
    bad = [
        index
        for index, article_id, first, last, value in zip(
            spans.index, spans["article_id"], spans[start], spans[end], spans[text], strict=True
        )
        if article_id not in texts
        or not 0 <= first < last <= len(texts[article_id])
        or texts[article_id][first:last] != value
    ]
    return spans.loc[bad]


def unknown_references(values: pd.Series, known: pd.Series) -> pd.Series:
    """Values not among `known` (e.g. `mentions.entity_id` not in `entities`); a null refers to nothing."""
    present = values.dropna()
    return present[~present.isin(set(known))]


def unaccounted_inputs(
    discovered: Iterable[str], articles: pd.DataFrame, quarantine: pd.DataFrame
) -> dict[str, list[str]]:
    """Input files in neither `articles` nor `quarantine`, in both, or unknown to the input folder."""
    files = set(discovered)
    as_articles = set(articles["source_path"])
    quarantined = set(quarantine["source_path"])
    return {
        "missing": sorted(files - as_articles - quarantined),
        "in_both": sorted(as_articles & quarantined),
        "not_in_input": sorted((as_articles | quarantined) - files),
    }
