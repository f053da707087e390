"""Ingestion: every input item becomes a raw article or a quarantine row with its reason.

An item is a file, or one line of a JSON Lines file. Inputs are written by
each test: plain text in several encodings and line ends, realistic HTML
pages, JSON Lines feeds with good and bad lines, and the files a real input
folder collects (temporary, hidden, half-written, binary, foreign).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline.articles import build_articles
from pipeline.ingest import (
    IngestSettings,
    InputFolderError,
    article_id_for,
    discover_inputs,
    ingest,
    input_items,
)
from pipeline.resources import SETTLE_ENV, NewsreconSettings
from pipeline.schema import schema_for

ARTICLE = (
    "Firefighters contained a wildfire north of the city on Tuesday after it burned through "
    "dry brush for three days, officials said. No injuries were reported.\n"
)
SECOND = (
    "The city council approved a new budget on Wednesday that raises spending on schools and "
    "public transport, after a debate that lasted late into the night.\n"
)
THIRD = (
    "Heavy rain flooded several streets in the harbour district on Thursday morning, and the "
    "authorities closed two bridges to traffic until the water receded.\n"
)
FRENCH = (
    "Les pompiers ont maîtrisé mardi un incendie de forêt au nord de la ville, après trois jours "
    "de lutte contre les flammes, ont indiqué les autorités. Aucun blessé n'a été signalé.\n"
)


def news_page(charset: str = "utf-8", body: str = ARTICLE + SECOND) -> str:
    """A news page as sites serve it: head metadata, scripts, styles, navigation, a cookie banner."""
    paragraphs = "\n".join(f"<p>{line}</p>" for line in body.splitlines() if line)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="{charset}">
<title>Wildfire contained north of the city | The Valley Herald</title>
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2024-12-03T09:30:00Z">
<meta property="og:site_name" content="The Valley Herald">
<meta property="og:title" content="Wildfire contained north of the city">
<link rel="canonical" href="https://valleyherald.example/news/wildfire-contained">
<link rel="stylesheet" href="https://cdn.valleyherald.example/site.css">
<style>body {{ font-family: serif; }} .cookie-banner {{ position: fixed; }}</style>
<script>window.dataLayer = []; function trackPageView() {{ dataLayer.push("pageview"); }}</script>
<script src="https://ads.example/loader.js"></script>
</head>
<body>
<header><a href="/">The Valley Herald</a><span>Subscribe for $1</span></header>
<nav><ul><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/weather">Weather forecast for the valley</a></li></ul></nav>
<div id="cookie-consent" class="cookie-banner"><p>We use cookies to improve your experience on our
website. By continuing to browse you accept all cookies and our privacy policy.</p>
<button>Accept all cookies</button></div>
<main><article>
<h1>Wildfire contained north of the city</h1>
{paragraphs}
<img src="https://cdn.valleyherald.example/fire.jpg" alt="Smoke over the hills">
</article></main>
<aside><h2>Most read</h2><ul><li><a href="/a">Celebrity chef opens a restaurant</a></li></ul></aside>
<footer><p>Copyright 2024 The Valley Herald. All rights reserved.</p></footer>
<script>trackPageView();</script>
</body>
</html>
"""


def run_ingest(folder: Path, **settings: object):
    return ingest(folder, discover_inputs(folder), IngestSettings(**settings))


def write_jsonl(path: Path, *lines: object) -> None:
    """Each line as given if it is a string, else as JSON."""
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n",
        encoding="utf-8",
    )


def reasons(result) -> dict[str, str]:
    return dict(zip(result.quarantine["source_path"], result.quarantine["reason"], strict=True))


# --------------------------------------------------------------------------- discovery and accounting


def test_a_missing_folder_is_an_error_not_an_empty_run(tmp_path: Path) -> None:
    with pytest.raises(InputFolderError, match="does not exist"):
        discover_inputs(tmp_path / "missing")


def test_text_files_in_subfolders_become_raw_articles(tmp_path: Path) -> None:
    (tmp_path / "2024" / "12").mkdir(parents=True)
    (tmp_path / "2024" / "12" / "fire.txt").write_text(ARTICLE, encoding="utf-8")
    result = run_ingest(tmp_path)
    assert result.raw_articles["source_path"].tolist() == ["2024/12/fire.txt"]
    assert result.raw_articles["text"].tolist() == [ARTICLE]


def test_input_items_are_files_and_the_lines_of_json_lines_files(tmp_path: Path) -> None:
    (tmp_path / "fire.txt").write_text(ARTICLE, encoding="utf-8")
    write_jsonl(tmp_path / "feed.jsonl", {"text": SECOND}, "", {"text": THIRD})
    (tmp_path / ".hidden.jsonl").write_text(json.dumps({"text": SECOND}), encoding="utf-8")
    assert input_items(tmp_path, discover_inputs(tmp_path)) == [
        ".hidden.jsonl",
        "feed.jsonl#L1",
        "feed.jsonl#L3",
        "fire.txt",
    ]


def test_every_item_is_in_exactly_one_of_raw_articles_or_quarantine(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    write_jsonl(tmp_path / "feed.jsonl", {"text": SECOND}, "not json", {"text": ARTICLE})
    result = run_ingest(tmp_path)
    sources = [*result.raw_articles["source_path"], *result.quarantine["source_path"]]
    assert sorted(sources) == input_items(tmp_path, discover_inputs(tmp_path))
    assert result.items == len(sources) == 5


def test_rows_have_exactly_the_schema_columns(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    result = run_ingest(tmp_path)
    assert result.raw_articles.columns.tolist() == schema_for("raw_articles").names
    assert result.quarantine.columns.tolist() == schema_for("quarantine").names


# --------------------------------------------------------------------------- plain text


def test_plain_text_is_format_text_with_no_source_metadata(tmp_path: Path) -> None:
    (tmp_path / "fire.txt").write_text(ARTICLE, encoding="utf-8")
    row = run_ingest(tmp_path).raw_articles.iloc[0]
    assert row["format"] == "text"
    assert pd.isna(row["line"])
    assert all(pd.isna(row[name]) for name in ("url", "title", "outlet", "author", "published_date"))


@pytest.mark.parametrize("name", ["README", "fire.md", "fire.article"])
def test_files_without_a_known_extension_are_read_as_text(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text(ARTICLE, encoding="utf-8")
    assert run_ingest(tmp_path).raw_articles["text"].tolist() == [ARTICLE]


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_line_ends_are_kept_as_they_are(tmp_path: Path, newline: str) -> None:
    text = (ARTICLE + "\n" + SECOND).replace("\n", newline)
    (tmp_path / "fire.txt").write_bytes(text.encode("utf-8"))
    assert run_ingest(tmp_path).raw_articles["text"].tolist() == [text]


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16")],
)
def test_unicode_encodings_are_decoded_and_recorded(tmp_path: Path, encoding: str, expected: str) -> None:
    text = ARTICLE + "Le maire de Montréal a salué les pompiers.\n"
    (tmp_path / "a.txt").write_bytes(text.encode(encoding))
    result = run_ingest(tmp_path)
    assert result.raw_articles["text"].tolist() == [text]
    assert result.raw_articles["encoding"].tolist() == [expected]


def test_windows_1252_curly_quotes_are_decoded_and_recorded_as_cp1252(tmp_path: Path) -> None:
    text = ARTICLE + "The café’s owner said the “fire” was close — about €2 million of damage…\n"
    (tmp_path / "a.txt").write_bytes(text.encode("cp1252"))
    result = run_ingest(tmp_path)
    assert result.raw_articles["text"].tolist() == [text]
    assert result.raw_articles["encoding"].tolist() == ["cp1252"]


def test_latin_1_accents_are_decoded_and_recorded_as_latin_1(tmp_path: Path) -> None:
    text = ARTICLE + "Le maire de Montréal a salué les pompiers à la caserne.\n"
    (tmp_path / "a.txt").write_bytes(text.encode("latin-1"))
    result = run_ingest(tmp_path)
    assert result.raw_articles["text"].tolist() == [text]
    assert result.raw_articles["encoding"].tolist() == ["iso8859-1"]


def test_the_recorded_encoding_decodes_the_bytes_to_the_text(tmp_path: Path) -> None:
    texts = {"a.txt": ("cp1252", "“Quoted”"), "b.txt": ("latin-1", "Québec"), "c.txt": ("utf-16", "Zürich")}
    for name, (encoding, word) in texts.items():
        (tmp_path / name).write_bytes(f"{ARTICLE}{word} {name}\n".encode(encoding))
    result = run_ingest(tmp_path)
    for name, encoding, text in result.raw_articles[["source_path", "encoding", "text"]].values:
        assert (tmp_path / name).read_bytes().decode(encoding) == text


# --------------------------------------------------------------------------- HTML


def test_html_main_text_leaves_out_scripts_styles_navigation_and_cookie_banner(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(news_page(), encoding="utf-8")
    text = run_ingest(tmp_path).raw_articles["text"].iloc[0]
    assert ARTICLE.strip() in text and SECOND.strip() in text
    for furniture in ("dataLayer", "font-family", "Sport", "Weather", "cookies", "Most read", "Copyright"):
        assert furniture not in text


def test_html_paragraphs_are_separated_by_a_blank_line(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(news_page(), encoding="utf-8")
    text = run_ingest(tmp_path).raw_articles["text"].iloc[0]
    assert f"{ARTICLE.strip()}\n\n{SECOND.strip()}" in text


def test_html_metadata_fills_title_author_date_outlet_and_canonical_url(tmp_path: Path) -> None:
    (tmp_path / "page.htm").write_text(news_page(), encoding="utf-8")
    row = run_ingest(tmp_path).raw_articles.iloc[0]
    assert row["format"] == "html"
    assert row["title"] == "Wildfire contained north of the city"
    assert row["author"] == "Jane Doe"
    assert row["published_date"] == dt.date(2024, 12, 3)
    assert row["outlet"] == "The Valley Herald"
    assert row["url"] == "https://valleyherald.example/news/wildfire-contained"


def test_html_declared_charset_is_honoured(tmp_path: Path) -> None:
    body = ARTICLE + "The café’s owner said the “fire” was close.\n"
    (tmp_path / "page.html").write_bytes(news_page("windows-1252", body).encode("cp1252"))
    row = run_ingest(tmp_path).raw_articles.iloc[0]
    assert row["encoding"] == "cp1252"
    assert "The café’s owner said the “fire” was close." in row["text"]


def test_html_without_a_declared_charset_is_detected(tmp_path: Path) -> None:
    body = ARTICLE + "Le maire de Montréal a salué les pompiers.\n"
    page = news_page(body=body).replace('<meta charset="utf-8">', "")
    (tmp_path / "page.html").write_bytes(page.encode("latin-1"))
    row = run_ingest(tmp_path).raw_articles.iloc[0]
    assert row["encoding"] == "iso8859-1"
    assert "Le maire de Montréal a salué les pompiers." in row["text"]


def test_an_html_page_without_main_text_is_quarantined(tmp_path: Path) -> None:
    page = news_page(body="").replace("<h1>Wildfire contained north of the city</h1>", "")
    (tmp_path / "index.html").write_text(page, encoding="utf-8")
    result = run_ingest(tmp_path)
    assert reasons(result) == {"index.html": "no_main_text"}


def test_html_is_read_without_touching_the_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("ingest tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    (tmp_path / "page.html").write_text(news_page(), encoding="utf-8")
    assert len(run_ingest(tmp_path).raw_articles) == 1


# --------------------------------------------------------------------------- JSON Lines


def test_each_json_line_becomes_an_article_with_its_line_and_metadata(tmp_path: Path) -> None:
    record = {
        "text": ARTICLE,
        "title": "Wildfire contained",
        "url": "https://wire.example/1",
        "outlet": "Wire Service",
        "author": "Sam Reporter",
        "published": "2024-12-02T17:45:00+00:00",
    }
    write_jsonl(tmp_path / "feed.jsonl", record, {"text": SECOND})
    raw = run_ingest(tmp_path).raw_articles
    assert raw["source_path"].tolist() == ["feed.jsonl#L1", "feed.jsonl#L2"]
    assert raw["line"].tolist() == [1, 2]
    assert raw["format"].tolist() == ["jsonl", "jsonl"]
    assert raw["text"].tolist() == [ARTICLE, SECOND]
    first = raw.iloc[0]
    assert (first["title"], first["url"], first["outlet"], first["author"]) == (
        "Wildfire contained",
        "https://wire.example/1",
        "Wire Service",
        "Sam Reporter",
    )
    assert first["published_date"] == dt.date(2024, 12, 2)


@pytest.mark.parametrize("published", ["2024-12-02", "2024-12-02T09:30:00Z", "Mon, 02 Dec 2024 09:30:00 GMT"])
def test_json_line_dates_may_be_iso_8601_or_rfc_2822(tmp_path: Path, published: str) -> None:
    write_jsonl(tmp_path / "feed.jsonl", {"text": ARTICLE, "published": published})
    assert run_ingest(tmp_path).raw_articles["published_date"].tolist() == [dt.date(2024, 12, 2)]


def test_blank_lines_are_no_items_but_keep_the_numbering(tmp_path: Path) -> None:
    (tmp_path / "feed.jsonl").write_text(
        f"\n{json.dumps({'text': ARTICLE})}\r\n   \n{json.dumps({'text': SECOND})}\r\n", encoding="utf-8"
    )
    assert run_ingest(tmp_path).raw_articles["source_path"].tolist() == ["feed.jsonl#L2", "feed.jsonl#L4"]


@pytest.mark.parametrize(
    ("line", "detail"),
    [
        ('{"text": "unterminated', "not valid JSON"),
        (json.dumps([ARTICLE]), "JSON array, not an object"),
        (json.dumps({"title": "No body"}), "no `text`"),
        (json.dumps({"text": "   "}), "`text` is empty"),
        (json.dumps({"text": 42}), "`text` is a JSON number"),
        (json.dumps({"text": ARTICLE, "title": ["a", "list"]}), "`title` is a JSON array"),
        (json.dumps({"text": ARTICLE, "published": "last Tuesday"}), "`published` 'last Tuesday'"),
        ("[" * 100_000 + "]" * 100_000, "too deeply"),
    ],
    ids=[
        "invalid",
        "not-object",
        "no-text",
        "empty-text",
        "text-not-string",
        "title-not-string",
        "bad-date",
        "deep-nesting",
    ],
)
def test_a_bad_json_line_is_quarantined_and_the_other_lines_go_on(
    tmp_path: Path, line: str, detail: str
) -> None:
    write_jsonl(tmp_path / "feed.jsonl", {"text": SECOND}, line, {"text": THIRD})
    result = run_ingest(tmp_path)
    assert result.raw_articles["source_path"].tolist() == ["feed.jsonl#L1", "feed.jsonl#L3"]
    rejected = result.quarantine.iloc[0]
    assert (rejected["source_path"], rejected["line"], rejected["reason"]) == (
        "feed.jsonl#L2",
        2,
        "bad_json_line",
    )
    assert detail in rejected["detail"] and "line 2" in rejected["detail"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty"), (b"\n  \n\r\n", "whitespace_only"), (b"\xef\xbb\xbf\xff\xfe{\n", "undecodable")],
)
def test_a_json_lines_file_that_cannot_be_split_is_one_quarantine_row(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    (tmp_path / "feed.jsonl").write_bytes(content)
    result = run_ingest(tmp_path)
    assert result.quarantine[["source_path", "reason"]].values.tolist() == [["feed.jsonl", reason]]
    assert result.quarantine["line"].isna().all()


def test_article_rules_apply_to_each_json_line(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "feed.jsonl", {"text": ARTICLE}, {"text": "Too short."}, {"text": FRENCH})
    assert reasons(run_ingest(tmp_path)) == {"feed.jsonl#L2": "too_short", "feed.jsonl#L3": "not_english"}


def test_an_overlong_json_line_is_too_large_alone(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "feed.jsonl", {"text": ARTICLE}, {"text": SECOND * 20})
    result = run_ingest(tmp_path, max_bytes=1000)
    assert reasons(result) == {"feed.jsonl#L2": "too_large"}
    assert result.raw_articles["source_path"].tolist() == ["feed.jsonl#L1"]


# --------------------------------------------------------------------------- quarantine reasons


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b" \n\t\n", "whitespace_only"),
        ("blank.html", b"\n   \n", "whitespace_only"),
        ("short.txt", b"Breaking: more soon.", "too_short"),
        ("scan.pdf", b"%PDF-1.7\n" + b"\x00" * 300, "binary"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 300, "binary"),
        ("utf16-without-bom.txt", ARTICLE.encode("utf-16-le"), "binary"),
        ("bad-bom.txt", b"\xef\xbb\xbf" + ARTICLE.encode() + b"\xff\xfe", "undecodable"),
        ("french.txt", FRENCH.encode(), "not_english"),
        ("draft.txt.part", ARTICLE.encode(), "in_progress"),
        ("download.html.crdownload", ARTICLE.encode(), "in_progress"),
        ("report.tmp", ARTICLE.encode(), "in_progress"),
        ("~$notes.txt", ARTICLE.encode(), "in_progress"),
        (".hidden.txt", ARTICLE.encode(), "hidden"),
        (".drafts/fire.txt", ARTICLE.encode(), "hidden"),
    ],
)
def test_bad_inputs_are_quarantined_with_a_reason(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    (tmp_path / name).parent.mkdir(exist_ok=True)
    (tmp_path / name).write_bytes(content)
    result = run_ingest(tmp_path)
    assert result.raw_articles.empty
    assert result.quarantine[["source_path", "reason", "stage"]].values.tolist() == [[name, reason, "ingest"]]
    assert result.quarantine["detail"].str.len().min() > 10


def test_a_file_over_the_size_limit_is_too_large_and_not_read(tmp_path: Path) -> None:
    (tmp_path / "dump.txt").write_text(ARTICLE * 20, encoding="utf-8")
    result = run_ingest(tmp_path, max_bytes=1000)
    assert reasons(result) == {"dump.txt": "too_large"}
    assert "over the limit of 1000" in result.quarantine["detail"].iloc[0]


def test_the_detected_language_is_named_in_the_detail(tmp_path: Path) -> None:
    (tmp_path / "french.txt").write_text(FRENCH, encoding="utf-8")
    assert "French" in run_ingest(tmp_path).quarantine["detail"].iloc[0]


def test_a_short_english_text_that_one_odd_line_makes_look_foreign_is_kept(tmp_path: Path) -> None:
    text = (  # from ECB+: the whole-text guess alone says Yoruba
        "http : / / wiki . answers . com / Q / Is _ Vincent _ 'The _ Chin' _ Gigante _ still _ in _ prison\n"
        "Vincent 'The Chin' Gigante died while in prison custody on December 19 , 2005 .\n"
    )
    (tmp_path / "gigante.txt").write_text(text, encoding="utf-8")
    assert run_ingest(tmp_path).raw_articles["text"].tolist() == [text]


def test_the_accepted_languages_are_configurable(tmp_path: Path) -> None:
    (tmp_path / "french.txt").write_text(FRENCH, encoding="utf-8")
    (tmp_path / "english.txt").write_text(ARTICLE, encoding="utf-8")
    result = run_ingest(tmp_path, languages=("fr",))
    assert result.raw_articles["source_path"].tolist() == ["french.txt"]
    assert reasons(result) == {"english.txt": "not_english"}


def test_an_unknown_language_code_is_an_error_at_once() -> None:
    with pytest.raises(ValueError, match="unknown ISO 639-1"):
        IngestSettings(languages=("english",))


def test_a_file_modified_within_the_settle_time_is_in_progress(tmp_path: Path) -> None:
    (tmp_path / "fresh.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "settled.txt").write_text(SECOND, encoding="utf-8")
    an_hour_ago = time.time() - 3600
    os.utime(tmp_path / "settled.txt", (an_hour_ago, an_hour_ago))
    result = run_ingest(tmp_path, settle_seconds=60)
    assert reasons(result) == {"fresh.txt": "in_progress"}
    assert result.raw_articles["source_path"].tolist() == ["settled.txt"]


def test_a_fresh_json_lines_file_is_one_in_progress_item(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "feed.jsonl", {"text": ARTICLE}, {"text": SECOND})
    settings = IngestSettings(settle_seconds=60)
    assert input_items(tmp_path, discover_inputs(tmp_path), settings) == ["feed.jsonl"]
    assert reasons(run_ingest(tmp_path, settle_seconds=60)) == {"feed.jsonl": "in_progress"}


def test_a_file_that_cannot_be_read_is_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "locked.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "open.txt").write_text(SECOND, encoding="utf-8")
    read_bytes = Path.read_bytes

    def deny(path: Path) -> bytes:
        if path.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", deny)
    result = run_ingest(tmp_path)
    assert reasons(result) == {"locked.txt": "unreadable"}
    assert "Permission denied" in result.quarantine["detail"].iloc[0]


# --------------------------------------------------------------------------- duplicates


def test_an_exact_duplicate_is_kept_once_and_names_the_original(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE, encoding="utf-8")
    result = run_ingest(tmp_path)
    assert result.raw_articles["source_path"].tolist() == ["a.txt"]
    rejected = result.quarantine.iloc[0]
    assert rejected["reason"] == "duplicate"
    assert rejected["duplicate_of"] == result.raw_articles["article_id"].iloc[0]
    assert "same bytes as a.txt" in rejected["detail"]


def test_the_same_text_in_another_encoding_is_a_duplicate(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(ARTICLE.encode("utf-16"))
    (tmp_path / "b.txt").write_bytes(ARTICLE.encode("utf-8"))
    result = run_ingest(tmp_path)
    assert reasons(result) == {"b.txt": "duplicate"}
    assert "same text as a.txt" in result.quarantine["detail"].iloc[0]


def test_the_same_text_on_a_json_line_is_a_duplicate_of_the_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    write_jsonl(tmp_path / "feed.jsonl", {"text": SECOND}, {"text": ARTICLE, "title": "Same story"})
    result = run_ingest(tmp_path)
    assert reasons(result) == {"feed.jsonl#L2": "duplicate"}
    assert result.quarantine["duplicate_of"].tolist() == [article_id_for(ARTICLE)]
    assert result.quarantine["line"].tolist() == [2]


def test_a_duplicate_of_a_rejected_file_is_rejected_for_its_own_reason(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"Too short.")
    (tmp_path / "b.txt").write_bytes(b"Too short.")
    assert reasons(run_ingest(tmp_path)) == {"a.txt": "too_short", "b.txt": "too_short"}


def test_article_ids_depend_only_on_the_text() -> None:
    assert article_id_for(ARTICLE) == article_id_for(str(ARTICLE))
    assert article_id_for(ARTICLE) != article_id_for(ARTICLE + " ")


# --------------------------------------------------------------------------- settings and articles


def test_the_resource_waits_two_seconds_for_files_to_settle_unless_told_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(SETTLE_ENV, raising=False)
    assert NewsreconSettings(input_dir=".").ingest_settings().settle_seconds == 2.0
    monkeypatch.setenv(SETTLE_ENV, "0")
    assert NewsreconSettings(input_dir=".").ingest_settings().settle_seconds == 0.0


def test_source_metadata_outranks_what_the_text_says(tmp_path: Path) -> None:
    text = "Wildfire contained\n\nBy Text Author\n\n" + ARTICLE
    write_jsonl(
        tmp_path / "feed.jsonl",
        {
            "text": text,
            "title": "Fire out",
            "author": "Feed Author",
            "outlet": "Feed",
            "published": "2024-12-02",
        },
    )
    article = build_articles(run_ingest(tmp_path).raw_articles).iloc[0]
    assert (article["title"], article["author"], article["outlet"]) == ("Fire out", "Feed Author", "Feed")
    assert article["published_date"] == dt.date(2024, 12, 2)
    assert pd.isna(article["title_start"]) and pd.isna(article["title_end"])


def test_the_title_keeps_its_offsets_when_the_source_title_is_the_headline_in_the_text(
    tmp_path: Path,
) -> None:
    (tmp_path / "page.html").write_text(news_page(), encoding="utf-8")
    article = build_articles(run_ingest(tmp_path).raw_articles).iloc[0]
    assert article["title"] == "Wildfire contained north of the city"
    assert article["text"][article["title_start"] : article["title_end"]] == article["title"]
    assert article["url"] == "https://valleyherald.example/news/wildfire-contained"


def test_the_parsed_title_stands_when_the_source_gives_none(tmp_path: Path) -> None:
    (tmp_path / "fire.txt").write_text("Wildfire contained north of the city\n\n" + ARTICLE, encoding="utf-8")
    article = build_articles(run_ingest(tmp_path).raw_articles).iloc[0]
    assert article["title"] == "Wildfire contained north of the city"
    assert (article["title_start"], article["title_end"]) == (0, len("Wildfire contained north of the city"))
