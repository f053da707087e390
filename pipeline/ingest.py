"""From an input folder to decoded texts, with every file accounted for.

Each discovered file becomes either a raw article or a quarantine row that
says why not; nothing is dropped silently.
"""

from __future__ import annotations

import codecs
import fnmatch
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from charset_normalizer import from_bytes

INGEST = "ingest"
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MIN_CHARS = 100
# Files writers leave while still at work, and editors' lock files.
IN_PROGRESS_PATTERNS = ("*.part", "*.tmp", "*.crdownload", "*.partial", "~$*", "*.swp", "*~")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Leading bytes of common binary formats that are not articles.
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"\x1f\x8b", b"7z\xbc\xaf")


class InputFolderError(RuntimeError):
    """The input folder cannot be read at all: the run stops before touching any table."""


@dataclass(frozen=True)
class IngestSettings:
    """Limits that decide what counts as an article."""

    max_bytes: int = DEFAULT_MAX_BYTES
    min_chars: int = DEFAULT_MIN_CHARS
    settle_seconds: float = 0.0


@dataclass(frozen=True)
class IngestResult:
    """Raw articles and quarantine rows; together they cover every discovered file."""

    raw_articles: pd.DataFrame
    quarantine: pd.DataFrame
    discovered: int


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


def ingest(
    input_dir: Path,
    paths: Sequence[Path],
    settings: IngestSettings | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> IngestResult:
    """Read, decode and vet the input files `paths` (as found by `discover_inputs`)."""
    settings = settings or IngestSettings()
    raw_rows: list[dict] = []
    rejected: list[dict] = []
    seen: dict[str, str] = {}
    now = time.time()
    for path in paths:
        source = relative_source(path, input_dir)
        row, problem = _read(path, source, settings, now)
        if problem is None and row["sha256"] in seen:
            problem = ("duplicate", f"same bytes as {seen[row['sha256']]}")
        if problem is None:
            seen[row["sha256"]] = source
            raw_rows.append(row)
        else:
            reason, detail = problem
            rejected.append(
                {"source_path": source, "sha256": row.get("sha256"), "stage": INGEST, "reason": reason,
                 "detail": detail}
            )  # fmt: skip
        if on_progress is not None:
            on_progress(1)
    return IngestResult(
        raw_articles=pd.DataFrame(raw_rows, columns=["article_id", "source_path", "sha256", "n_bytes",
                                                    "encoding", "text"]),
        quarantine=pd.DataFrame(rejected, columns=["source_path", "sha256", "stage", "reason", "detail"]),
        discovered=len(paths),
    )  # fmt: skip


def _read(
    path: Path, source: str, settings: IngestSettings, now: float
) -> tuple[dict, tuple[str, str] | None]:
    """A raw-article row, or what is wrong with the file."""
    name = path.name
    if any(part.startswith(".") for part in Path(source).parts):
        return {}, ("hidden", "hidden file or folder; not read")
    if any(fnmatch.fnmatch(name, pattern) for pattern in IN_PROGRESS_PATTERNS):
        return {}, ("in_progress", "temporary file of a writer still at work; not read")
    try:
        stat = path.stat()
        if settings.settle_seconds and now - stat.st_mtime < settings.settle_seconds:
            return {}, ("in_progress", f"modified less than {settings.settle_seconds:g}s ago; not read yet")
        if stat.st_size > settings.max_bytes:
            return {}, ("too_large", f"{stat.st_size} bytes, over the limit of {settings.max_bytes}")
        data = path.read_bytes()
    except OSError as error:
        return {}, ("unreadable", f"could not read the file: {error.strerror or error}")
    digest = hashlib.sha256(data).hexdigest()
    row = {"sha256": digest, "n_bytes": len(data), "source_path": source}
    if not data:
        return row, ("empty", "the file has no bytes")
    if data.startswith(_BINARY_MAGIC) or (b"\x00" in data[:4096] and not _has_utf16_bom(data)):
        return row, ("binary", "binary content (not text)")
    decoded = _decode(data)
    if decoded is None:
        return row, ("undecodable", "bytes do not decode as text in any supported encoding")
    text, encoding = decoded
    if not text.strip():
        return row, ("whitespace_only", "the text is only white space")
    if len(text.strip()) < settings.min_chars:
        return row, (
            "too_short",
            f"{len(text.strip())} characters, under the minimum of {settings.min_chars}",
        )
    row.update(article_id=article_id_for(text), encoding=encoding, text=text)
    return row, None


def _has_utf16_bom(data: bytes) -> bool:
    return data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def _decode(data: bytes) -> tuple[str, str] | None:
    """Decode by byte-order mark, then strict UTF-8, then the best detected encoding."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                return None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        return None
    return str(best), best.encoding
