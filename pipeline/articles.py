"""The `articles` table: each raw article with the metadata its furniture carries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

import pandas as pd

from pipeline.parse import FurnitureRules, parse_article
from pipeline.schema import schema_for


def build_articles(
    raw_articles: pd.DataFrame,
    rules: FurnitureRules | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Parse title, date, outlet, author, dateline, body and furniture of every raw article."""
    rules = rules or FurnitureRules.load()
    rows = []
    for article_id, source_path, text in zip(
        raw_articles["article_id"], raw_articles["source_path"], raw_articles["text"], strict=True
    ):
        metadata = parse_article(text, rules)
        rows.append(
            {
                "article_id": article_id,
                "source_path": source_path,
                "text": text,
                "title": metadata.title,
                "title_start": metadata.title_start,
                "title_end": metadata.title_end,
                "published_date": metadata.published_date,
                "outlet": metadata.outlet,
                "author": metadata.author,
                "dateline": metadata.dateline,
                "body_start": metadata.body_start,
                "body_end": metadata.body_end,
                "furniture": [asdict(span) for span in metadata.furniture],
                "sections": [asdict(span) for span in metadata.sections],
                "agency_copy": metadata.agency_copy,
                "credits": list(metadata.credits),
            }
        )
        if on_progress is not None:
            on_progress(1)
    return pd.DataFrame(rows, columns=schema_for("articles").names)
