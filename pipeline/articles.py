"""The `articles` table: each raw article with the metadata its source and its furniture carry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

import pandas as pd

from pipeline.parse import FurnitureRules, parse_article
from pipeline.schema import schema_for

# What a source may say about its article (HTML meta tags, JSON Lines fields), in `raw_articles`.
SOURCE_METADATA = ("url", "title", "published_date", "outlet", "author")


def build_articles(
    raw_articles: pd.DataFrame,
    rules: FurnitureRules | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Parse title, date, outlet, author, dateline, body and furniture of every raw article.

    Metadata the source gives outranks what the text is parsed to say: a page's
    meta tags are its publisher's statement, the parse a reading of furniture.
    """
    rules = rules or FurnitureRules.load()
    rows = []
    for raw in raw_articles.to_dict("records"):
        text = raw["text"]
        parsed = parse_article(text, rules)
        given = {name: None if pd.isna(raw[name]) else raw[name] for name in SOURCE_METADATA}
        title_from_text = given["title"] is None or _same_title(given["title"], parsed.title)
        rows.append(
            {
                "article_id": raw["article_id"],
                "source_path": raw["source_path"],
                "text": text,
                "url": given["url"],
                "title": parsed.title if title_from_text else given["title"],
                "title_start": parsed.title_start if title_from_text else None,
                "title_end": parsed.title_end if title_from_text else None,
                "published_date": given["published_date"] or parsed.published_date,
                "outlet": given["outlet"] or parsed.outlet,
                "author": given["author"] or parsed.author,
                "dateline": parsed.dateline,
                "body_start": parsed.body_start,
                "body_end": parsed.body_end,
                "furniture": [asdict(span) for span in parsed.furniture],
                "sections": [asdict(span) for span in parsed.sections],
                "agency_copy": parsed.agency_copy,
                "credits": list(parsed.credits),
            }
        )
        if on_progress is not None:
            on_progress(1)
    return pd.DataFrame(rows, columns=schema_for("articles").names)


def _same_title(given: str, parsed: str | None) -> bool:
    """The source's title is the headline the text opens with (case and spacing aside)."""
    return parsed is not None and " ".join(given.split()).casefold() == " ".join(parsed.split()).casefold()
