"""Acceptance: an input folder as the real world fills it, through the whole Dagster graph.

One run (shared by this module) over a generated corpus: the five seed
articles, texts in legacy encodings and with Windows and old-Mac line ends,
an HTML page and a cookie wall, JSON Lines feeds with good and bad lines, and
every kind of input that must be quarantined. Every item lands where it
should, the accounting check passes, and the seeds parse exactly as they do
in a run over `data/sample` alone.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.definitions import RunSummary, run
from pipeline.ingest import DEFAULT_MAX_BYTES
from pipeline.resources import SETTLE_ENV
from pipeline.schema import TABLES
from pipeline.storage import read_table
from tests.conftest import SAMPLE, SeedRun
from tests.test_ingest import FRENCH, news_page

SEEDS = sorted(path.name for path in SAMPLE.iterdir())

FIRE = """Wildfire contained north of Riverton

RIVERTON, Dec 3 - Firefighters contained a wildfire north of Riverton on Tuesday after it burned
through dry brush for three days, the county fire service said. No injuries were reported.

"The crews did remarkable work in difficult wind," fire chief Maria Lopez told reporters.
"""
FLOOD = """Floods close two bridges in Port Ellis

Heavy rain flooded several streets in the harbour district of Port Ellis on Thursday morning,
and the authorities closed two bridges to traffic until the water receded.

About 40 households were evacuated, the mayor's office said.
"""
COUNCIL = """Council approves school budget

The city council of Millbrook approved a budget on Wednesday that raises spending on schools by
12 percent, after a debate that lasted late into the night. The café’s owner said the “vote” was
close — the measure passed by one voice.
"""
MONTREAL = """Montreal firefighters honoured

Le maire de Montréal a salué les pompiers. The mayor of Montreal honoured the city's firefighters
at a ceremony on Friday for their work during the summer's record heat, when crews answered more
than 900 calls in a single week.
"""
BRIDGE = """Harbour bridge reopens after repairs

The Zürich-built lifting bridge over the harbour in Port Ellis reopened on Monday after six months
of repairs that cost the port authority 3 million dollars, officials said.
"""
NOTES = """Library extends opening hours

The public library in Millbrook will open until 9 pm on weekdays from January, the library board
said on Tuesday, after a survey found that students wanted more evening study space.
"""
HERALD = (
    "Volunteers planted 2,000 trees on the burned hills above Riverton on Saturday, a month after "
    "the wildfire, the county parks department said.\n"
    "The planting will continue through the spring, and residents can sign up on the county website.\n"
)
WIRE_ONE = (
    "The state transport agency said on Monday it would add night trains between Riverton and Port Ellis "
    "from March, after ridership on the line rose by a third this year."
)
WIRE_TWO = (
    "Port Ellis will host the regional sailing championship in July, the organisers said on Wednesday, "
    "and expect more than 300 boats from 12 countries."
)


def jsonl(*records: object) -> bytes:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records).encode("utf-8") + b"\n"


WIRE = jsonl(
    {
        "text": WIRE_ONE,
        "title": "Night trains to link Riverton and Port Ellis",
        "url": "https://wire.example/trains",
        "outlet": "Valley Wire",
        "author": "Sam Reporter",
        "published": "2024-12-02T08:00:00Z",
    },
    "",
    {"text": WIRE_TWO, "outlet": "Valley Wire"},
    '{"text": "truncated by the exporter',
    {"title": "A record with no body"},
    {"text": WIRE_TWO + " More soon.", "published": "next week"},
    {"text": WIRE_ONE, "title": "Same story again"},
    {"text": FRENCH},
    {"text": "Breaking: more soon."},
)

# Input file -> its bytes.
CORPUS: dict[str, bytes] = {
    "texts/fire-crlf.txt": FIRE.replace("\n", "\r\n").encode("utf-8"),
    "texts/flood-cr.txt": FLOOD.replace("\n", "\r").encode("utf-8"),
    "texts/council-cp1252.txt": COUNCIL.encode("cp1252"),
    "texts/montreal-latin1.txt": MONTREAL.encode("latin-1"),
    "texts/bridge-utf16.txt": BRIDGE.encode("utf-16"),
    "texts/notes": NOTES.encode("utf-8"),
    "html/herald-replanting.html": news_page(body=HERALD).encode("utf-8"),
    "html/cookie-wall.html": news_page(body="")
    .replace("<h1>Wildfire contained north of the city</h1>", "")
    .encode("utf-8"),
    "feeds/wire.jsonl": WIRE,
    "feeds/empty.jsonl": b"",
    "feeds/broken.jsonl": b"\xef\xbb\xbf" + jsonl({"text": WIRE_ONE}) + b"\xff\xfe\n",
    "texts/empty.txt": b"",
    "texts/blank.txt": b"\r\n \t \r\n",
    "texts/brief.txt": b"Breaking: more soon.",
    "texts/huge.txt": b"x" * (DEFAULT_MAX_BYTES + 1),
    "texts/scan.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 4,
    "texts/bad-bom.txt": b"\xef\xbb\xbf" + NOTES.encode("utf-8") + b"\xc3\x28",
    "texts/french.txt": FRENCH.encode("utf-8"),
    "texts/copy-of-000.txt": (SAMPLE / SEEDS[0]).read_bytes(),
    ".hidden.txt": NOTES.encode("utf-8"),
    ".cache/fire.txt": FIRE.encode("utf-8"),
    "texts/draft.txt.part": FLOOD.encode("utf-8"),
    "texts/~$memo.txt": NOTES.encode("utf-8"),
    "texts/locked.txt": BRIDGE.encode("utf-8"),
}
LOCKED = "texts/locked.txt"

# Item -> where it must land: `article`, or its quarantine reason.
EXPECTED: dict[str, str] = {
    **dict.fromkeys(SEEDS, "article"),
    "texts/fire-crlf.txt": "article",
    "texts/flood-cr.txt": "article",
    "texts/council-cp1252.txt": "article",
    "texts/montreal-latin1.txt": "article",
    "texts/bridge-utf16.txt": "article",
    "texts/notes": "article",
    "html/herald-replanting.html": "article",
    "html/cookie-wall.html": "no_main_text",
    "feeds/wire.jsonl#L1": "article",
    "feeds/wire.jsonl#L3": "article",
    "feeds/wire.jsonl#L4": "bad_json_line",
    "feeds/wire.jsonl#L5": "bad_json_line",
    "feeds/wire.jsonl#L6": "bad_json_line",
    "feeds/wire.jsonl#L7": "duplicate",
    "feeds/wire.jsonl#L8": "not_english",
    "feeds/wire.jsonl#L9": "too_short",
    "feeds/empty.jsonl": "empty",
    "feeds/broken.jsonl": "undecodable",
    "texts/empty.txt": "empty",
    "texts/blank.txt": "whitespace_only",
    "texts/brief.txt": "too_short",
    "texts/huge.txt": "too_large",
    "texts/scan.pdf": "binary",
    "texts/bad-bom.txt": "undecodable",
    "texts/french.txt": "not_english",
    "texts/copy-of-000.txt": "duplicate",
    ".hidden.txt": "hidden",
    ".cache/fire.txt": "hidden",
    "texts/draft.txt.part": "in_progress",
    "texts/~$memo.txt": "in_progress",
    LOCKED: "unreadable",
}


@dataclass
class CorpusRun:
    """The warehouse one run over the corpus produced, with its summary."""

    input_dir: Path
    summary: RunSummary
    tables: dict[str, pd.DataFrame]

    def where(self, source: str) -> str:
        """`article`, or the quarantine reason of the item `source`."""
        if source in set(self.tables["articles"]["source_path"]):
            return "article"
        quarantine = self.tables["quarantine"].set_index("source_path")
        return quarantine.loc[source, "reason"] if source in quarantine.index else "nowhere"

    def row(self, table: str, source: str) -> pd.Series:
        frame = self.tables[table]
        return frame[frame["source_path"] == source].iloc[0]


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> CorpusRun:
    input_dir = tmp_path_factory.mktemp("input")
    warehouse = tmp_path_factory.mktemp("warehouse")
    for seed in SEEDS:
        shutil.copy(SAMPLE / seed, input_dir / seed)
    for name, content in CORPUS.items():
        (input_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (input_dir / name).write_bytes(content)
    read_bytes = Path.read_bytes

    def read_unless_locked(path: Path) -> bytes:
        if path == input_dir / LOCKED:  # a permission bit does not stop root, who may run the tests
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SETTLE_ENV, "0")  # the corpus was written a moment ago
        patch.setattr(Path, "read_bytes", read_unless_locked)
        summary = run(input_dir, warehouse, "en_core_web_sm", show_progress=False)
    return CorpusRun(input_dir, summary, {table: read_table(warehouse, table) for table in TABLES})


@pytest.mark.parametrize(("source", "expected"), EXPECTED.items(), ids=list(EXPECTED))
def test_each_input_item_lands_where_expected(corpus_run: CorpusRun, source: str, expected: str) -> None:
    assert corpus_run.where(source) == expected


def test_there_are_no_other_items(corpus_run: CorpusRun) -> None:
    sources = [*corpus_run.tables["articles"]["source_path"], *corpus_run.tables["quarantine"]["source_path"]]
    assert sorted(sources) == sorted(EXPECTED)


def test_the_accounting_check_passed(corpus_run: CorpusRun) -> None:
    assert "quarantine:inputs_accounted_for" in corpus_run.summary.checks_passed


def test_every_check_passed_and_every_step_ran(corpus_run: CorpusRun) -> None:
    assert corpus_run.summary.checks_failed == []
    assert corpus_run.summary.failed_steps == []


def test_every_quarantine_row_says_why_in_words(corpus_run: CorpusRun) -> None:
    assert (corpus_run.tables["quarantine"]["detail"].str.len() > 10).all()


def test_the_seeds_parse_as_in_a_run_over_the_sample_alone(corpus_run: CorpusRun, seed_run: SeedRun) -> None:
    def seed_rows(articles: pd.DataFrame) -> list[dict]:
        rows = articles[articles["source_path"].isin(SEEDS)].sort_values("source_path")
        return [{name: _plain(value) for name, value in row.items()} for row in rows.to_dict("records")]

    expected = seed_rows(seed_run.tables["articles"])
    assert len(expected) == len(SEEDS)
    assert seed_rows(corpus_run.tables["articles"]) == expected


def test_a_copy_of_a_seed_names_the_seed_it_duplicates(corpus_run: CorpusRun) -> None:
    duplicate = corpus_run.row("quarantine", "texts/copy-of-000.txt")
    assert duplicate["duplicate_of"] == corpus_run.row("articles", SEEDS[0])["article_id"]
    assert SEEDS[0] in duplicate["detail"]


def test_a_json_line_repeating_another_names_the_kept_line(corpus_run: CorpusRun) -> None:
    duplicate = corpus_run.row("quarantine", "feeds/wire.jsonl#L7")
    assert duplicate["line"] == 7
    assert duplicate["duplicate_of"] == corpus_run.row("articles", "feeds/wire.jsonl#L1")["article_id"]


@pytest.mark.parametrize(
    ("source", "fmt", "encoding"),
    [
        ("texts/council-cp1252.txt", "text", "cp1252"),
        ("texts/montreal-latin1.txt", "text", "iso8859-1"),
        ("texts/bridge-utf16.txt", "text", "utf-16"),
        ("html/herald-replanting.html", "html", "utf-8"),
        ("feeds/wire.jsonl#L1", "jsonl", "utf-8"),
    ],
)
def test_format_and_encoding_are_recorded(
    corpus_run: CorpusRun, source: str, fmt: str, encoding: str
) -> None:
    raw = corpus_run.row("raw_articles", source)
    assert (raw["format"], raw["encoding"]) == (fmt, encoding)


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("texts/fire-crlf.txt", FIRE.replace("\n", "\r\n")),
        ("texts/flood-cr.txt", FLOOD.replace("\n", "\r")),
        ("texts/council-cp1252.txt", COUNCIL),
        ("texts/montreal-latin1.txt", MONTREAL),
        ("texts/bridge-utf16.txt", BRIDGE),
    ],
)
def test_text_is_stored_exactly_as_decoded(corpus_run: CorpusRun, source: str, text: str) -> None:
    assert corpus_run.row("articles", source)["text"] == text


def test_the_html_article_carries_the_page_metadata(corpus_run: CorpusRun) -> None:
    article = corpus_run.row("articles", "html/herald-replanting.html")
    assert (article["title"], article["outlet"], article["author"]) == (
        "Wildfire contained north of the city",
        "The Valley Herald",
        "Jane Doe",
    )
    assert article["published_date"] == dt.date(2024, 12, 3)
    assert article["url"] == "https://valleyherald.example/news/wildfire-contained"
    assert "cookies" not in article["text"] and "dataLayer" not in article["text"]


def test_the_json_line_article_carries_the_feed_metadata(corpus_run: CorpusRun) -> None:
    article = corpus_run.row("articles", "feeds/wire.jsonl#L1")
    assert (article["title"], article["outlet"], article["author"], article["url"]) == (
        "Night trains to link Riverton and Port Ellis",
        "Valley Wire",
        "Sam Reporter",
        "https://wire.example/trains",
    )
    assert article["published_date"] == dt.date(2024, 12, 2)
    assert article["text"] == WIRE_ONE


def test_sentences_come_from_every_format(corpus_run: CorpusRun) -> None:
    ids = corpus_run.tables["articles"].set_index("source_path")["article_id"]
    with_sentences = set(corpus_run.tables["sentences"]["article_id"])
    for source in ("texts/flood-cr.txt", "html/herald-replanting.html", "feeds/wire.jsonl#L3"):
        assert ids[source] in with_sentences


def _plain(value: object) -> object:
    """A cell comparable with `==`: arrays as lists, missing values as None."""
    if isinstance(value, np.ndarray):
        return [_plain(item) for item in value.tolist()]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if not isinstance(value, list) and pd.isna(value):
        return None
    return value
