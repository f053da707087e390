"""From an input folder to decoded article texts, with every input item accounted for.

An *item* is a file, or one line of a JSON Lines file that could be read.
`input_items` lists them and `ingest` is built on the same expansion, so the
accounting check and ingestion can never disagree about what the inputs are.
Each item becomes either a raw article or a quarantine row that says why not;
nothing is dropped silently.
"""

from __future__ import annotations

import fnmatch
import hashlib
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd
from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from pipeline.formats import (
    HTML,
    JSONL,
    Extracted,
    Rejection,
    SourceMetadata,
    check_not_binary,
    decode_html,
    decode_text,
    extract_html,
    format_of,
    jsonl_lines,
    read_jsonl_line,
)
from pipeline.schema import schema_for

INGEST = "ingest"
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MIN_CHARS = 100
DEFAULT_LANGUAGES = ("en",)
# Files writers leave while still at work, and editors' lock files.
IN_PROGRESS_PATTERNS = (
    "*.part", "*.partial", "*.tmp", "*.temp", "*.crdownload", "*.download", "*.filepart",
    "~$*", "*.swp", "*~",
)  # fmt: skip
# Enough text to tell the language (about 170 words); detection time grows with length.
_LANGUAGE_SAMPLE_CHARS = 1000


class InputFolderError(RuntimeError):
    """The input folder cannot be read at all: the run stops before touching any table."""


@dataclass(frozen=True)
class IngestSettings:
    """What counts as an article, and when a file is settled enough to read.

    `settle_seconds` is 0 here (the caller knows its files are complete); the
    Dagster resource defaults it to 2 s for folders that writers fill while a
    run starts. `languages` are the ISO 639-1 codes of the languages accepted.
    """

    max_bytes: int = DEFAULT_MAX_BYTES
    min_chars: int = DEFAULT_MIN_CHARS
    settle_seconds: float = 0.0
    languages: tuple[str, ...] = DEFAULT_LANGUAGES

    def __post_init__(self) -> None:
        _accepted(self.languages)  # an unknown code fails here, not on the first article


@dataclass(frozen=True)
class IngestResult:
    """Raw articles and quarantine rows; together they cover every input item exactly once."""

    raw_articles: pd.DataFrame
    quarantine: pd.DataFrame
    items: int


@dataclass(frozen=True)
class _Line:
    """A non-blank line of a JSON Lines file, decoded with the file's encoding."""

    number: int
    text: str
    encoding: str


@dataclass(frozen=True)
class _Item:
    """One input item: a whole file (read when processed) or one JSON Lines line (read with its file)."""

    source: str
    path: Path
    format: str
    jsonl: _Line | None = None
    sha256: str | None = None
    rejection: Rejection | None = None

    @property
    def line(self) -> int | None:
        return self.jsonl.number if self.jsonl else None


@dataclass(frozen=True)
class _Content:
    """What an item's bytes say: its text and metadata with the encoding read, or why they say nothing."""

    extracted: Extracted | None = None
    encoding: str | None = None
    rejection: Rejection | None = None


@dataclass(frozen=True)
class _Read:
    """An item after reading: its bytes' digest and size and their content, or why it could not be read."""

    item: _Item
    sha256: str | None
    n_bytes: int = 0
    content: _Content = field(default_factory=_Content)
    rejection: Rejection | None = None


@dataclass(frozen=True)
class KeptArticle:
    """An article an earlier batch kept: what a later copy of it is a duplicate of."""

    sha256: str
    article_id: str
    source_path: str


@dataclass
class _Kept:
    """Articles kept so far, by digest of their bytes and by id (text), to recognise duplicates."""

    by_bytes: dict[str, tuple[str, str]] = field(default_factory=dict)
    by_text: dict[str, str] = field(default_factory=dict)

    @classmethod
    def seeded(cls, earlier: Sequence[KeptArticle]) -> _Kept:
        kept = cls()
        for article in earlier:
            kept.keep(asdict(article))
        return kept

    def check(self, sha256: str, article_id: str | None = None) -> None:
        if sha256 in self.by_bytes:
            kept_id, source = self.by_bytes[sha256]
            raise Rejection("duplicate", f"same bytes as {source}, kept as article {kept_id}", kept_id)
        if article_id in self.by_text:
            source = self.by_text[article_id]
            raise Rejection("duplicate", f"same text as {source}, kept as article {article_id}", article_id)

    def keep(self, row: dict) -> None:
        self.by_bytes[row["sha256"]] = (row["article_id"], row["source_path"])
        self.by_text[row["article_id"]] = row["source_path"]


def discover_inputs(input_dir: Path) -> list[Path]:
    """Every file below `input_dir`, sorted, hidden files and folders included (they are reported)."""
    if not input_dir.is_dir():
        raise InputFolderError(f"input folder {input_dir} does not exist or is not a folder")
    return sorted(path for path in input_dir.rglob("*") if path.is_file())


def relative_source(path: Path, input_dir: Path) -> str:
    """How a file is named in the tables: its path below the input folder, POSIX style."""
    return path.relative_to(input_dir).as_posix()


def article_id_for(text: str) -> str:
    """A stable id from the article's text: the same text gets the same id on any machine."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def input_items(input_dir: Path, paths: Sequence[Path], settings: IngestSettings | None = None) -> list[str]:
    """Source paths of every input item in `paths`: what `articles` and `quarantine` must cover."""
    settings = settings or IngestSettings()
    now = time.time()
    return [item.source for path in paths for item in _expand(path, input_dir, settings, now)]


def ingest(
    input_dir: Path,
    paths: Sequence[Path],
    settings: IngestSettings | None = None,
    on_progress: Callable[[int], None] | None = None,
    kept_before: Sequence[KeptArticle] = (),
) -> IngestResult:
    """Read, decode and vet every item of the input files `paths` (as found by `discover_inputs`).

    A duplicate (same bytes or same text as an article already kept, in path
    and line order, or by an earlier batch in `kept_before`) is quarantined
    with the kept article's id. A JSON Lines line is hashed and measured as
    its own UTF-8 bytes, not its file's.

    Items are read first, then the languages of all their texts are detected at
    once on every core, then the items are vetted in order.
    """
    settings = settings or IngestSettings()
    now = time.time()
    reads: list[_Read] = []
    by_digest: dict[tuple[str, str], _Content] = {}
    for path in paths:
        reads.extend(_read(item, settings, by_digest) for item in _expand(path, input_dir, settings, now))
        if on_progress is not None:
            on_progress(1)
    languages = _languages(
        {read.content.extracted.text for read in reads if _long_enough(read.content, settings)}, settings
    )
    raw_rows: list[dict] = []
    rejected: list[dict] = []
    kept = _Kept.seeded(kept_before)
    for read in reads:
        try:
            row = _vetted(read, settings, kept, languages)
        except Rejection as rejection:
            rejected.append(_quarantine_row(read.item, read.sha256, rejection))
        else:
            kept.keep(row)
            raw_rows.append(row)
    raw = pd.DataFrame(raw_rows, columns=schema_for("raw_articles").names).astype({"line": "Int32"})
    quarantine = pd.DataFrame(rejected, columns=schema_for("quarantine").names).astype({"line": "Int32"})
    return IngestResult(raw_articles=raw, quarantine=quarantine, items=len(reads))


def _expand(path: Path, input_dir: Path, settings: IngestSettings, now: float) -> list[_Item]:
    """The items of one file: the file itself, or each non-blank line of a readable JSON Lines file."""
    source = relative_source(path, input_dir)
    fmt = format_of(path)
    try:
        _check_settled(path, source, settings, now, size_limited=fmt != JSONL)
    except Rejection as rejection:
        return [_Item(source, path, fmt, rejection=rejection)]
    if fmt != JSONL:
        return [_Item(source, path, fmt)]
    sha256 = None
    try:
        data = _read_bytes(path)
        sha256 = _digest(data)
        check_not_binary(data)
        text, encoding = decode_text(data)
        lines = jsonl_lines(text)
        if not lines:
            raise Rejection("whitespace_only", "the JSON Lines file has only blank lines")
    except Rejection as rejection:
        return [_Item(source, path, fmt, sha256=sha256, rejection=rejection)]
    return [
        _Item(f"{source}#L{number}", path, fmt, jsonl=_Line(number, line, encoding)) for number, line in lines
    ]


def _check_settled(path: Path, source: str, settings: IngestSettings, now: float, size_limited: bool) -> None:
    """Reject, before reading a byte, what must not be read: hidden, half-written or oversized files.

    A file modified within `settle_seconds` of now, on either side (clocks of
    network shares drift), may still be being written.
    """
    if any(part.startswith(".") for part in Path(source).parts):
        raise Rejection("hidden", "hidden file or folder; not read")
    if any(fnmatch.fnmatch(path.name, pattern) for pattern in IN_PROGRESS_PATTERNS):
        raise Rejection("in_progress", "temporary file of a writer still at work; not read")
    try:
        stat = path.stat()
    except OSError as error:
        raise Rejection("unreadable", f"could not read the file: {error.strerror or error}") from None
    if abs(now - stat.st_mtime) < settings.settle_seconds:
        raise Rejection(
            "in_progress", f"modified less than {settings.settle_seconds:g} s ago; not read until it settles"
        )
    if size_limited and stat.st_size > settings.max_bytes:
        raise Rejection("too_large", f"{stat.st_size} bytes, over the limit of {settings.max_bytes}")


def _read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise Rejection("unreadable", f"could not read the file: {error.strerror or error}") from None
    if not data:
        raise Rejection("empty", "the file has no bytes")
    return data


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read(item: _Item, settings: IngestSettings, by_digest: dict[tuple[str, str], _Content]) -> _Read:
    """The item's bytes and what they say; the same bytes of one format are decoded and extracted once."""
    if item.rejection is not None:
        return _Read(item, item.sha256, rejection=item.rejection)
    try:
        data = item.jsonl.text.encode("utf-8") if item.jsonl else _read_bytes(item.path)
    except Rejection as rejection:
        return _Read(item, item.sha256, rejection=rejection)
    sha256 = _digest(data)
    if item.jsonl is not None:  # a line's content names its line number
        return _Read(item, sha256, len(data), _content(item, data, settings))
    if (sha256, item.format) not in by_digest:
        by_digest[sha256, item.format] = _content(item, data, settings)
    return _Read(item, sha256, len(data), by_digest[sha256, item.format])


def _content(item: _Item, data: bytes, settings: IngestSettings) -> _Content:
    try:
        if item.jsonl is not None:
            if len(data) > settings.max_bytes:
                raise Rejection(
                    "too_large", f"line of {len(data)} bytes, over the limit of {settings.max_bytes}"
                )
            return _Content(read_jsonl_line(item.jsonl.text, item.jsonl.number), item.jsonl.encoding)
        check_not_binary(data)
        return _Content(*_read_file(item.format, data))
    except Rejection as rejection:
        return _Content(rejection=rejection)


def _vetted(
    read: _Read, settings: IngestSettings, kept: _Kept, languages: dict[str, Rejection | None]
) -> dict:
    """The item's raw-article row; raises Rejection with the reason it is not an article."""
    if read.rejection is not None:
        raise read.rejection
    kept.check(read.sha256)
    content = read.content
    if content.rejection is not None:
        raise content.rejection
    extracted = content.extracted
    article_id = article_id_for(extracted.text)
    kept.check(read.sha256, article_id)
    length = len(extracted.text.strip())
    if length < settings.min_chars:
        raise Rejection("too_short", f"{length} characters, under the minimum of {settings.min_chars}")
    if languages[extracted.text] is not None:
        raise languages[extracted.text]
    metadata = extracted.metadata
    return {
        "article_id": article_id,
        "source_path": read.item.source,
        "sha256": read.sha256,
        "n_bytes": read.n_bytes,
        "encoding": content.encoding,
        "text": extracted.text,
        "format": read.item.format,
        "line": read.item.line,
        "url": metadata.url,
        "title": metadata.title,
        "outlet": metadata.outlet,
        "author": metadata.author,
        "published_date": metadata.published_date,
    }


def _read_file(fmt: str, data: bytes) -> tuple[Extracted, str]:
    """Text, source metadata and encoding of a whole text or HTML file."""
    if fmt == HTML:
        markup, encoding = decode_html(data)
        return extract_html(markup), encoding
    text, encoding = decode_text(data)
    if not text.strip():
        raise Rejection("whitespace_only", "the text is only white space")
    return Extracted(text, SourceMetadata()), encoding


def _long_enough(content: _Content, settings: IngestSettings) -> bool:
    return content.extracted is not None and len(content.extracted.text.strip()) >= settings.min_chars


def _languages(texts: set[str], settings: IngestSettings) -> dict[str, Rejection | None]:
    """For each text, why its language is not accepted, or None when it is.

    Every text is first guessed at once in lingua's threads. A guess outside the
    accepted languages gets a second opinion, word by word: in a short text one
    URL or list of names can sway the whole guess.
    """
    ordered = sorted(texts)
    guesses = _detector().detect_languages_in_parallel_of([text[:_LANGUAGE_SAMPLE_CHARS] for text in ordered])
    accepted = _accepted(settings.languages)
    verdicts: dict[str, Rejection | None] = {}
    for text, language in zip(ordered, guesses, strict=True):
        verdicts[text] = None
        if language is None or language in accepted:
            continue
        words: Counter[Language] = Counter()
        for part in _detector().detect_multiple_languages_of(text[:_LANGUAGE_SAMPLE_CHARS]):
            words[part.language] += part.word_count
        if 2 * sum(words[known] for known in accepted) >= words.total():
            continue
        names = ", ".join(sorted(known.name.title() for known in accepted))
        verdicts[text] = Rejection(
            "not_english",
            f"detected language {language.name.title()} ({words[language]} of {words.total()} words);"
            f" accepted: {names}",
        )
    return verdicts


@cache
def _accepted(codes: tuple[str, ...]) -> frozenset[Language]:
    try:
        return frozenset(Language.from_iso_code_639_1(IsoCode639_1.from_str(code)) for code in codes)
    except ValueError:
        raise ValueError(f"unknown ISO 639-1 language code among {list(codes)}") from None


@cache
def _detector() -> LanguageDetector:
    """One detector per process: low-accuracy mode (trigrams only) is ample for whole articles."""
    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def _quarantine_row(item: _Item, sha256: str | None, rejection: Rejection) -> dict:
    return {
        "source_path": item.source,
        "sha256": sha256,
        "stage": INGEST,
        "reason": rejection.reason,
        "detail": rejection.detail,
        "line": item.line,
        "duplicate_of": rejection.duplicate_of,
    }
