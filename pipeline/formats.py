"""Readers for the input formats: plain text, HTML pages and JSON Lines.

Each reader turns bytes (or one decoded line) into article text plus the
metadata the source itself gives, or raises `Rejection` with the reason a
person needs to fix the input. Readers never touch the network: a page's
canonical URL is recorded, never fetched.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path

import trafilatura
from charset_normalizer import from_bytes

from pipeline.datafiles import load_json

TEXT, HTML, JSONL = "text", "html", "jsonl"
_SUFFIX_FORMATS = {".html": HTML, ".htm": HTML, ".xhtml": HTML, ".jsonl": JSONL, ".ndjson": JSONL}
# UTF-32 first: its little-endian mark begins with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Leading bytes of common binary formats that are not articles.
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"\x1f\x8b", b"7z\xbc\xaf")
# Bytes 0x80-0x9F are punctuation in Windows-1252 (curly quotes, dashes, euro) but C1 controls in Latin-1.
_CP1252_ONLY = re.compile(rb"[\x80-\x9f]")
# charset-normalizer's own default: above this share of implausible characters a decoding is wrong.
_MAX_CHAOS = 0.2
# WHATWG prescan: a page declares its encoding in its first kilobytes.
_PRESCAN_BYTES = 4096
_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9._:-]+)|<\?xml[^>]*?encoding\s*=\s*["']([a-z0-9._:-]+)""",
    re.IGNORECASE,
)
# Precision over recall: a missing paragraph costs less than furniture read as prose.
_FAVOR_PRECISION = True
# Dates only from what the page declares (meta tags, structured data, URL), never guessed from its prose.
_DATE_PARAMS = {"original_date": True, "extensive_search": False}
_DOCUMENT = re.compile(r"<html|<body", re.IGNORECASE)
_DOMAIN = re.compile(r"[\w-]+(\.[\w-]+)+")
JSONL_FIELDS = ("title", "url", "outlet", "author", "published")


class Rejection(Exception):
    """An input that cannot become an article: a machine-readable reason and a sentence for a person.

    A `duplicate` names the article kept instead in `duplicate_of`.
    """

    def __init__(self, reason: str, detail: str, duplicate_of: str | None = None) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.duplicate_of = duplicate_of


@dataclass(frozen=True)
class SourceMetadata:
    """What the source says about the article, as opposed to what parsing its text finds."""

    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    published_date: dt.date | None = None


@dataclass(frozen=True)
class Extracted:
    """An article's text and the metadata its source carried."""

    text: str
    metadata: SourceMetadata


def format_of(path: Path) -> str:
    """`html` or `jsonl` by extension; anything else is read as plain text if it decodes as text."""
    return _SUFFIX_FORMATS.get(path.suffix.lower(), TEXT)


def check_not_binary(data: bytes) -> None:
    """Reject bytes that are a known binary format, or carry NUL bytes without a Unicode byte-order mark."""
    if data.startswith(_BINARY_MAGIC):
        raise Rejection("binary", "binary content (the file starts like a PDF, image or archive)")
    if b"\x00" in data[:_PRESCAN_BYTES] and not data.startswith(tuple(bom for bom, _ in _BOMS)):
        raise Rejection("binary", "binary content (NUL bytes; UTF-16 or UTF-32 text needs a byte-order mark)")


def decode_text(data: bytes) -> tuple[str, str]:
    """Text and encoding: byte-order mark, then strict UTF-8, then Western single-byte, then detection.

    Windows-1252 and Latin-1 are tried before general detection because the
    detector, on English text with a few accents, often names a Central
    European code page that decodes some of those letters wrongly.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data, encoding, f"the {encoding} byte-order mark is followed by invalid bytes")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    western = _western(data)
    if western is not None:
        return data.decode(western), western
    best = from_bytes(data, threshold=_MAX_CHAOS).best()
    if best is None:
        raise Rejection("undecodable", "the bytes do not decode as text in any supported encoding")
    encoding = codecs.lookup(best.encoding).name
    return data.decode(encoding), encoding


def decode_html(data: bytes) -> tuple[str, str]:
    """Markup and encoding: byte-order mark, then the page's declared charset, then as plain text."""
    if data.startswith(tuple(bom for bom, _ in _BOMS)):
        return decode_text(data)
    declared = _declared_encoding(data[:_PRESCAN_BYTES])
    if declared in ("iso8859-1", "ascii"):
        declared = _latin(data)  # as browsers do: the label means Windows-1252 when its punctuation is used
    if declared is not None:
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass  # pages often lie about their charset; fall back to what the bytes say
    return decode_text(data)


def extract_html(markup: str) -> Extracted:
    """Main text and metadata of an HTML page, with navigation, scripts and banners left out.

    Paragraphs are separated by a blank line, the layout plain-text articles use.
    """
    if not markup.strip():
        raise Rejection("whitespace_only", "the page is only white space")
    if not _DOCUMENT.search(markup):
        markup = f"<html><body>{markup}</body></html>"  # trafilatura refuses bare fragments
    document = trafilatura.bare_extraction(
        markup,
        with_metadata=True,
        include_comments=False,
        favor_precision=_FAVOR_PRECISION,
        date_extraction_params=_DATE_PARAMS,
        prune_xpath=list(_prune_xpath()),
    )
    paragraphs = [line.strip() for line in (document.text if document else "").split("\n")]
    text = "\n\n".join(line for line in paragraphs if line)
    if not text:
        raise Rejection("no_main_text", "the page has no main text (only navigation, scripts or markup)")
    return Extracted(
        text,
        SourceMetadata(
            title=document.title or None,
            url=document.url or None,
            outlet=_outlet(document.sitename),
            author=document.author or None,
            published_date=dt.date.fromisoformat(document.date) if document.date else None,
        ),
    )


def jsonl_lines(text: str) -> list[tuple[int, str]]:
    """Non-blank lines of a JSON Lines file with their 1-based numbers (`\\r\\n` endings tolerated).

    Only `\\n` ends a line: JSON strings may hold U+2028 and other characters
    that `str.splitlines` would break on.
    """
    return [
        (number, line.removesuffix("\r"))
        for number, line in enumerate(text.split("\n"), start=1)
        if line.strip()
    ]


def read_jsonl_line(line: str, number: int) -> Extracted:
    """One JSON Lines record: an object with a non-empty string `text` and optional string metadata."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise Rejection(
            "bad_json_line", f"line {number} is not valid JSON: {error.msg} (column {error.colno})"
        ) from None
    except RecursionError:
        raise Rejection("bad_json_line", f"line {number} nests JSON too deeply to read") from None
    if not isinstance(record, dict):
        raise Rejection(
            "bad_json_line", f"line {number} is a JSON {_json_type(record)}, not an object with `text`"
        )
    text = record.get("text")
    if text is None:
        raise Rejection("bad_json_line", f"line {number} has no `text` field")
    if not isinstance(text, str):
        raise Rejection("bad_json_line", f"line {number}: `text` is a JSON {_json_type(text)}, not a string")
    if not text.strip():
        raise Rejection("bad_json_line", f"line {number}: `text` is empty")
    fields = {}
    for name in JSONL_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise Rejection(
                "bad_json_line", f"line {number}: `{name}` is a JSON {_json_type(value)}, not a string"
            )
        fields[name] = value.strip() if value and value.strip() else None
    published = fields.pop("published")
    published_date = _parse_date(published) if published else None
    if published and published_date is None:
        raise Rejection(
            "bad_json_line",
            f"line {number}: `published` {published!r} is not an ISO 8601 or RFC 2822 date",
        )
    return Extracted(text, SourceMetadata(**fields, published_date=published_date))


def _strict(data: bytes, encoding: str, problem: str) -> tuple[str, str]:
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        raise Rejection("undecodable", problem) from None


def _western(data: bytes) -> str | None:
    """`cp1252` or `iso8859-1` when the bytes read plausibly as Western European text, else None.

    Latin-1 is named only when no byte falls in 0x80-0x9F, where the two differ;
    there Windows-1252 is what writers meant (curly quotes, dashes, the euro).
    """
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    if from_bytes(data, cp_isolation=["cp1252"], threshold=_MAX_CHAOS).best() is None:
        return None
    return _latin(data)


def _latin(data: bytes) -> str:
    return "cp1252" if _CP1252_ONLY.search(data) else "iso8859-1"


def _declared_encoding(head: bytes) -> str | None:
    """The charset a page declares, as a Python codec name; None if absent, unknown or implausible.

    A UTF-16 or UTF-32 declaration on a page without a byte-order mark cannot
    be true: the prescan just read it as ASCII.
    """
    match = _DECLARED_CHARSET.search(head)
    if match is None:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii")
    try:
        codec = codecs.lookup(label)
    except LookupError:
        return None
    # Only text encodings: `base64`, `zlib`, `rot13` and `undefined` are codecs too, but no charset.
    if not getattr(codec, "_is_text_encoding", True) or codec.name == "undefined":
        return None
    return None if codec.name.startswith(("utf-16", "utf-32")) else codec.name


@cache
def _prune_xpath() -> tuple[str, ...]:
    return tuple(load_json(None, "html_prune.json")["prune_xpath"])


def _outlet(sitename: str | None) -> str | None:
    """The page's site name; a bare domain (trafilatura's fallback) names no outlet."""
    if not sitename or _DOMAIN.fullmatch(sitename):
        return None
    return sitename


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.datetime.fromisoformat(value).date()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError):
        return None


def _json_type(value: object) -> str:
    return {
        dict: "object",
        list: "array",
        str: "string",
        bool: "boolean",
        int: "number",
        float: "number",
    }.get(type(value), "null")
