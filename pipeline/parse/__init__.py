"""Article metadata and page furniture from raw article text (no Dagster, no NLP).

`parse_article` reads the title, publication date, outlet, author, dateline
and body bounds, and marks page furniture (for extraction to skip) and
editorial sections (title, crossheads, datelines, bylines) by character
offsets into the unchanged text. Its word lists live in
`pipeline/data/furniture.json`, loaded by `FurnitureRules.load`.
"""

from pipeline.parse.article import parse_article
from pipeline.parse.model import ArticleMetadata, Span
from pipeline.parse.rules import FurnitureRules

__all__ = ["ArticleMetadata", "FurnitureRules", "Span", "parse_article"]
