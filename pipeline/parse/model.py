"""What parsing returns: character spans and article metadata, both immutable."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Span:
    """Characters `text[start_char:end_char]` of one kind (`marker`, `title`, ...)."""

    start_char: int
    end_char: int
    kind: str


@dataclass(frozen=True)
class ArticleMetadata:
    """Metadata and layout of one article; every offset indexes the text as given."""

    title: str | None = None
    title_start: int | None = None
    title_end: int | None = None
    published_date: dt.date | None = None
    outlet: str | None = None
    author: str | None = None
    dateline: str | None = None
    dateline_start: int | None = None
    dateline_end: int | None = None
    body_start: int = 0
    body_end: int = 0
    furniture: list[Span] = field(default_factory=list)
    sections: list[Span] = field(default_factory=list)
    agency_copy: bool = False
    credits: list[str] = field(default_factory=list)
