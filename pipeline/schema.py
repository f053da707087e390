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

PASSAGE = pa.struct(
    [
        pa.field("start_char", pa.int32(), nullable=False),
        pa.field("end_char", pa.int32(), nullable=False),
        pa.field("cluster_id", pa.string(), nullable=False),
    ]
)

_ARTICLE_ID = _field(
    "article_id", pa.string(), "Stable id derived from the article's text (sha256 prefix).", False
)
_SOURCE_PATH = _field(
    "source_path",
    pa.string(),
    "Input, relative to the input folder (POSIX separators); a JSON Lines line is `<file>#L<line>`.",
    False,
)
_START = _field("start_char", pa.int32(), "First character of the span in `articles.text` (0-based).", False)
_END = _field("end_char", pa.int32(), "One past the last character of the span.", False)

_QUOTE_SPAN = (
    _field("quote_id", pa.string(), "Unique id: article id and character span.", False),
    _ARTICLE_ID,
    _field("sentence_id", pa.int32(), "Sentence the quote starts in.", False),
    _field("start_char", pa.int32(), "First character inside the opening mark.", False),
    _field("end_char", pa.int32(), "One past the last character before the closing mark.", False),
    _field("text", pa.string(), "The quoted words, equal to `articles.text[start_char:end_char]`.", False),
)
_SPEAKER_NAME = _field(
    "speaker_name", pa.string(), "Who said it, as the article names them; null when unknown."
)
_QUOTE_ATTRIBUTION = (
    _field("speaker_start", pa.int32(), "Where the article names the speaker for this quote."),
    _field("speaker_end", pa.int32(), "End of that name."),
    _field("cue", pa.string(), "Reporting verb or phrase: `said`, `told reporters`, `according to`..."),
    _field("kind", pa.string(), "`direct`, `partial` (a fragment inside reported speech) or `block`.", False),
)

_TIME_EXPRESSION = (
    _field("time_id", pa.string(), "Unique id: article id and character span.", False),
    _ARTICLE_ID,
    _field("sentence_id", pa.int32(), "Sentence the expression stands in.", False),
    _START,
    _END,
    _field("text", pa.string(), "The expression, equal to `articles.text[start_char:end_char]`.", False),
    _field("value", pa.string(), "ISO 8601: date, week (`2024-W48`), month, year, or duration (`P10Y`)."),
    _field(
        "granularity",
        pa.string(),
        "`day`, `week`, `month`, `season`, `quarter`, `year`, `decade`, `century` or `duration`.",
        False,
    ),
    _field(
        "anchor",
        pa.string(),
        "`absolute`, `publication_date`, `latest_date`, `story_date` (undated article: its story's date),"
        " `unresolved` or `duration`.",
        False,
    ),
    _field("anchor_date", pa.date32(), "The date a relative expression was resolved against."),
    _field(
        "modifier",
        pa.string(),
        "Relation the text puts on it: `since`, `before`, `after`, `more than`...",
    ),
)


SCHEMAS: dict[str, pa.Schema] = {
    "raw_articles": _table(
        "Every input file that decoded to text, before any parsing.",
        _ARTICLE_ID,
        _SOURCE_PATH,
        _field(
            "sha256", pa.string(), "SHA-256 of the input's bytes (a JSON Lines line: its UTF-8 bytes).", False
        ),
        _field(
            "n_bytes", pa.int64(), "Size of the input in bytes (a JSON Lines line: its UTF-8 bytes).", False
        ),
        _field("encoding", pa.string(), "Encoding the bytes were decoded with.", False),
        _field(
            "text", pa.string(), "Decoded text, exactly as read (for HTML: the extracted main text).", False
        ),
        _field("format", pa.string(), "Input format: `text`, `html` or `jsonl`.", False),
        _field("line", pa.int32(), "Line number in a JSON Lines file (1-based); null for other formats."),
        _field(
            "url", pa.string(), "URL the source gives for the article (HTML canonical link, JSONL `url`)."
        ),
        _field(
            "title", pa.string(), "Title the source gives as metadata (HTML, JSONL); null for plain text."
        ),
        _field(
            "outlet", pa.string(), "Outlet the source gives as metadata (HTML site name, JSONL `outlet`)."
        ),
        _field("author", pa.string(), "Author the source gives as metadata (HTML, JSONL)."),
        _field("published_date", pa.date32(), "Publication date the source gives as metadata (HTML, JSONL)."),
    ),
    "quarantine": _table(
        "Inputs that could not become articles, each with the reason why.",
        _SOURCE_PATH,
        _field("sha256", pa.string(), "SHA-256 of the input's bytes, when they could be read."),
        _field("stage", pa.string(), "Stage that rejected the input (e.g. `ingest`).", False),
        _field("reason", pa.string(), "Machine-readable reason (e.g. `empty`, `undecodable`).", False),
        _field("detail", pa.string(), "Human-readable explanation.", False),
        _field("line", pa.int32(), "Line number in a JSON Lines file (1-based), when one line was rejected."),
        _field("duplicate_of", pa.string(), "For `duplicate`: the `article_id` of the article kept instead."),
    ),
    "articles": _table(
        "One row per article: its text as ingested and the metadata parsed from its furniture.",
        _ARTICLE_ID,
        _SOURCE_PATH,
        _field("text", pa.string(), "Text exactly as ingested; every offset indexes this string.", False),
        _field("url", pa.string(), "URL of the article, when the source gives one."),
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
    "mention_candidates": _table(
        "Named-entity mentions as each article's parse finds them, before resolution across articles.",
        _ARTICLE_ID,
        _field("sentence_id", pa.int32(), "Sentence the mention stands in.", False),
        _START,
        _END,
        _field("text", pa.string(), "The mention, equal to `articles.text[start_char:end_char]`.", False),
        _field("ner_label", pa.string(), "Label the NER model (or an entity rule) gave.", False),
        _field(
            "acronym_of", pa.string(), "The long form this acronym abbreviates in the article, if defined."
        ),
        _field(
            "candidate",
            pa.bool_(),
            "True for a span the model did not label (a bare acronym, a run of capitalised words) or "
            "labelled inside a title-case headline: kept only if it resolves to a labelled entity.",
            False,
        ),
    ),
    "quote_candidates": _table(
        "Quoted speech as each article states it, before speakers are resolved across articles.",
        *_QUOTE_SPAN,
        _SPEAKER_NAME,
        _field(
            "speaker_mention_id",
            pa.string(),
            "A mention of the speaker in the same article (`<article_id>:<start>-<end>`); null when unknown.",
        ),
        *_QUOTE_ATTRIBUTION,
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
    "quotes": _table(
        "Quoted speech in every article: the words inside the marks, who said them, and the cue.",
        *_QUOTE_SPAN,
        _SPEAKER_NAME,
        _field("speaker_entity_id", pa.string(), "The speaker in `entities`; null when unknown."),
        *_QUOTE_ATTRIBUTION,
        _field("cluster_id", pa.string(), "The same words across outlets: a key of `quote_clusters`.", False),
        _field(
            "passages",
            pa.list_(PASSAGE),
            "The quote cut into passages (sentences), each with the `quote_clusters` key of its words.",
            False,
        ),
    ),
    "claims": _table(
        "Numeric claims: a figure about a measure, with its qualifier and who it is attributed to.",
        _field("claim_id", pa.string(), "Unique id: article id and character span of the figure.", False),
        _ARTICLE_ID,
        _field("sentence_id", pa.int32(), "Sentence the claim stands in.", False),
        _field("start_char", pa.int32(), "Start of the claim's clause or sentence.", False),
        _field("end_char", pa.int32(), "End of the claim's clause or sentence.", False),
        _field(
            "text",
            pa.string(),
            "The claim's clause or sentence, equal to the slice of `articles.text`.",
            False,
        ),
        _field(
            "measure",
            pa.string(),
            "What is counted, from `pipeline/data/measures.json` (`killed`...).",
            False,
        ),
        _field("value", pa.float64(), "The figure (the low end of a range).", False),
        _field("value_high", pa.float64(), "High end of a range; null for a single figure."),
        _field("unit", pa.string(), "Unit of the figure (`people`, `places`, `year`...)."),
        _field(
            "qualifier",
            pa.string(),
            "`more than`, `over`, `at least`, `nearly`, `about`, `up to`, `exactly`...",
        ),
        _field(
            "attributed_to",
            pa.string(),
            "Source the article attributes the figure to; null when it asserts it.",
        ),
        _field("subject", pa.string(), "Who or what is counted, when stated (`civilians`, `insurgents`)."),
        _field("number_start", pa.int32(), "Start of the figure itself in `articles.text`.", False),
        _field("number_end", pa.int32(), "End of the figure itself.", False),
        _field("number_text", pa.string(), "The figure as written (`nearly 1,000`, `hundreds`).", False),
        _field(
            "parent_claim_id",
            pa.string(),
            "The claim this one is part of (`including at least 72 civilians`).",
        ),
    ),
    "time_candidates": _table(
        "Time expressions as each batch's articles date them; an undated article's relative ones stay "
        "unresolved, with the rule that dates them once its story is known.",
        *_TIME_EXPRESSION,
        _field(
            "relative_rule",
            pa.string(),
            "How a relative expression is dated from an anchor (`weekday_on_or_before`, `shift`...; "
            "`pipeline.extract.times.RULES`); null when the text dates itself.",
        ),
        _field("relative_args", pa.list_(pa.int32()), "The rule's integers (a month, a weekday, a shift)."),
    ),
    "time_expressions": _table(
        "Time expressions, normalized: dates resolved, relative ones anchored, durations marked.",
        *_TIME_EXPRESSION,
    ),
    "quote_clusters": _table(
        "The same quoted words found across articles and outlets, despite typography, cuts and spelling.",
        _field("cluster_id", pa.string(), "Stable id derived from the member quotes.", False),
        _field("text", pa.string(), "Canonical text: the longest faithful version.", False),
        _field(
            "speaker_entity_id", pa.string(), "The speaker most members name, in `entities`; null if none."
        ),
        _field("speaker_name", pa.string(), "That speaker's name; null when no member names one."),
        _field("article_ids", pa.list_(pa.string()), "Articles that carry the quote, each once.", False),
        _field("quote_ids", pa.list_(pa.string()), "Member quotes.", False),
        _field(
            "outlet_count",
            pa.int32(),
            "Distinct outlets carrying it (unknown outlets count once each).",
            False,
        ),
        _field("variant_count", pa.int32(), "Distinct wordings among the members.", False),
        _field("first_published", pa.date32(), "Earliest publication date among its articles."),
    ),
    "claim_groups": _table(
        "Claims about one measure in one story that agree: what is corroborated, and by how many sources.",
        _field("group_id", pa.string(), "Stable id derived from the member claims.", False),
        _field("story_id", pa.string(), "Story the claims belong to.", False),
        _field("measure", pa.string(), "What is counted.", False),
        _field("value_low", pa.float64(), "Lowest value the agreeing claims allow.", False),
        _field("value_high", pa.float64(), "Highest value they allow; null when open-ended."),
        _field("claim_ids", pa.list_(pa.string()), "Member claims.", False),
        _field("article_ids", pa.list_(pa.string()), "Articles carrying them, each once.", False),
        _field("independent_sources", pa.int32(), "Articles that do not share copy with one another.", False),
        _field("description", pa.string(), "One sentence an analyst can read.", False),
    ),
    "conflicts": _table(
        "Where outlets disagree: claims about one measure in one story that cannot all be true.",
        _field("conflict_id", pa.string(), "Stable id derived from the claims in conflict.", False),
        _field("story_id", pa.string(), "Story the claims belong to.", False),
        _field("measure", pa.string(), "What is counted.", False),
        _field("description", pa.string(), "One sentence an analyst can read.", False),
        _field("claim_ids", pa.list_(pa.string()), "The claims in conflict.", False),
        _field("article_ids", pa.list_(pa.string()), "Their articles, each once.", False),
        _field("values", pa.list_(pa.float64()), "The values claimed, one per claim.", False),
        _field("spread", pa.float64(), "Largest over smallest value claimed (1.0 = equal).", False),
    ),
    "source_overlap": _table(
        "Pairs of articles of one story that share long verbatim passages outside quotations: "
        "copy from one source.",
        _field("article_id", pa.string(), "One article of the pair (the smaller id).", False),
        _field("other_article_id", pa.string(), "The other article.", False),
        _field("shared_chars", pa.int32(), "Characters of text they share verbatim, outside quotes.", False),
        _field("shared_share", pa.float64(), "Shared characters over the shorter article's length.", False),
        _field("passages", pa.int32(), "Number of separate shared passages.", False),
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
# Tables written per input batch (one partition each); the others are computed across all articles.
PER_BATCH_TABLES: frozenset[str] = frozenset(
    {
        "raw_articles",
        "quarantine",
        "articles",
        "sentences",
        "mention_candidates",
        "quote_candidates",
        "claims",
        "time_candidates",
    }
)


def schema_for(table: str) -> pa.Schema:
    """The schema of `table`; a KeyError names the unknown table."""
    try:
        return SCHEMAS[table]
    except KeyError:
        raise KeyError(f"no schema for table {table!r}; known tables: {', '.join(TABLES)}") from None


def describe(field: pa.Field) -> str:
    """The documented meaning of a column."""
    return (field.metadata or {}).get(b"description", b"").decode()
