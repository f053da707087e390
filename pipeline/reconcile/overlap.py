"""Source overlap: which articles share copy, so corroboration counts sources, not articles.

Two outlets that run the same agency copy are one source, however many
articles carry it. Copying shows as long passages shared verbatim outside
quotation marks: quoted speech is shared by every outlet that heard the
speaker and proves nothing about copying, so quotes are cut out first.

Pairs are found without comparing all pairs: every article's body is cut
into hashed shingles of `min_passage_words` consecutive normalized words,
an inverted index (the shingles of all articles, sorted) gives the articles
that hold each shingle, and only articles of one story sharing a shingle
become candidates. Copying matters for corroboration, which is counted within
a story; long passages shared across stories are boilerplate, or stock
background text reused for event after event, and would make the pairs grow
with the square of the archive. A shingle held by more than
`max_shingle_articles` articles of the whole corpus is boilerplate and is not
used for blocking.
Each candidate pair is then measured word by word: maximal common runs of
at least `min_passage_words` words, each word of either article used once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd
from anyascii import anyascii

from pipeline.extract.sentences import BODY
from pipeline.reconcile.groups import UnionFind

COLUMNS = ["article_id", "other_article_id", "shared_chars", "shared_share", "passages"]
_WORD = re.compile(r"[^\W_]+(?:['’‘][^\W_]+)*")
_BASE = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class OverlapSettings:
    """What counts as shared copy."""

    # A passage is shared copy from this many consecutive words (after normalizing case and typography).
    min_passage_words: int = 12
    # Shingles found in more articles than this are boilerplate: not used to find candidate pairs.
    max_shingle_articles: int = 100


@dataclass(frozen=True)
class _Body:
    """An article's non-quoted body as normalized words, and its shingles."""

    words: list[str]
    # First word of each shingle, ascending, and the shingle's hash; shingles never cross a cut.
    starts: np.ndarray
    hashes: np.ndarray
    # Characters of the normalized text: the words joined by single spaces.
    length: int


def source_overlap(
    articles: pd.DataFrame,
    sentences: pd.DataFrame,
    quotes: pd.DataFrame,
    stories: pd.DataFrame | None = None,
    settings: OverlapSettings | None = None,
) -> pd.DataFrame:
    """One row per pair of articles of one story sharing at least one long passage outside quotations.

    `shared_chars` counts characters of normalized text (words joined by single
    spaces) in the shared passages; `shared_share` divides it by the normalized
    length of the shorter non-quoted body. Without `stories`, the corpus is one story.
    """
    settings = settings or OverlapSettings()
    n = settings.min_passage_words
    bodies = _bodies(articles, sentences, quotes, n)
    ids = sorted(bodies)
    in_story, most = _story_numbers(ids, stories), settings.max_shingle_articles
    candidates = _candidates([bodies[article_id] for article_id in ids], in_story, most)
    rows = []
    for first, second in ((ids[i], ids[j]) for i, j in sorted(candidates)):
        passages = _shared_passages(bodies[first], bodies[second], n)
        if not passages:
            continue
        shared = sum(passages)
        shorter = min(bodies[first].length, bodies[second].length)
        rows.append((first, second, shared, shared / shorter, len(passages)))
    return pd.DataFrame(rows, columns=COLUMNS).astype(
        {"shared_chars": "int64", "shared_share": "float64", "passages": "int64"}
    )


def independent_groups(article_ids: list[str], overlap: pd.DataFrame) -> list[set[str]]:
    """The articles grouped into independent sources: articles linked by shared copy are one source.

    Links run through any chain of overlapping pairs among `article_ids`;
    pairs involving other articles are ignored.
    """
    members = list(dict.fromkeys(article_ids))
    known = set(members)
    sources = UnionFind()
    for article_id in members:
        sources.find(article_id)
    for first, second in zip(overlap["article_id"], overlap["other_article_id"], strict=True):
        if first in known and second in known:
            sources.union(first, second)
    groups: dict[str, set[str]] = defaultdict(set)
    for article_id in members:
        groups[sources.find(article_id)].add(article_id)
    return sorted(groups.values(), key=min)


def _bodies(
    articles: pd.DataFrame, sentences: pd.DataFrame, quotes: pd.DataFrame, n: int
) -> dict[str, _Body]:
    body_spans = sentences[sentences["kind"] == BODY].groupby("article_id")
    quote_spans = quotes.groupby("article_id")
    vocabulary: dict[str, int] = {}
    bodies = {}
    for article_id, text in zip(articles["article_id"], articles["text"], strict=True):
        spans = body_spans.get_group(article_id) if article_id in body_spans.groups else None
        quoted = quote_spans.get_group(article_id) if article_id in quote_spans.groups else None
        bodies[article_id] = _body(text, spans, quoted, n, vocabulary)
    return bodies


def _body(
    text: str, spans: pd.DataFrame | None, quoted: pd.DataFrame | None, n: int, vocabulary: dict[str, int]
) -> _Body:
    """Words of the body sentences outside quotes; a word left out cuts the text there."""
    readable = bytearray(len(text))
    for frame, value in ((spans, 1), (quoted, 0)):
        if frame is not None:
            for start, end in zip(frame["start_char"], frame["end_char"], strict=True):
                readable[start:end] = bytes([value]) * (end - start)
    words: list[str] = []
    segments: list[int] = []  # which uncut stretch of text each word stands in
    segment = 0
    for match in _WORD.finditer(text):
        if not all(readable[match.start() : match.end()]):
            segment += 1
            continue
        words.append(anyascii(match.group()).casefold())
        segments.append(segment)
    count = len(words) - n + 1
    if count <= 0:
        return _Body(words, np.zeros(0, np.int64), np.zeros(0, np.uint64), _chars(words))
    codes = np.fromiter(
        (vocabulary.setdefault(word, len(vocabulary)) for word in words), np.uint64, len(words)
    )
    hashes = np.zeros(count, np.uint64)
    for offset in range(n):  # a polynomial hash of n word codes, modulo 2**64
        hashes = hashes * _BASE + codes[offset : offset + count]
    in_segment = np.asarray(segments[:count]) == np.asarray(segments[n - 1 :])
    return _Body(words, np.flatnonzero(in_segment), hashes[in_segment], _chars(words))


def _story_numbers(ids: list[str], stories: pd.DataFrame | None) -> np.ndarray:
    """A number per article (in `ids` order), the same for the articles of one story; others stand alone."""
    if stories is None:
        return np.zeros(len(ids), np.int64)
    story_of: dict[str, int] = {}
    for number, members in enumerate(stories["article_ids"]):
        for article_id in members if members is not None else ():
            story_of.setdefault(article_id, number)
    alone = len(story_of) + len(ids)
    return np.array([story_of.get(article_id, alone + i) for i, article_id in enumerate(ids)], np.int64)


def _candidates(bodies: list[_Body], stories: np.ndarray, max_holders: int) -> set[tuple[int, int]]:
    """Pairs of bodies (by position, lower first) of one story sharing a shingle held by at most
    `max_holders` bodies of the whole corpus."""
    distinct = [np.unique(body.hashes) for body in bodies]
    hashes = np.concatenate([*distinct, np.zeros(0, np.uint64)])
    owners = np.repeat(np.arange(len(bodies)), [len(held) for held in distinct])
    order = np.lexsort((owners, stories[owners], hashes))
    hashes, owners = hashes[order], owners[order]
    new_shingle = np.r_[True, hashes[1:] != hashes[:-1]]
    shingle_starts = np.flatnonzero(new_shingle)
    holders = np.diff(np.r_[shingle_starts, len(hashes)])[np.cumsum(new_shingle) - 1]
    new_group = new_shingle | np.r_[True, stories[owners][1:] != stories[owners][:-1]]
    starts = np.flatnonzero(new_group)
    ends = np.r_[starts[1:], len(hashes)]
    shared = (ends - starts > 1) & (holders[starts] <= max_holders)
    groups = {
        tuple(owners[start:end].tolist()) for start, end in zip(starts[shared], ends[shared], strict=True)
    }
    return {pair for group in groups for pair in combinations(group, 2)}


def _chars(words: list[str]) -> int:
    return sum(map(len, words)) + max(len(words) - 1, 0)


def _shared_passages(first: _Body, second: _Body, n: int) -> list[int]:
    """Normalized lengths of the maximal passages the two bodies share, each word used once."""
    common = np.intersect1d(first.hashes, second.hashes)
    where: dict[int, list[int]] = defaultdict(list)
    in_second = np.isin(second.hashes, common)
    for j, shingle in zip(second.starts[in_second].tolist(), second.hashes[in_second].tolist(), strict=True):
        where[shingle].append(j)
    in_first = np.isin(first.hashes, common)
    matches = [
        (i, j)
        for i, shingle in zip(first.starts[in_first].tolist(), first.hashes[in_first].tolist(), strict=True)
        for j in where[shingle]
        if first.words[i : i + n] == second.words[j : j + n]  # else a hash collision
    ]
    # Runs of matching shingles along one diagonal (same offset between the two texts).
    runs: dict[int, list[list[int]]] = defaultdict(list)
    for i, j in matches:
        diagonal = runs[i - j]
        if diagonal and diagonal[-1][1] == i - 1:
            diagonal[-1][1] = i
        else:
            diagonal.append([i, i])
    passages = sorted(
        ((start, last + n, start - offset) for offset, found in runs.items() for start, last in found),
        key=lambda run: (run[0] - run[1], run[0]),
    )
    used_first, used_second = bytearray(len(first.words)), bytearray(len(second.words))
    lengths = []
    for start, end, other_start in passages:
        other_end = other_start + end - start
        if any(used_first[start:end]) or any(used_second[other_start:other_end]):
            continue
        used_first[start:end] = b"\x01" * (end - start)
        used_second[other_start:other_end] = b"\x01" * (end - start)
        lengths.append(_chars(first.words[start:end]))
    return lengths
