"""Acceptance tests for the data-quality gates (`pipeline.quality`, `expectations/*.json`).

Each table gets a small valid frame built through its pyarrow schema (so the
fixture itself conforms), which must pass; then each way its suite guards
against is applied to that frame, and the report must name the expectation
that caught it, with the number of offending rows.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from pipeline.quality import EXPECTATIONS_DIR_ENV, ValidationReport, load_suite, validate
from pipeline.schema import SCHEMAS, TABLES

ROOT = Path(__file__).resolve().parent.parent
SUITE_DIR = ROOT / "expectations"
A1 = "8abece4c03280126"
A2 = "5da7dcb44bad8336"
TEXT1 = "Flood hits city\n\nPARIS - Water rose on Monday, AFP reports.\n"
TEXT2 = "Water rose in Lyon."
FURNITURE = {"start_char": 59, "end_char": 60, "kind": "marker"}
SECTIONS = [
    {"start_char": 0, "end_char": 15, "kind": "title"},
    {"start_char": 17, "end_char": 22, "kind": "dateline"},
]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


VALID_ROWS: dict[str, list[dict[str, Any]]] = {
    "raw_articles": [
        {
            "article_id": A1,
            "source_path": "sample/000_flood.txt",
            "sha256": sha(TEXT1.encode()),
            "n_bytes": len(TEXT1.encode()),
            "encoding": "utf-8",
            "text": TEXT1,
            "format": "html",
            "line": None,
            "url": "https://example.org/flood",
            "title": "Flood hits city",
            "outlet": "Le Monde",
            "author": "A. Writer",
            "published_date": date(2024, 5, 6),
        },
        {
            "article_id": A2,
            "source_path": "sample/001_lyon.txt",
            "sha256": sha(TEXT2.encode("cp1252")),
            "n_bytes": len(TEXT2),
            "encoding": "cp1252",
            "text": TEXT2,
            "format": "jsonl",
            "line": 3,
            "url": None,
            "title": None,
            "outlet": None,
            "author": None,
            "published_date": None,
        },
    ],
    "quarantine": [
        {
            "source_path": "sample/empty.txt",
            "sha256": sha(b""),
            "stage": "ingest",
            "reason": "empty",
            "detail": "The file has no bytes.",
            "line": None,
            "duplicate_of": None,
        },
        {
            "source_path": "sample/locked.txt",
            "sha256": None,
            "stage": "parse",
            "reason": "no_body",
            "detail": "Nothing but page furniture.",
            "line": 7,
            "duplicate_of": A1,
        },
    ],
    "articles": [
        {
            "article_id": A1,
            "source_path": "sample/000_flood.txt",
            "text": TEXT1,
            "url": "https://example.org/flood",
            "title": "Flood hits city",
            "title_start": 0,
            "title_end": 15,
            "published_date": date(2024, 5, 6),
            "outlet": "Le Monde",
            "author": "A. Writer",
            "dateline": "PARIS",
            "body_start": 17,
            "body_end": 59,
            "furniture": [FURNITURE],
            "sections": SECTIONS,
            "agency_copy": True,
            "credits": ["AFP"],
        },
        {
            "article_id": A2,
            "source_path": "sample/001_lyon.txt",
            "text": TEXT2,
            "url": None,
            "title": None,
            "title_start": None,
            "title_end": None,
            "published_date": None,
            "outlet": None,
            "author": None,
            "dateline": None,
            "body_start": 0,
            "body_end": 19,
            "furniture": [],
            "sections": [],
            "agency_copy": False,
            "credits": [],
        },
    ],
    "sentences": [
        {"article_id": A1, "sentence_id": 0, "start_char": 0, "end_char": 15,
         "text": "Flood hits city", "kind": "title"},
        {"article_id": A1, "sentence_id": 1, "start_char": 17, "end_char": 59,
         "text": TEXT1[17:59], "kind": "body"},
        {"article_id": A2, "sentence_id": 0, "start_char": 0, "end_char": 19,
         "text": TEXT2, "kind": "body"},
    ],
    "mention_candidates": [
        {"article_id": A1, "sentence_id": 1, "start_char": 17, "end_char": 22, "text": "PARIS",
         "ner_label": "GPE", "acronym_of": None, "candidate": False},
        {"article_id": A1, "sentence_id": 1, "start_char": 49, "end_char": 52, "text": "AFP",
         "ner_label": "ORG", "acronym_of": "Agence France-Presse", "candidate": False},
        {"article_id": A2, "sentence_id": 0, "start_char": 14, "end_char": 18, "text": "Lyon",
         "ner_label": "PERSON", "acronym_of": None, "candidate": True},
    ],
    "quote_candidates": [
        {"quote_id": f"{A1}:23-45", "article_id": A1, "sentence_id": 1, "start_char": 23, "end_char": 45,
         "text": TEXT1[23:45], "speaker_name": "Jean Dupont", "speaker_mention_id": f"{A1}:50-61",
         "speaker_start": 50, "speaker_end": 61, "cue": "said", "kind": "direct"},
        {"quote_id": f"{A2}:0-10", "article_id": A2, "sentence_id": 0, "start_char": 0, "end_char": 10,
         "text": TEXT2[0:10], "speaker_name": None, "speaker_mention_id": None,
         "speaker_start": None, "speaker_end": None, "cue": None, "kind": "block"},
    ],
    "mentions": [
        {"mention_id": f"{A1}:17-22", "article_id": A1, "sentence_id": 1, "start_char": 17,
         "end_char": 22, "text": "PARIS", "label": "GPE", "ner_label": "GPE",
         "entity_id": "gpe-paris"},
        {"mention_id": f"{A1}:49-52", "article_id": A1, "sentence_id": 1, "start_char": 49,
         "end_char": 52, "text": "AFP", "label": "ORG", "ner_label": "ORG",
         "entity_id": "org-afp"},
        {"mention_id": f"{A2}:14-18", "article_id": A2, "sentence_id": 0, "start_char": 14,
         "end_char": 18, "text": "Lyon", "label": "GPE", "ner_label": "PERSON",
         "entity_id": "gpe-lyon"},
    ],
    "entities": [
        {"entity_id": "gpe-paris", "name": "Paris", "label": "GPE", "aliases": ["PARIS", "Paris"],
         "article_count": 2, "mention_count": 3},
        {"entity_id": "org-afp", "name": "AFP", "label": "ORG", "aliases": ["AFP"],
         "article_count": 1, "mention_count": 1},
    ],
    "quotes": [
        {"quote_id": f"{A1}:23-45", "article_id": A1, "sentence_id": 1, "start_char": 23, "end_char": 45,
         "text": TEXT1[23:45], "speaker_name": "Jean Dupont", "speaker_entity_id": "person-dupont",
         "speaker_start": 50, "speaker_end": 61, "cue": "said", "kind": "direct", "cluster_id": "Q1",
         "passages": [{"start_char": 23, "end_char": 45, "cluster_id": "Q1"}]},
        {"quote_id": f"{A2}:0-10", "article_id": A2, "sentence_id": 0, "start_char": 0, "end_char": 10,
         "text": TEXT2[0:10], "speaker_name": None, "speaker_entity_id": None,
         "speaker_start": None, "speaker_end": None, "cue": None, "kind": "block", "cluster_id": "Q2",
         "passages": [{"start_char": 0, "end_char": 10, "cluster_id": "Q2"}]},
    ],
    "claims": [
        {"claim_id": f"{A1}:23-36", "article_id": A1, "sentence_id": 1, "start_char": 17, "end_char": 59,
         "text": TEXT1[17:59], "measure": "killed", "value": 400.0, "value_high": None, "unit": "people",
         "qualifier": "more than", "attributed_to": "AFP", "subject": None, "number_start": 23,
         "number_end": 36, "number_text": TEXT1[23:36], "parent_claim_id": None},
        {"claim_id": f"{A1}:40-48", "article_id": A1, "sentence_id": 1, "start_char": 17, "end_char": 59,
         "text": TEXT1[17:59], "measure": "civilians_killed", "value": 20.0, "value_high": 30.0,
         "unit": "people", "qualifier": None, "attributed_to": None, "subject": "civilians",
         "number_start": 40, "number_end": 48, "number_text": TEXT1[40:48], "parent_claim_id": f"{A1}:23-36"},
    ],
    "time_candidates": [
        {"time_id": f"{A1}:40-46", "article_id": A1, "sentence_id": 1, "start_char": 40, "end_char": 46,
         "text": "Monday", "value": None, "granularity": "day", "anchor": "unresolved",
         "anchor_date": None, "modifier": None, "relative_rule": "weekday_on_or_before",
         "relative_args": [0]},
        {"time_id": f"{A2}:0-5", "article_id": A2, "sentence_id": 0, "start_char": 0, "end_char": 5,
         "text": "years", "value": "P10Y", "granularity": "duration", "anchor": "duration",
         "anchor_date": None, "modifier": "more than", "relative_rule": None, "relative_args": None},
    ],
    "time_expressions": [
        {"time_id": f"{A1}:40-46", "article_id": A1, "sentence_id": 1, "start_char": 40, "end_char": 46,
         "text": "Monday", "value": "2024-05-06", "granularity": "day", "anchor": "publication_date",
         "anchor_date": date(2024, 5, 7), "modifier": None},
        {"time_id": f"{A2}:0-5", "article_id": A2, "sentence_id": 0, "start_char": 0, "end_char": 5,
         "text": "years", "value": "P10Y", "granularity": "duration", "anchor": "duration",
         "anchor_date": None, "modifier": "more than"},
    ],
    "quote_clusters": [
        {"cluster_id": "Q1", "text": TEXT1[23:45], "speaker_entity_id": "person-dupont",
         "speaker_name": "Jean Dupont", "article_ids": [A1, A2], "quote_ids": [f"{A1}:23-45", f"{A2}:0-10"],
         "outlet_count": 2, "variant_count": 2, "first_published": date(2024, 5, 6)},
        {"cluster_id": "Q2", "text": TEXT2[0:10], "speaker_entity_id": None, "speaker_name": None,
         "article_ids": [A2], "quote_ids": [f"{A2}:0-10"], "outlet_count": 1, "variant_count": 1,
         "first_published": None},
    ],
    "claim_groups": [
        {"group_id": "G1", "story_id": "story-1", "measure": "killed", "value_low": 400.0,
         "value_high": 500.0, "claim_ids": [f"{A1}:23-36"], "article_ids": [A1], "independent_sources": 1,
         "description": "1 article (1 independent source) says more than 400 people were killed."},
        {"group_id": "G2", "story_id": "story-1", "measure": "killed", "value_low": 250.0, "value_high": None,
         "claim_ids": [f"{A2}:0-8"], "article_ids": [A2], "independent_sources": 1,
         "description": "1 article (1 independent source) says over 250 people were killed."},
    ],
    "conflicts": [
        {"conflict_id": "C1", "story_id": "story-1", "measure": "killed",
         "description": "Killed: one article says more than 400, another over 250.",
         "claim_ids": [f"{A1}:23-36", f"{A2}:0-8"], "article_ids": [A1, A2], "values": [400.0, 250.0],
         "spread": 1.6},
        {"conflict_id": "C2", "story_id": "story-1", "measure": "displaced",
         "description": "Displaced: one article says nearly 50,000, another over 14,000.",
         "claim_ids": [f"{A1}:40-48", f"{A2}:9-15"], "article_ids": [A1, A2], "values": [50000.0, 14000.0],
         "spread": 3.57},
    ],
    "source_overlap": [
        {"article_id": A2, "other_article_id": A1, "shared_chars": 120, "shared_share": 0.4, "passages": 1},
        {"article_id": "0000aaaa", "other_article_id": A2, "shared_chars": 80, "shared_share": 0.2,
         "passages": 2},
    ],
    "stories": [
        {"story_id": "story-1", "title": "Flood hits city", "article_ids": [A1, A2],
         "first_published": date(2024, 5, 6), "outlet_count": 1, "article_count": 2},
        {"story_id": "story-2", "title": None, "article_ids": [A2],
         "first_published": None, "outlet_count": 1, "article_count": 1},
    ],
}  # fmt: skip


def valid_frame(table: str) -> pd.DataFrame:
    """The table's valid rows as the IO manager would hand them over: through the schema."""
    return pa.Table.from_pylist(VALID_ROWS[table], schema=SCHEMAS[table]).to_pandas()


Mutation = Callable[[pd.DataFrame], pd.DataFrame]


def set_cells(row: int, **values: Any) -> Mutation:
    def mutate(df: pd.DataFrame) -> pd.DataFrame:
        df = df.copy()
        for column, value in values.items():
            df.at[row, column] = value
        return df

    return mutate


def duplicate(*columns: str) -> Mutation:
    """Row 1 takes row 0's values in `columns`: the key collides."""

    def mutate(df: pd.DataFrame) -> pd.DataFrame:
        df = df.copy()
        for column in columns:
            df.at[1, column] = df.at[0, column]
        return df

    return mutate


def drop(column: str) -> Mutation:
    return lambda df: df.drop(columns=[column])


def add(column: str) -> Mutation:
    return lambda df: df.assign(**{column: 1})


@dataclass(frozen=True)
class Break:
    """One way to break a table, and what the suite must say about it."""

    table: str
    name: str
    mutate: Mutation
    expectation: str
    column: str | None
    unexpected_count: int
    # Other expectations the same damage legitimately trips, as (expectation, column).
    also: tuple[tuple[str, str], ...] = ()

    @property
    def id(self) -> str:
        return f"{self.table}: {self.name}"


def breaks(table: str, *cases: tuple[Any, ...]) -> list[Break]:
    return [Break(table, *case) for case in cases]


UNIQUE = "expect_column_values_to_be_unique"
COMPOUND_UNIQUE = "expect_compound_columns_to_be_unique"
NOT_NULL = "expect_column_values_to_not_be_null"
REGEX = "expect_column_values_to_match_regex"
NOT_REGEX = "expect_column_values_to_not_match_regex"
BETWEEN = "expect_column_values_to_be_between"
LENGTH = "expect_column_value_lengths_to_be_between"
IN_SET = "expect_column_values_to_be_in_set"
A_GT_B = "expect_column_pair_values_a_to_be_greater_than_b"
COLUMNS = "expect_table_columns_to_match_set"

# Time expressions before and after story dates are applied share their columns and guards.
TIME_BREAKS = (
    ("duplicate time_id", duplicate("time_id"), UNIQUE, "time_id", 2),
    ("article_id not a hex prefix", set_cells(0, article_id="a1"), REGEX, "article_id", 1),
    ("negative start_char", set_cells(1, start_char=-1), BETWEEN, "start_char", 1),
    ("reversed span", set_cells(0, start_char=46, end_char=40), A_GT_B, "end_char, start_char", 1),
    ("negative sentence_id", set_cells(0, sentence_id=-1), BETWEEN, "sentence_id", 1),
    ("granularity outside the set", set_cells(0, granularity="fortnight"), IN_SET, "granularity", 1),
)

# Quotes before and after speakers are resolved across articles share their columns and guards.
QUOTE_BREAKS = (
    ("duplicate quote_id", duplicate("quote_id"), UNIQUE, "quote_id", 2),
    ("article_id not a hex prefix", set_cells(0, article_id="a1"), REGEX, "article_id", 1),
    ("negative start_char", set_cells(1, start_char=-1), BETWEEN, "start_char", 1),
    ("reversed span", set_cells(0, start_char=45, end_char=23), A_GT_B, "end_char, start_char", 1),
    ("negative sentence_id", set_cells(0, sentence_id=-1), BETWEEN, "sentence_id", 1),
    ("kind outside the set", set_cells(1, kind="rumour"), IN_SET, "kind", 1),
    ("empty text", set_cells(0, text=""), LENGTH, "text", 1),
    ("empty speaker name", set_cells(0, speaker_name=""), LENGTH, "speaker_name", 1),
    ("negative speaker offset", set_cells(0, speaker_start=-5), BETWEEN, "speaker_start", 1),
    (
        "reversed speaker span",
        set_cells(0, speaker_start=61, speaker_end=50),
        A_GT_B,
        "speaker_end, speaker_start",
        1,
    ),
)

BREAKS = [
    *breaks(
        "raw_articles",
        ("duplicate article_id", duplicate("article_id"), UNIQUE, "article_id", 2),
        ("null article_id", set_cells(0, article_id=None), NOT_NULL, "article_id", 1),
        ("article_id not a hex prefix", set_cells(0, article_id="ART-1"), REGEX, "article_id", 1),
        ("duplicate source_path", duplicate("source_path"), UNIQUE, "source_path", 2),
        ("absolute source_path", set_cells(0, source_path="/data/a.txt"), NOT_REGEX,
            "source_path", 1),
        ("Windows source_path", set_cells(1, source_path="sample\\b.txt"), NOT_REGEX,
            "source_path", 1),
        ("uppercase sha256", set_cells(0, sha256=sha(b"x").upper()), REGEX, "sha256", 1),
        ("truncated sha256", set_cells(1, sha256=sha(b"x")[:40]), REGEX, "sha256", 1),
        ("zero bytes", set_cells(0, n_bytes=0), BETWEEN, "n_bytes", 1),
        ("empty text", set_cells(1, text=""), LENGTH, "text", 1),
        ("empty encoding", set_cells(1, encoding=""), LENGTH, "encoding", 1),
        ("missing column", drop("text"), COLUMNS, None, 1, ((NOT_NULL, "text"), (LENGTH, "text"))),
        ("extra column", add("language"), COLUMNS, None, 1),
    ),
    *breaks(
        "quarantine",
        ("duplicate source_path", duplicate("source_path"), UNIQUE, "source_path", 2),
        ("absolute source_path", set_cells(1, source_path="/in/locked.txt"),
            NOT_REGEX, "source_path", 1),
        ("bad sha256", set_cells(0, sha256="not-a-digest"), REGEX, "sha256", 1),
        ("unknown stage", set_cells(0, stage="enrich"), IN_SET, "stage", 1),
        ("null stage", set_cells(1, stage=None), NOT_NULL, "stage", 1),
        ("empty reason", set_cells(0, reason=""), LENGTH, "reason", 1, ((REGEX, "reason"),)),
        ("prose reason", set_cells(1, reason="File is empty"), REGEX, "reason", 1),
        ("empty detail", set_cells(1, detail=""), LENGTH, "detail", 1),
        ("missing column", drop("stage"), COLUMNS, None, 1,
            ((NOT_NULL, "stage"), (IN_SET, "stage"))),
    ),
    *breaks(
        "articles",
        ("duplicate article_id", duplicate("article_id"), UNIQUE, "article_id", 2),
        ("article_id not a hex prefix", set_cells(1, article_id="Lyon-2024"), REGEX,
            "article_id", 1),
        ("duplicate source_path", duplicate("source_path"), UNIQUE, "source_path", 2),
        ("Windows source_path", set_cells(0, source_path="sample\\000.txt"), NOT_REGEX,
            "source_path", 1),
        ("empty text", set_cells(1, text=""), LENGTH, "text", 1),
        ("empty title", set_cells(0, title=""), LENGTH, "title", 1),
        ("negative title_start", set_cells(0, title_start=-3), BETWEEN, "title_start", 1),
        ("title ends before it starts", set_cells(0, title_start=15, title_end=0),
            A_GT_B, "title_end, title_start", 1),
        ("body starts inside the title", set_cells(0, body_start=10), A_GT_B,
            "body_start, title_end", 1),
        ("negative body_start", set_cells(1, body_start=-1), BETWEEN, "body_start", 1),
        ("body ends before it starts", set_cells(1, body_start=12, body_end=5), A_GT_B,
            "body_end, body_start", 1),
        ("empty outlet", set_cells(0, outlet=""), LENGTH, "outlet", 1),
        ("empty author", set_cells(0, author=""), LENGTH, "author", 1),
        ("empty dateline", set_cells(0, dateline=""), LENGTH, "dateline", 1),
        ("null furniture list", set_cells(1, furniture=None), NOT_NULL, "furniture", 1),
        ("null sections list", set_cells(0, sections=None), NOT_NULL, "sections", 1),
        ("null credits list", set_cells(0, credits=None), NOT_NULL, "credits", 1),
        ("missing column", drop("credits"), COLUMNS, None, 1, ((NOT_NULL, "credits"),)),
    ),
    *breaks(
        "sentences",
        ("duplicate (article_id, sentence_id)", set_cells(1, sentence_id=0),
            COMPOUND_UNIQUE, "article_id, sentence_id", 2),
        ("article_id not a hex prefix", set_cells(2, article_id=A2.upper()), REGEX,
            "article_id", 1),
        ("negative sentence_id", set_cells(2, sentence_id=-1), BETWEEN, "sentence_id", 1),
        ("negative start_char", set_cells(0, start_char=-1), BETWEEN, "start_char", 1),
        ("empty span", set_cells(2, end_char=0), A_GT_B, "end_char, start_char", 1),
        ("empty text", set_cells(2, text=""), LENGTH, "text", 1),
        ("unknown kind", set_cells(1, kind="footer"), IN_SET, "kind", 1),
        ("null article_id", set_cells(0, article_id=None), NOT_NULL, "article_id", 1),
    ),
    *breaks(
        "mentions",
        ("duplicate mention_id", duplicate("mention_id"), UNIQUE, "mention_id", 2),
        ("same span twice", duplicate("start_char", "end_char"), COMPOUND_UNIQUE,
            "article_id, start_char, end_char", 2),
        ("label outside OntoNotes entity types", set_cells(2, label="DATE"), IN_SET, "label", 1),
        ("lowercase label", set_cells(0, label="gpe"), IN_SET, "label", 1),
        ("NER label no spaCy model emits", set_cells(1, ner_label="MISC"), IN_SET, "ner_label", 1),
        ("article_id not a hex prefix", set_cells(0, article_id="a1"), REGEX, "article_id", 1),
        ("negative sentence_id", set_cells(2, sentence_id=-1), BETWEEN, "sentence_id", 1),
        ("empty text", set_cells(1, text=""), LENGTH, "text", 1),
        ("reversed span", set_cells(1, start_char=52, end_char=49), A_GT_B,
            "end_char, start_char", 1),
        ("negative start_char", set_cells(0, start_char=-17), BETWEEN, "start_char", 1),
        ("empty entity_id", set_cells(0, entity_id=""), LENGTH, "entity_id", 1),
        ("null entity_id", set_cells(0, entity_id=None), NOT_NULL, "entity_id", 1),
        ("extra column", add("score"), COLUMNS, None, 1),
    ),
    *breaks(
        "mention_candidates",
        ("same span twice", duplicate("start_char", "end_char"), COMPOUND_UNIQUE,
            "article_id, start_char, end_char", 2),
        ("NER label no spaCy model emits", set_cells(1, ner_label="MISC"), IN_SET, "ner_label", 1),
        ("article_id not a hex prefix", set_cells(0, article_id="a1"), REGEX, "article_id", 1),
        ("negative sentence_id", set_cells(2, sentence_id=-1), BETWEEN, "sentence_id", 1),
        ("empty text", set_cells(1, text=""), LENGTH, "text", 1),
        ("reversed span", set_cells(1, start_char=52, end_char=49), A_GT_B,
            "end_char, start_char", 1),
        ("negative start_char", set_cells(0, start_char=-17), BETWEEN, "start_char", 1),
        ("blank long form", set_cells(1, acronym_of=" "), REGEX, "acronym_of", 1),
    ),
    *breaks(
        "quote_candidates",
        *QUOTE_BREAKS,
        ("speaker mention not a mention key", set_cells(0, speaker_mention_id="Dupont"), REGEX,
            "speaker_mention_id", 1),
    ),
    *breaks(
        "entities",
        ("duplicate entity_id", duplicate("entity_id"), UNIQUE, "entity_id", 2),
        ("label outside OntoNotes entity types", set_cells(1, label="MONEY"), IN_SET, "label", 1),
        ("empty entity_id", set_cells(1, entity_id=""), LENGTH, "entity_id", 1),
        ("no mentions", set_cells(1, mention_count=0), BETWEEN, "mention_count", 1,
            ((A_GT_B, "mention_count, article_count"),)),
        ("empty name", set_cells(0, name=""), LENGTH, "name", 1),
        ("no articles", set_cells(1, article_count=0), BETWEEN, "article_count", 1),
        ("fewer mentions than articles", set_cells(0, mention_count=1), A_GT_B,
            "mention_count, article_count", 1),
        ("null aliases list", set_cells(0, aliases=None), NOT_NULL, "aliases", 1),
    ),
    *breaks(
        "raw_articles",
        ("unknown format", set_cells(0, format="pdf"), IN_SET, "format", 1),
        ("line number zero", set_cells(1, line=0), BETWEEN, "line", 1),
    ),
    *breaks(
        "quarantine",
        ("line number zero", set_cells(1, line=0), BETWEEN, "line", 1),
        ("duplicate of a non-id", set_cells(1, duplicate_of="the other one"), REGEX, "duplicate_of", 1),
    ),
    *breaks("quotes", *QUOTE_BREAKS, ("null kind", set_cells(0, kind=None), NOT_NULL, "kind", 1)),
    *breaks(
        "claims",
        ("duplicate claim_id", duplicate("claim_id"), UNIQUE, "claim_id", 2),
        ("article_id not a hex prefix", set_cells(0, article_id="a1"), REGEX, "article_id", 1),
        ("negative start_char", set_cells(0, start_char=-1), BETWEEN, "start_char", 1),
        ("reversed clause", set_cells(0, start_char=59, end_char=17), A_GT_B, "end_char, start_char", 1,
            ((A_GT_B, "number_start, start_char"), (A_GT_B, "end_char, number_end"))),
        ("reversed figure", set_cells(0, number_start=36, number_end=23), A_GT_B,
            "number_end, number_start", 1),
        ("figure before its clause", set_cells(1, number_start=10), A_GT_B, "number_start, start_char", 1),
        ("figure after its clause", set_cells(1, number_end=70), A_GT_B, "end_char, number_end", 1),
        ("negative sentence_id", set_cells(1, sentence_id=-2), BETWEEN, "sentence_id", 1),
        ("measure not snake_case", set_cells(0, measure="People Killed"), REGEX, "measure", 1),
        ("negative value", set_cells(0, value=-4.0), BETWEEN, "value", 1),
        ("range upside down", set_cells(1, value_high=10.0), A_GT_B, "value_high, value", 1),
        ("empty figure text", set_cells(0, number_text=""), LENGTH, "number_text", 1),
        ("empty source", set_cells(0, attributed_to=""), LENGTH, "attributed_to", 1),
        ("null measure", set_cells(0, measure=None), NOT_NULL, "measure", 1),
    ),
    *breaks(
        "time_candidates",
        *TIME_BREAKS,
        ("story date before the stories", set_cells(0, anchor="story_date"), IN_SET, "anchor", 1),
        ("value not ISO 8601", set_cells(1, value="ten years"), REGEX, "value", 1),
        ("rule the anchoring cannot apply", set_cells(0, relative_rule="guess"), IN_SET, "relative_rule", 1),
        ("null anchor", set_cells(1, anchor=None), NOT_NULL, "anchor", 1),
    ),
    *breaks(
        "time_expressions",
        *TIME_BREAKS,
        ("anchor outside the set", set_cells(0, anchor="guess"), IN_SET, "anchor", 1),
        ("value not ISO 8601", set_cells(0, value="6 May 2024"), REGEX, "value", 1),
        ("null anchor", set_cells(1, anchor=None), NOT_NULL, "anchor", 1),
    ),
    *breaks(
        "quote_clusters",
        ("duplicate cluster_id", duplicate("cluster_id"), UNIQUE, "cluster_id", 2),
        ("empty text", set_cells(1, text=""), LENGTH, "text", 1),
        ("no outlet", set_cells(1, outlet_count=0), BETWEEN, "outlet_count", 1),
        ("no wording", set_cells(0, variant_count=0), BETWEEN, "variant_count", 1),
        ("empty speaker name", set_cells(0, speaker_name=""), LENGTH, "speaker_name", 1),
    ),
    *breaks(
        "claim_groups",
        ("duplicate group_id", duplicate("group_id"), UNIQUE, "group_id", 2),
        ("measure not snake_case", set_cells(0, measure="Killed People"), REGEX, "measure", 1),
        ("no source", set_cells(1, independent_sources=0), BETWEEN, "independent_sources", 1),
        ("range upside down", set_cells(0, value_high=100.0), A_GT_B, "value_high, value_low", 1),
        ("empty description", set_cells(0, description=""), LENGTH, "description", 1),
    ),
    *breaks(
        "conflicts",
        ("duplicate conflict_id", duplicate("conflict_id"), UNIQUE, "conflict_id", 2),
        ("measure not snake_case", set_cells(0, measure="killed!"), REGEX, "measure", 1),
        ("spread below one", set_cells(0, spread=0.5), BETWEEN, "spread", 1),
        ("empty description", set_cells(0, description=""), LENGTH, "description", 1),
    ),
    *breaks(
        "source_overlap",
        ("pair listed twice", duplicate("article_id", "other_article_id"), COMPOUND_UNIQUE,
            "article_id, other_article_id", 2),
        ("pair in the wrong order", set_cells(0, article_id=A1, other_article_id=A2), A_GT_B,
            "other_article_id, article_id", 1),
        ("nothing shared", set_cells(0, shared_chars=0), BETWEEN, "shared_chars", 1),
        ("share over one", set_cells(0, shared_share=1.5), BETWEEN, "shared_share", 1),
        ("no passage", set_cells(0, passages=0), BETWEEN, "passages", 1),
    ),
    *breaks(
        "stories",
        ("duplicate story_id", duplicate("story_id"), UNIQUE, "story_id", 2),
        ("no outlets", set_cells(1, outlet_count=0), BETWEEN, "outlet_count", 1),
        ("no articles", set_cells(1, article_count=0), BETWEEN, "article_count", 1,
            ((A_GT_B, "article_count, outlet_count"),)),
        ("more outlets than articles", set_cells(0, outlet_count=3), A_GT_B,
            "article_count, outlet_count", 1),
        ("empty story_id", set_cells(1, story_id=""), LENGTH, "story_id", 1),
        ("empty title", set_cells(0, title=""), LENGTH, "title", 1),
        ("null article_ids list", set_cells(0, article_ids=None), NOT_NULL, "article_ids", 1),
    ),
]  # fmt: skip


@cache
def broken_report(case: Break) -> ValidationReport:
    """Validated once per case: two tests read each report, and GX takes ~0.2 s a run."""
    return validate(case.table, case.mutate(valid_frame(case.table)))


def failing(report: ValidationReport) -> set[tuple[str, str | None]]:
    return {(outcome.expectation, outcome.column) for outcome in report.failures()}


def suite_file(table: str) -> dict[str, Any]:
    return json.loads((SUITE_DIR / f"{table}.json").read_text(encoding="utf-8"))


# --- The suites -------------------------------------------------------------------------------


@pytest.mark.parametrize("table", TABLES)
def test_every_table_has_a_suite_file_named_after_it(table: str) -> None:
    assert suite_file(table)["name"] == table


@pytest.mark.parametrize("table", TABLES)
def test_every_column_a_suite_file_names_exists_in_the_schema(table: str) -> None:
    named: set[str] = set()
    for expectation in suite_file(table)["expectations"]:
        kwargs = expectation["kwargs"]
        named.update(kwargs[key] for key in ("column", "column_A", "column_B") if key in kwargs)
        named.update([*kwargs.get("column_list", []), *kwargs.get("column_set", [])])
    assert named, "a suite file that names no column checks nothing"
    assert named <= set(SCHEMAS[table].names)


@pytest.mark.parametrize("table", TABLES)
def test_every_file_expectation_says_why_it_matters(table: str) -> None:
    for expectation in suite_file(table)["expectations"]:
        assert expectation["meta"]["notes"].strip(), expectation


@pytest.mark.parametrize("table", TABLES)
def test_suite_requires_exactly_the_schema_columns(table: str) -> None:
    [columns] = [e for e in load_suite(table).expectations if e.expectation_type == COLUMNS]
    assert set(columns.column_set) == set(SCHEMAS[table].names)
    assert columns.exact_match


@pytest.mark.parametrize("table", TABLES)
def test_suite_forbids_nulls_exactly_in_non_nullable_columns(table: str) -> None:
    not_null = {e.column for e in load_suite(table).expectations if e.expectation_type == NOT_NULL}
    assert not_null == {field.name for field in SCHEMAS[table] if not field.nullable}


@pytest.mark.parametrize("table", TABLES)
def test_suite_adds_the_file_expectations_to_the_structural_ones(table: str) -> None:
    structural = 1 + sum(not field.nullable for field in SCHEMAS[table])
    file_types = [e["type"] for e in suite_file(table)["expectations"]]
    suite_types = [e.expectation_type for e in load_suite(table).expectations]
    assert suite_types[structural:] == file_types


def test_suite_file_naming_an_unknown_column_is_rejected(tmp_path: Path) -> None:
    bad = {"name": "stories", "expectations": [{"type": UNIQUE, "kwargs": {"column": "slug"}}]}
    (tmp_path / "stories.json").write_text(json.dumps(bad))
    with pytest.raises(ValueError, match="slug"):
        load_suite("stories", tmp_path)


def test_suite_file_with_an_unknown_expectation_type_is_rejected(tmp_path: Path) -> None:
    bad = {"name": "stories", "expectations": [{"type": "expect_magic", "kwargs": {}}]}
    (tmp_path / "stories.json").write_text(json.dumps(bad))
    with pytest.raises(ValueError, match="expect_magic"):
        load_suite("stories", tmp_path)


def test_missing_suite_file_is_an_error_not_a_pass(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="stories"):
        load_suite("stories", tmp_path)


def test_unknown_table_is_rejected() -> None:
    with pytest.raises(KeyError, match="no schema"):
        load_suite("articels")


def test_suite_dir_can_be_moved_with_an_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = {"name": "stories", "expectations": [{"type": UNIQUE, "kwargs": {"column": "title"}}]}
    (tmp_path / "stories.json").write_text(json.dumps(own))
    monkeypatch.setenv(EXPECTATIONS_DIR_ENV, str(tmp_path))
    last = load_suite("stories").expectations[-1]
    assert (last.expectation_type, last.column) == (UNIQUE, "title")


# --- Valid and empty tables pass --------------------------------------------------------------


@pytest.mark.parametrize("table", TABLES)
def test_valid_table_passes(table: str) -> None:
    report = validate(table, valid_frame(table))
    assert report.success, report.to_markdown()
    assert report.failures() == []


@pytest.mark.parametrize("table", TABLES)
def test_empty_table_read_through_the_schema_passes(table: str) -> None:
    report = validate(table, SCHEMAS[table].empty_table().to_pandas())
    assert report.success, report.to_markdown()


@pytest.mark.parametrize("table", TABLES)
def test_empty_table_without_dtypes_passes(table: str) -> None:
    report = validate(table, pd.DataFrame({name: [] for name in SCHEMAS[table].names}))
    assert report.success, report.to_markdown()


def test_empty_table_still_fails_on_its_columns() -> None:
    report = validate("stories", SCHEMAS["stories"].empty_table().to_pandas().drop(columns="title"))
    assert (COLUMNS, None) in failing(report)


# --- Broken tables fail, naming the guard -----------------------------------------------------


@pytest.mark.parametrize("case", BREAKS, ids=lambda case: case.id)
def test_broken_table_fails_naming_the_guard_and_count(case: Break) -> None:
    report = broken_report(case)
    assert not report.success
    [outcome] = [o for o in report.failures() if (o.expectation, o.column) == (case.expectation, case.column)]
    assert outcome.unexpected_count == case.unexpected_count
    assert outcome.unexpected_examples


@pytest.mark.parametrize("case", BREAKS, ids=lambda case: case.id)
def test_breakage_trips_no_unrelated_expectation(case: Break) -> None:
    report = broken_report(case)
    assert failing(report) == {(case.expectation, case.column), *case.also}


@pytest.mark.parametrize("table", TABLES)
def test_every_file_expectation_is_exercised_by_a_breakage(table: str) -> None:
    exercised = set()
    for case in BREAKS:
        if case.table == table:
            exercised |= {(case.expectation, case.column), *case.also}
    unexercised = []
    for expectation in suite_file(table)["expectations"]:
        kwargs = expectation["kwargs"]
        columns = kwargs.get("column_list") or [
            kwargs[key] for key in ("column", "column_A", "column_B") if key in kwargs
        ]
        if (expectation["type"], ", ".join(columns)) not in exercised:
            unexercised.append((expectation["type"], ", ".join(columns)))
    assert unexercised == []


# --- The report -------------------------------------------------------------------------------


def test_outcomes_follow_suite_order() -> None:
    suite = load_suite("mentions")
    report = validate("mentions", duplicate("mention_id")(valid_frame("mentions")))
    assert [o.expectation for o in report.outcomes] == [e.expectation_type for e in suite.expectations]


def test_outcome_carries_the_why_from_meta_notes() -> None:
    report = validate("sentences", set_cells(1, kind="footer")(valid_frame("sentences")))
    [outcome] = report.failures()
    assert outcome.description == next(
        e["meta"]["notes"] for e in suite_file("sentences")["expectations"] if e["type"] == IN_SET
    )


def test_unexpected_examples_are_a_few_strings_naming_value_and_row() -> None:
    df = valid_frame("sentences")
    df = pd.concat([df] * 40, ignore_index=True).assign(kind="footer")
    [outcome] = [o for o in validate("sentences", df).failures() if o.expectation == IN_SET]
    assert outcome.unexpected_count == 120
    assert outcome.unexpected_examples == [f"'footer' (row {row})" for row in range(5)]


def test_missing_column_is_reported_by_name() -> None:
    report = validate("stories", drop("title")(valid_frame("stories")))
    [outcome] = [o for o in report.failures() if o.expectation == COLUMNS]
    assert outcome.unexpected_examples == ["missing: title"]


def test_extra_column_is_reported_by_name() -> None:
    report = validate("stories", add("summary")(valid_frame("stories")))
    [outcome] = report.failures()
    assert outcome.unexpected_examples == ["unexpected: summary"]


def test_expectation_on_a_missing_column_fails_with_the_error() -> None:
    report = validate("entities", drop("name")(valid_frame("entities")))
    [outcome] = [o for o in report.failures() if (o.expectation, o.column) == (LENGTH, "name")]
    assert outcome.unexpected_count is None
    assert outcome.error and "name" in outcome.error


def test_markdown_leads_with_the_verdict_and_the_failures() -> None:
    report = validate("entities", set_cells(1, label="MONEY")(valid_frame("entities")))
    markdown = report.to_markdown()
    lines = markdown.splitlines()
    assert lines[0].startswith("**entities**: FAILED")
    assert "❌" in lines[4] and "`expect_column_values_to_be_in_set`" in lines[4]
    assert "'MONEY' (row 1)" in lines[4] and "OntoNotes" in lines[4]


def test_markdown_of_a_valid_table_says_it_passed() -> None:
    markdown = validate("stories", valid_frame("stories")).to_markdown()
    assert markdown.splitlines()[0].startswith("**stories**: passed")
    assert "❌" not in markdown


def test_markdown_table_survives_pipes_in_arguments() -> None:
    markdown = validate("raw_articles", valid_frame("raw_articles")).to_markdown()
    rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    unescaped_pipes = {line.replace("\\|", "").count("|") for line in rows}
    assert unescaped_pipes == {8}


# --- Behaviour at scale and in the process ---------------------------------------------------


def test_validation_leaves_the_frame_untouched() -> None:
    df = valid_frame("articles")
    before = df.copy(deep=True)
    validate("articles", df)
    pd.testing.assert_frame_equal(df, before)


def test_100k_rows_validate_in_seconds() -> None:
    n = 100_000
    starts = np.arange(n, dtype=np.int32) * 10
    rows = pa.table(
        {
            "mention_id": [f"{A1}:{s}" for s in starts],
            "article_id": [A1] * n,
            "sentence_id": np.arange(n, dtype=np.int32) // 20,
            "start_char": starts,
            "end_char": starts + 5,
            "text": ["Paris"] * n,
            "label": np.resize(["GPE", "ORG", "PERSON"], n),
            "entity_id": [f"entity-{i % 997}" for i in range(n)],
            "ner_label": np.resize(["GPE", "ORG", "DATE"], n),
        },
        schema=SCHEMAS["mentions"],
    )
    df = rows.to_pandas()
    validate("mentions", df.head(1))  # the one-off GX import and context are not what we time
    started = time.perf_counter()
    report = validate("mentions", df)
    assert report.success, report.to_markdown()
    assert time.perf_counter() - started < 10


HYGIENE_SCRIPT = """
import json, socket, sys
attempts = []
def refuse(*args, **kwargs):
    attempts.append(repr(args[:2]))
    raise OSError("network is off in this test")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
import pandas as pd
from pipeline.quality import validate
report = validate("quarantine", pd.DataFrame({"source_path": ["a"], "sha256": [None],
    "stage": ["ingest"], "reason": ["empty"], "detail": ["No bytes."], "line": [None],
    "duplicate_of": [None]}))
with open(sys.argv[1], "w") as out:
    json.dump({"success": report.success, "attempts": attempts}, out)
"""


@pytest.fixture(scope="module")
def fresh_process(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Validate once in a fresh interpreter with an empty home and working directory."""
    base = tmp_path_factory.mktemp("hygiene")
    home, cwd, out = base / "home", base / "cwd", base / "result.json"
    home.mkdir()
    cwd.mkdir()
    env = {
        **os.environ,
        "HOME": str(home),
        "PYTHONPATH": str(ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("GX_HOME", None)
    done = subprocess.run(
        [sys.executable, "-c", HYGIENE_SCRIPT, str(out)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return {
        "result": json.loads(out.read_text()),
        "stdout": done.stdout,
        "stderr": done.stderr,
        "home": sorted(home.rglob("*")),
        "cwd": sorted(cwd.rglob("*")),
    }


def test_fresh_process_validates(fresh_process: dict[str, Any]) -> None:
    assert fresh_process["result"]["success"]


def test_gx_writes_nothing_to_home_or_working_directory(fresh_process: dict[str, Any]) -> None:
    assert fresh_process["home"] == []
    assert fresh_process["cwd"] == []
    assert not (ROOT / "gx").exists()


def test_gx_prints_no_progress_bars_or_anything_else(fresh_process: dict[str, Any]) -> None:
    assert fresh_process["stdout"] == ""
    assert fresh_process["stderr"] == ""


def test_gx_does_not_reach_for_the_network(fresh_process: dict[str, Any]) -> None:
    assert fresh_process["result"]["attempts"] == []
