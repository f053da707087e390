"""Every table's pyarrow schema: the one source of truth.

The Parquet IO manager writes with these schemas, the quality checks derive
their structural expectations from them, and the data dictionary
(`docs/tables.md`) is generated from them. A column's meaning lives in its
field metadata under `description`.
"""

from __future__ import annotations

import pyarrow as pa


def _field(name: str, type_: pa.DataType, description: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"description": description})


def _table(description: str, *fields: pa.Field) -> pa.Schema:
    return pa.schema(list(fields), metadata={"description": description})


SPAN = pa.struct(
    [
        pa.field("start_char", pa.int32(), nullable=False),
        pa.field("end_char", pa.int32(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
    ]
)

_ARTICLE_ID = _field(
    "article_id", pa.string(), "Stable id derived from the article's text (sha256 prefix).", False
)
_SOURCE_PATH = _field(
    "source_path", pa.string(), "Input file, relative to the input folder (POSIX separators).", False
)
_START = _field("start_char", pa.int32(), "First character of the span in `articles.text` (0-based).", False)
_END = _field("end_char", pa.int32(), "One past the last character of the span.", False)


SCHEMAS: dict[str, pa.Schema] = {
    "raw_articles": _table(
        "Every input file that decoded to text, before any parsing.",
        _ARTICLE_ID,
        _SOURCE_PATH,
        _field("sha256", pa.string(), "SHA-256 of the file's bytes, hex.", False),
        _field("n_bytes", pa.int64(), "Size of the file in bytes.", False),
        _field("encoding", pa.string(), "Encoding the bytes were decoded with.", False),
        _field("text", pa.string(), "Decoded text, exactly as read.", False),
    ),
    "quarantine": _table(
        "Inputs that could not become articles, each with the reason why.",
        _SOURCE_PATH,
        _field("sha256", pa.string(), "SHA-256 of the file's bytes, when they could be read."),
        _field("stage", pa.string(), "Stage that rejected the input (e.g. `ingest`).", False),
        _field("reason", pa.string(), "Machine-readable reason (e.g. `empty`, `undecodable`).", False),
        _field("detail", pa.string(), "Human-readable explanation.", False),
    ),
    "articles": _table(
        "One row per article: its text as ingested and the metadata parsed from its furniture.",
        _ARTICLE_ID,
        _SOURCE_PATH,
        _field("text", pa.string(), "Text exactly as ingested; every offset indexes this string.", False),
        _field("title", pa.string(), "Headline, with line breaks folded to spaces."),
        _field("title_start", pa.int32(), "Start of the headline in `text`."),
        _field("title_end", pa.int32(), "End of the headline in `text`."),
        _field("published_date", pa.date32(), "Publication date, null when the article does not say."),
        _field("outlet", pa.string(), "Publishing outlet, when the text names it (masthead, credit)."),
        _field("author", pa.string(), "Byline author."),
        _field("dateline", pa.string(), "Place the story was filed from (the city)."),
        _field("body_start", pa.int32(), "Start of the article body (after title and front matter).", False),
        _field("body_end", pa.int32(), "End of the article body.", False),
        _field(
            "furniture",
            pa.list_(SPAN),
            "Page furniture that extraction skips: notices, labels, markers, stamps; with its kind.",
            False,
        ),
        _field(
            "sections",
            pa.list_(SPAN),
            "Editorial parts that are not body prose: `title`, `heading`, `dateline`, `byline`.",
            False,
        ),
        _field(
            "agency_copy",
            pa.bool_(),
            "The text says it carries agency copy (e.g. `With inputs from agencies`).",
            False,
        ),
        _field(
            "credits",
            pa.list_(pa.string()),
            "Sources the text credits (`X reports`, `inputs from agencies`).",
            False,
        ),
    ),
    "sentences": _table(
        "Sentences of every article, furniture excluded.",
        _ARTICLE_ID,
        _field("sentence_id", pa.int32(), "Position of the sentence within its article (0-based).", False),
        _START,
        _END,
        _field("text", pa.string(), "The sentence, equal to `articles.text[start_char:end_char]`.", False),
        _field(
            "kind", pa.string(), "Where it stands: `title`, `heading`, `dateline`, `byline` or `body`.", False
        ),
    ),
    "mentions": _table(
        "Named-entity mentions in every article, each linked to a resolved entity.",
        _field("mention_id", pa.string(), "Unique id: article id and character span.", False),
        _ARTICLE_ID,
        _field("sentence_id", pa.int32(), "Sentence the mention stands in.", False),
        _START,
        _END,
        _field("text", pa.string(), "The mention, equal to `articles.text[start_char:end_char]`.", False),
        _field(
            "label", pa.string(), "Entity type (PERSON, ORG, GPE, LOC, FAC, NORP, EVENT, LAW, ...).", False
        ),
        _field("entity_id", pa.string(), "Resolved entity, a key of `entities`.", False),
        _field(
            "ner_label",
            pa.string(),
            "Label the NER model gave before resolution (may differ from `label`).",
            False,
        ),
    ),
    "entities": _table(
        "Entities resolved across all articles: one row per real-world person, place, body, law...",
        _field("entity_id", pa.string(), "Stable id of the entity.", False),
        _field("name", pa.string(), "Canonical name: the fullest common surface form.", False),
        _field("label", pa.string(), "Entity type, by vote of its mentions.", False),
        _field("aliases", pa.list_(pa.string()), "Distinct surface forms that refer to it.", False),
        _field("article_count", pa.int32(), "Articles that mention it.", False),
        _field("mention_count", pa.int32(), "Mentions that refer to it.", False),
    ),
    "stories": _table(
        "Groups of articles that report the same event.",
        _field("story_id", pa.string(), "Stable id derived from the member articles.", False),
        _field("title", pa.string(), "Title of the earliest titled member article."),
        _field("article_ids", pa.list_(pa.string()), "Member articles.", False),
        _field("first_published", pa.date32(), "Earliest publication date among the members."),
        _field(
            "outlet_count",
            pa.int32(),
            "Distinct outlets among the members (unknown outlets count once each).",
            False,
        ),
        _field("article_count", pa.int32(), "Number of member articles.", False),
    ),
}

TABLES: tuple[str, ...] = tuple(SCHEMAS)


def schema_for(table: str) -> pa.Schema:
    """The schema of `table`; a KeyError names the unknown table."""
    try:
        return SCHEMAS[table]
    except KeyError:
        raise KeyError(f"no schema for table {table!r}; known tables: {', '.join(TABLES)}") from None


def describe(field: pa.Field) -> str:
    """The documented meaning of a column."""
    return (field.metadata or {}).get(b"description", b"").decode()
